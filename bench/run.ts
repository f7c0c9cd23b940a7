// `npm run bench`: every figure with its baseline from the same run and the
// ratio, on SQLite and the embedded broker, or PostgreSQL and an external
// broker when DATABASE_URL / MQTT_URL are set. Servers run in child processes;
// autocannon runs here. Writes bench/results/latest.json. Not part of npm test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { createInterface } from 'node:readline';
import { compactId } from '../src/access/ids.ts';
import { compileCacheEnv, startChild } from './support/children.ts';
import { cannon, measureTogether, median, settings, type Measured, type Subject } from './support/load.ts';
import { mqttRoundTrips, type BrokerLogin } from './support/mqtt-round-trip.ts';
import { refreshChains } from './support/refresh-chains.ts';
import type { ParqexInfo } from './support/parqex-process.ts';
import { generatedDataFigures } from './generated-data.ts';

interface Figure {
  figure: string;
  baseline: Measured;
  measured: Measured;
  /** What the target compares: throughput (higher is better) or p99 latency (lower is better). */
  compare: 'rps' | 'p99';
  ratio: number;
  target: number;
  met: boolean;
}

const here = (path: string) => new URL(path, import.meta.url).pathname;
const started = Date.now();
const figures: Figure[] = [];
/** Figures measured another way (a count, a time): printed and kept as they are. */
const others: Record<string, unknown> = {};
const loadAtStart = loadavg();
const engine = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
const broker = process.env.MQTT_URL ? 'external' : 'embedded';

function figure(name: string, baseline: Measured, measured: Measured, compare: 'rps' | 'p99', target: number): void {
  const ratio = compare === 'rps' ? measured.rps / baseline.rps : measured.p99 / Math.max(baseline.p99, 0.01);
  const met = compare === 'rps' ? ratio >= target : ratio <= target;
  figures.push({ figure: name, baseline, measured, compare, ratio, target, met });
  const row = (label: string, m: Measured) => `  ${label.padEnd(44)} ${String(m.rps).padStart(7)} /s   p50 ${String(m.p50).padStart(6)} ms   p99 ${String(m.p99).padStart(6)} ms${m.errors ? `   errors ${m.errors}` : ''}`;
  console.log(`\n${name}`);
  console.log(row(`baseline: ${baseline.name}`, baseline));
  console.log(row(measured.name, measured));
  console.log(`  ratio ${ratio.toFixed(2)}× (${compare === 'rps' ? 'throughput' : 'p99'})   target ${compare === 'rps' ? '≥' : '≤'} ${target}×   ${met ? 'met' : 'MISSED'}`);
}

const roundTrip = (name: string, login: BrokerLogin, inFlight: number): Subject => ({
  name,
  run: (seconds) => mqttRoundTrips(login, inFlight, seconds),
});

console.log(`ParqEx benchmarks: ${engine}, ${broker} broker; ${settings.connections} connections, warm-up ${settings.warmupSeconds} s, ${settings.rounds} rounds × ${settings.seconds} s taken in turn, medians`);
console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.versions.node}; load average ${loadAtStart.map((value) => value.toFixed(1)).join(' ')}`);

const parqex = await startChild<ParqexInfo>(here('./support/parqex-process.ts'), { env: { BENCH_REFRESH_CHAINS: String(settings.connections) } });
const bare = await startChild<{ baseUrl: string }>(here('./support/bare-process.ts'));
const peer = await startChild<{ tokenUrl: string; client: { client_id: string; client_secret: string }; refreshTokens: string[] }>(here('./support/oidc-peer-process.ts'), { env: { BENCH_REFRESH_CHAINS: String(settings.connections) } });
try {
  const auth = { authorization: `Bearer ${parqex.info.accessToken}` };
  const api = (path: string) => `${parqex.info.baseUrl}/oauth/v1/endpoints/${path}`;

  // (a) the resource API against a bare Fastify route in a process of the same kind.
  const [bareRoute, userInfo, sync] = await measureTogether([
    cannon('bare Fastify JSON route', () => ({ url: `${bare.info.baseUrl}/bare` })),
    cannon('bearer GET user-info', () => ({ url: api('user-info'), headers: auth })),
    cannon('bearer GET sync (Alex, 4 doors)', () => ({ url: api('sync'), headers: auth })),
  ]);
  figure('bearer GET user-info', bareRoute!, userInfo!, 'rps', 0.5);
  figure('bearer GET sync', bareRoute!, sync!, 'rps', 0.35);

  // (b) the refresh grant with rotation against oidc-provider alone (in-memory storage), same request form.
  const [peerRefresh, ourRefresh] = await measureTogether([
    refreshChains('oidc-provider alone, in-memory, refresh with rotation', peer.info.tokenUrl, peer.info.client, peer.info.refreshTokens),
    refreshChains(`refresh grant with rotation (${engine})`, `${parqex.info.baseUrl}/oauth/v2/endpoints/token`, parqex.info.client, parqex.info.refreshTokens),
  ]);
  figure(`refresh grant with rotation (${engine})`, peerRefresh!, ourRefresh!, 'rps', 0.5);

  // (c) a toggle end to end (HTTP → MQTT → simulator ack → HTTP) against a publish/ack round trip on the same broker.
  // One door takes one move at a time (a second is refused as busy), so both sides run one at a time: this
  // compares latency. Throughput across 1,000 doors needs 1,000 simulated doors (not generated yet).
  const brokerLogin: BrokerLogin | undefined = process.env.MQTT_URL
    ? { url: process.env.MQTT_URL }
    : parqex.info.platformLogin && { url: parqex.info.brokerUrl, ...parqex.info.platformLogin };
  if (brokerLogin) {
    const [mqttAlone, toggle] = await measureTogether([
      roundTrip(`MQTT publish/answer round trip, ${broker} broker, 1 at a time`, brokerLogin, 1),
      cannon('POST toggle (lobby, zero travel, simulator ack), 1 at a time', () => ({
        connections: 1,
        url: api('toggle'),
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ door_id: compactId(parqex.info.lobbyDoorId), door_state: 'OPEN' }),
      })),
    ]);
    figure('toggle end to end, p99', mqttAlone!, toggle!, 'p99', 3);
    console.log(`  toggles/s on one door, one at a time: ${toggle!.rps}   (≥ 1000/s across 1,000 doors: below, on generated data)`);
  }
} finally {
  await Promise.all([parqex.stop(), bare.stop(), peer.stop()]);
}

// (d) history, cold start with a big history, connected controllers, toggles across 1,000 doors and the growth curves, on generated data.
if (process.env.BENCH_GENERATED !== '0') await generatedDataFigures({ figure, others, roundTrip }, engine);

// (e) webhook deliveries against the receiver fed by a plain POST loop: bench/webhooks.bench.ts, in a process of its own.
if (process.env.BENCH_WEBHOOKS !== '0') {
  console.log('\nwebhook deliveries (bench/webhooks.bench.ts)');
  const child = spawn(process.execPath, ['--test', here('./webhooks.bench.ts')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_EVENTS: process.env.BENCH_EVENTS ?? '1000' } });
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('bench-result ')) others.webhooks = JSON.parse(line.slice('bench-result '.length));
    else if (/^(plain|dispatcher|  \d|ratio|lag)/.test(line)) console.log(`  ${line.trim()}`);
  }
  const webhooks = others.webhooks as { fourEndpoints: number; lag: { p99: number } } | undefined;
  if (webhooks) {
    console.log(`  across 4 endpoints ${webhooks.fourEndpoints}/s   target ≥ 1000/s   ${webhooks.fourEndpoints >= 1000 ? 'met' : 'MISSED'}`);
    console.log(`  lag p99 ${webhooks.lag.p99} ms   target ≤ 250 ms   ${webhooks.lag.p99 <= 250 ? 'met' : 'MISSED'}`);
  }
}

// (g) cold start: from spawning a server process to its first ready line, on a fresh database (migrations and seed included).
{
  const coldStarts: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const began = performance.now();
    const server = await startChild<ParqexInfo>(here('./support/parqex-process.ts'), { env: { ...compileCacheEnv, BENCH_COLD_START: '1' } });
    coldStarts.push(Math.round(performance.now() - began));
    await server.stop();
  }
  others.coldStartMs = { runs: coldStarts, median: median(coldStarts) };
  console.log(`\ncold start to ready (fresh ${engine} database, migrations, sandbox seed; 3 runs): median ${median(coldStarts)} ms   (with a big history: above)`);
}

const results = {
  at: new Date().toISOString(),
  engine,
  broker,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.versions.node },
  settings,
  durationSeconds: Math.round((Date.now() - started) / 1000),
  // Other work on the machine shows here: ratios are taken in turn, absolute figures are not comparable across runs.
  loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
  figures: figures.map(({ baseline, measured, ...rest }) => ({ ...rest, ratio: Math.round(rest.ratio * 1000) / 1000, baseline, measured })),
  others,
};
mkdirSync(here('./results'), { recursive: true });
writeFileSync(here('./results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten bench/results/latest.json (${results.durationSeconds} s)`);
process.exit(0);
