// Throughput of the resource API against a bare Fastify route in the same run
// (same machine, same load), so the numbers read as ratios. Not part of npm test.
//   npm run bench            (SQLite)
//   DATABASE_URL=... npm run bench
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { test } from 'node:test';
import { compactId } from '../src/access/ids.ts';
import { sandboxDoors } from '../src/sandbox/seed.ts';
import { startServer } from '../test/helpers/build-app.ts';
import { sandboxController } from '../test/helpers/controllers.ts';
import { sandboxTokens } from '../test/helpers/oauth.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

async function load(name: string, url: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET', body?: string) {
  const result = await autocannon({ url, connections, duration: seconds, headers, method, body });
  const row = { name, rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
  console.log(`${name.padEnd(34)} ${String(row.rps).padStart(7)} req/s   p50 ${String(row.p50).padStart(4)} ms   p99 ${String(row.p99).padStart(4)} ms   non-2xx ${row.errors}`);
  return row;
}

test('API throughput against a bare Fastify route', { timeout: 600_000 }, async (t) => {
  const engine = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
  const bare = Fastify();
  bare.get('/bare', async () => ({ success: true, timestamp: Math.floor(Date.now() / 1000), data: { id: 'x', first_name: 'A', last_name: 'B' } }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => bare.close());
  const { baseUrl, app } = await startServer(t, engine, { LOG_LEVEL: 'warn', PARQEX_RATE_LIMIT_PER_TOKEN: '1000000', PARQEX_RATE_LIMIT_PER_PERSON: '1000000', PARQEX_RATE_LIMIT_PER_DOOR: '1000000' });
  await sandboxController(t, app, 'a', { travelMs: 0 });
  const { access_token } = await sandboxTokens(baseUrl);
  const auth = { authorization: `Bearer ${access_token}` };
  const address = bare.server.address() as { port: number };

  console.log(`\n${engine}, ${connections} connections, ${seconds} s each\n`);
  const baseline = await load('bare Fastify route (baseline)', `http://127.0.0.1:${address.port}/bare`);
  const rows = [
    await load('GET /healthz', `${baseUrl}/healthz`),
    await load('GET user-info', `${baseUrl}/oauth/v1/endpoints/user-info`, auth),
    await load('GET sync', `${baseUrl}/oauth/v1/endpoints/sync`, auth),
    await load('GET toggle-history', `${baseUrl}/oauth/v1/endpoints/toggle-history`, auth),
    await load('POST toggle (lobby, simulator ack)', `${baseUrl}/oauth/v1/endpoints/toggle`, { ...auth, 'content-type': 'application/json' }, 'POST',
      JSON.stringify({ door_id: compactId(sandboxDoors.lobby.id), door_state: 'OPEN' })),
  ];
  console.log('\nratio to the bare route:');
  for (const row of rows) console.log(`  ${row.name.padEnd(34)} ${(row.rps / baseline.rps).toFixed(3)}`);
});
