// The figures on generated data (`parqex bench-data`): history on a big
// access_events table against a primary-key lookup on it, cold start with that
// table, controllers connected to the embedded broker and the server's memory
// per connection, toggles across 1,000 doors, and the growth curves (history
// as events grow, user-info and sync as grants grow, sync as a person's doors
// grow), drawn as SVG into docs/performance/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { compactId } from '../src/access/ids.ts';
import { sandboxPeople } from '../src/sandbox/seed.ts';
import { benchDoorId, benchDoorLayout } from '../src/store/repositories/bench-data.ts';
import { sandboxTokens } from '../test/helpers/oauth.ts';
import { benchDatabase, type BenchDatabase } from './support/bench-database.ts';
import { lineChart, type Series } from './support/charts.ts';
import { compileCacheEnv, startChild } from './support/children.ts';
import { historySubjects, openBenchDatabase } from './support/history-queries.ts';
import { cannon, curveSettings, measureTogether, median, settings, type Measured, type Subject } from './support/load.ts';
import type { ParqexInfo } from './support/parqex-process.ts';

export interface Report {
  figure(name: string, baseline: Measured, measured: Measured, compare: 'rps' | 'p99', target: number): void;
  others: Record<string, unknown>;
  roundTrip(name: string, login: { url: string; username?: string; password?: string }, inFlight: number): Subject;
}

const here = (path: string) => new URL(path, import.meta.url).pathname;
const sizes = {
  historyEvents: Number(process.env.BENCH_HISTORY_EVENTS ?? 1_000_000),
  controllers: Number(process.env.BENCH_CONTROLLERS ?? 2_000),
  grants: Number(process.env.BENCH_GRANTS ?? 100_000),
};
/**
 * Seed 1: the account Alex administers, for history and toggles: 992 doors, as
 * with Alex's own five the consent page offers at most 1,000 (its form's limit).
 */
const history = { controllers: 248, people: 1_000, doorsPerPerson: 4, days: 365 };

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

function decades(from: number, to: number, extra: number[] = []): number[] {
  const points = [...extra];
  for (let n = from; n < to; n *= 10) points.push(n);
  return [...new Set([...points, to])].sort((a, b) => a - b);
}

async function filled(events: number): Promise<BenchDatabase> {
  const database = await benchDatabase();
  await database.parqex(['seed']);
  const written = await database.parqex(['bench-data', '--admin', sandboxPeople.alex.email, '--controllers', String(history.controllers), '--people', String(history.people),
    '--doors-per-person', String(history.doorsPerPerson), '--days', String(history.days), '--events', String(events), '--json']);
  console.log(`  bench-data: ${events.toLocaleString('en-US')} events, ${history.controllers * benchDoorLayout.length} doors, ${history.people} people in ${written.seconds} s`);
  return database;
}

/** docs/performance/NAME-ENGINE.svg: one chart per engine, each run replacing its own. */
function writeChart(name: string, engine: string, title: string, xLabel: string, yLabel: string, series: Series[]): void {
  mkdirSync(here('../docs/performance'), { recursive: true });
  writeFileSync(here(`../docs/performance/${name}-${engine}.svg`), lineChart(title, xLabel, yLabel, series));
  console.log(`  chart: docs/performance/${name}-${engine}.svg`);
}

export async function generatedDataFigures(report: Report, engine: string): Promise<void> {
  console.log(`\nfigures on generated data (BENCH_HISTORY_EVENTS=${sizes.historyEvents}, BENCH_CONTROLLERS=${sizes.controllers}, BENCH_GRANTS=${sizes.grants})`);

  // History as events grow: a database per size; the largest stays for the figures after.
  const historyCurve: Series[] = [{ name: 'history page p99', points: [] }, { name: 'primary key p99', points: [] }];
  let big: BenchDatabase | undefined;
  for (const events of decades(100_000, sizes.historyEvents)) {
    const database = await filled(events);
    const store = openBenchDatabase(database.env);
    const largest = events === sizes.historyEvents;
    const [lookup, page] = await measureTogether(historySubjects(store, { controllers: history.controllers, events, days: history.days }), largest ? settings : curveSettings);
    await store.destroy();
    historyCurve[0]!.points.push({ x: events, y: page!.p99 });
    historyCurve[1]!.points.push({ x: events, y: lookup!.p99 });
    console.log(`  ${events.toLocaleString('en-US')} events: page p50 ${page!.p50} ms p99 ${page!.p99} ms; primary key p50 ${lookup!.p50} ms p99 ${lookup!.p99} ms`);
    if (largest) {
      report.figure(`history page (50 rows, one door, 30 days) on ${events.toLocaleString('en-US')} events (${engine})`, lookup!, page!, 'p99', 5);
      big = database;
    } else {
      await database.drop();
    }
  }
  writeChart('history-growth', engine, `History as events grow (${engine})`, 'events in access_events', 'p99 (ms), one at a time', historyCurve);
  report.others.historyCurve = historyCurve;
  const database = big!;

  try {
    // Cold start with the big table: spawning the server to /readyz answering 200.
    const coldStarts: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const began = performance.now();
      const server = await startChild<{ baseUrl: string }>(here('./support/parqex-process.ts'), { env: { ...compileCacheEnv, BENCH_COLD_START: '1', BENCH_ENV: JSON.stringify(database.env) } });
      const ready = await fetch(`${server.info.baseUrl}/readyz`);
      coldStarts.push(Math.round(performance.now() - began));
      if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status}`);
      await server.stop();
    }
    report.others.coldStartBigMs = { events: sizes.historyEvents, runs: coldStarts, median: median(coldStarts) };
    console.log(`\ncold start to /readyz with ${sizes.historyEvents.toLocaleString('en-US')} history rows (3 runs): median ${median(coldStarts)} ms (runs ${coldStarts.join(', ')})   target ≤ 2000 ms   ${median(coldStarts) <= 2000 ? 'met' : 'MISSED'}`);

    const tokensFor = [sandboxPeople.sam.email, sandboxPeople.nora.email];
    const parqex = await startChild<ParqexInfo>(here('./support/parqex-process.ts'), { env: { BENCH_ENV: JSON.stringify(database.env), BENCH_TOKENS_FOR: tokensFor.join(',') } });
    try {
      const api = (path: string) => `${parqex.info.baseUrl}/oauth/v1/endpoints/${path}`;
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
      const brokerUrl = process.env.MQTT_URL ?? parqex.info.brokerUrl;

      // The history page over HTTP, as Alex (the bench account's Admin), for the record.
      const day = (offset: number) => new Date(Date.now() - offset * 86400_000).toISOString().slice(0, 10);
      const [historyHttp] = await measureTogether([cannon('GET toggle-history, one door, 30 days, limit 50', () => ({
        url: `${api('toggle-history')}?door_id=${compactId(benchDoorId(1, 0, 1))}&start_date=${day(30)}&end_date=${day(0)}&limit=50`,
        headers: bearer(parqex.info.accessToken),
      }))]);
      report.others.historyHttp = historyHttp;
      console.log(`\nGET toggle-history (50 rows) over HTTP: ${historyHttp!.rps}/s, p50 ${historyHttp!.p50} ms, p99 ${historyHttp!.p99} ms${historyHttp!.errors ? `, errors ${historyHttp!.errors}` : ''}`);

      // Controllers connected to the broker: the server's memory per connection against its idle memory.
      await database.parqex(['bench-data', '--seed', '2', '--controllers', String(sizes.controllers), '--json']);
      await sleep(2000);
      const idle = rssKiB(parqex.process.pid!);
      const fleet = await startChild<{ connected: number; seconds: number }>(here('./support/controllers-process.ts'), { env: { BENCH_SEED: '2', BENCH_COUNT: String(sizes.controllers), BENCH_BROKER_URL: brokerUrl } });
      await sleep(3000);
      const connected = rssKiB(parqex.process.pid!);
      await fleet.stop();
      const perConnection = Math.round(((connected - idle) / sizes.controllers) * 10) / 10;
      report.others.controllersRss = { controllers: fleet.info.connected, connectSeconds: fleet.info.seconds, idleKiB: idle, connectedKiB: connected, perConnectionKiB: perConnection };
      console.log(`\n${fleet.info.connected} controllers connected in ${fleet.info.seconds} s: server RSS ${Math.round(idle / 1024)} MiB idle → ${Math.round(connected / 1024)} MiB, ${perConnection} KiB each   target ≤ 50 KiB   ${perConnection <= 50 ? 'met' : 'MISSED'}`);

      // Toggles across 1,000 doors: 250 simulated controllers with zero travel, `connections` toggles in flight.
      const doors = Array.from({ length: history.controllers * benchDoorLayout.length }, (_, i) => compactId(benchDoorId(1, Math.floor(i / benchDoorLayout.length), (i % benchDoorLayout.length) + 1)));
      const toggleFleet = await startChild<{ connected: number }>(here('./support/controllers-process.ts'), { env: { BENCH_SEED: '1', BENCH_COUNT: String(history.controllers), BENCH_BROKER_URL: brokerUrl } });
      try {
        let next = 0;
        const brokerLogin = process.env.MQTT_URL ? { url: process.env.MQTT_URL } : { url: parqex.info.brokerUrl, ...parqex.info.platformLogin };
        const [alone, toggles] = await measureTogether([
          report.roundTrip(`MQTT publish/answer round trip, ${settings.connections} in flight`, brokerLogin, settings.connections),
          cannon(`POST toggle across ${doors.length} doors, ${settings.connections} in flight`, () => ({
            url: api('toggle'),
            method: 'POST',
            headers: { ...bearer(parqex.info.accessToken), 'content-type': 'application/json' },
            requests: [{
              setupRequest: (request) => {
                // Each door in turn, so a door is never asked twice at once; a stateful door opens then closes, a momentary one only opens.
                const i = next;
                next += 1;
                const stateful = benchDoorLayout[i % benchDoorLayout.length]!.kind === 'stateful';
                return { ...request, body: JSON.stringify({ door_id: doors[i % doors.length], door_state: stateful && Math.floor(i / doors.length) % 2 ? 'CLOSED' : 'OPEN' }) };
              },
            }],
          })),
        ]);
        report.figure(`toggles across ${doors.length} doors, p99`, alone!, toggles!, 'p99', 3);
        console.log(`  toggles/s across ${doors.length} doors: ${toggles!.rps}   target ≥ 1000/s   ${toggles!.rps >= 1000 && toggles!.errors === 0 ? 'met' : 'MISSED'}${toggles!.errors ? ` (${toggles!.errors} answers not 2xx)` : ''}`);
      } finally {
        await toggleFleet.stop();
      }

      // User-info and sync (Sam, 4 doors) as grants grow.
      const grantsCurve: Series[] = [{ name: 'user-info req/s', points: [] }, { name: 'sync req/s', points: [] }];
      let grants = 0;
      for (const [i, level] of decades(10_000, sizes.grants).entries()) {
        await database.parqex(['bench-data', '--seed', String(100 + i), '--people', '100', '--grants', String(level - grants), '--json']);
        grants = level;
        const sam = bearer(parqex.info.tokensFor[sandboxPeople.sam.email]!);
        const [userInfo, sync] = await measureTogether([cannon('user-info', () => ({ url: api('user-info'), headers: sam })), cannon('sync', () => ({ url: api('sync'), headers: sam }))], curveSettings);
        grantsCurve[0]!.points.push({ x: level, y: userInfo!.rps });
        grantsCurve[1]!.points.push({ x: level, y: sync!.rps });
        console.log(`  ${level.toLocaleString('en-US')} grants: user-info ${userInfo!.rps}/s p99 ${userInfo!.p99} ms; sync ${sync!.rps}/s p99 ${sync!.p99} ms`);
      }
      writeChart('grants-growth', engine, `User-info and sync as grants grow (${engine})`, 'grants (authorizations and oidc-provider Grants)', 'requests/s', grantsCurve);
      report.others.grantsCurve = grantsCurve;

      // Sync as a person's doors grow: Nora is given 1, 10, 100, then 500 doors.
      const doorsCurve: Series[] = [{ name: 'sync p50 ms', points: [] }, { name: 'sync p99 ms', points: [] }];
      let shared = 0;
      for (const [i, level] of [1, 10, 100, 500].entries()) {
        const more = level - shared;
        await database.parqex(['bench-data', '--seed', String(200 + i), '--controllers', String(Math.ceil(more / benchDoorLayout.length)), '--doors-per-person', String(more), '--share-with', sandboxPeople.nora.email, '--json']);
        shared = level;
        const nora = bearer((await sandboxTokens(parqex.info.baseUrl, { email: sandboxPeople.nora.email })).access_token);
        const [sync] = await measureTogether([cannon('sync', () => ({ url: api('sync'), headers: nora }))], curveSettings);
        doorsCurve[0]!.points.push({ x: level, y: sync!.p50 });
        doorsCurve[1]!.points.push({ x: level, y: sync!.p99 });
        console.log(`  ${level} doors shared: sync ${sync!.rps}/s p50 ${sync!.p50} ms p99 ${sync!.p99} ms${sync!.errors ? `, errors ${sync!.errors}` : ''}`);
      }
      writeChart('doors-growth', engine, `Sync as a person's doors grow (${engine})`, 'doors shared with the person', 'latency (ms), 20 connections', doorsCurve);
      report.others.doorsCurve = doorsCurve;
    } finally {
      await parqex.stop();
    }
  } finally {
    await database.drop();
  }
}
