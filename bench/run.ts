// `npm run bench`: every figure with its baseline from the same run and the
// ratio, on SQLite and the embedded broker, or PostgreSQL and an external
// broker when DATABASE_URL / MQTT_URL are set. Servers run in child processes;
// autocannon runs here. Writes bench/results/latest.json. Not part of npm test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { compactId } from '../src/access/ids.ts';
import { startChild } from './support/children.ts';
import { cannon, measureTogether, settings, type Measured, type Subject } from './support/load.ts';
import { mqttRoundTrips, type BrokerLogin } from './support/mqtt-round-trip.ts';
import { refreshChains } from './support/refresh-chains.ts';
import type { ParqexInfo } from './support/parqex-process.ts';

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

const roundTrip = (name: string, login: BrokerLogin): Subject => ({
  name,
  run: (seconds) => mqttRoundTrips(login, settings.connections, seconds),
});

console.log(`ParqEx benchmarks: ${engine}, ${broker} broker; ${settings.connections} connections, warm-up ${settings.warmupSeconds} s, ${settings.rounds} rounds × ${settings.seconds} s taken in turn, medians`);
console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.versions.node}`);

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
  const brokerLogin: BrokerLogin | undefined = process.env.MQTT_URL
    ? { url: process.env.MQTT_URL }
    : parqex.info.platformLogin && { url: parqex.info.brokerUrl, ...parqex.info.platformLogin };
  if (brokerLogin) {
    const [mqttAlone, toggle] = await measureTogether([
      roundTrip(`MQTT publish/answer round trip, ${broker} broker`, brokerLogin),
      cannon('POST toggle (lobby, zero travel, simulator ack)', () => ({
        url: api('toggle'),
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ door_id: compactId(parqex.info.lobbyDoorId), door_state: 'OPEN' }),
      })),
    ]);
    figure('toggle end to end, p99', mqttAlone!, toggle!, 'p99', 3);
    const perSecond = toggle!.rps;
    console.log(`  toggles/s ${perSecond}   target ≥ 1000   ${perSecond >= 1000 ? 'met' : 'MISSED'}`);
  }
} finally {
  await Promise.all([parqex.stop(), bare.stop(), peer.stop()]);
}

const results = {
  at: new Date().toISOString(),
  engine,
  broker,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.versions.node },
  settings,
  durationSeconds: Math.round((Date.now() - started) / 1000),
  figures: figures.map(({ baseline, measured, ...rest }) => ({ ...rest, ratio: Math.round(rest.ratio * 1000) / 1000, baseline, measured })),
};
mkdirSync(here('./results'), { recursive: true });
writeFileSync(here('./results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten bench/results/latest.json (${results.durationSeconds} s)`);
process.exit(0);
