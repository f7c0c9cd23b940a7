// Webhook delivery throughput against a baseline in the same run: the same
// receiver fed by a plain sequential POST loop (undici, one connection), which
// is what one endpoint's ordered delivery can at best approach. Then the lag
// from an event's commit to its receipt, with the dispatcher running on its
// own as the server runs it (polling every PARQEX_WEBHOOK_INTERVAL_MS) and
// events arriving at a steady rate. Not part of npm test.
//   npm run bench            (SQLite)
//   DATABASE_URL=... npm run bench
import { test } from 'node:test';
import { request } from 'undici';
import { appendEvent } from '../src/events/outbox.ts';
import { createBox } from '../src/security/encryption.ts';
import { sandboxPeople } from '../src/sandbox/seed.ts';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.ts';
import { createEndpoint } from '../src/webhooks/endpoints.ts';
import { startServer } from '../test/helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../test/helpers/oauth.ts';
import { startReceiver } from '../test/helpers/receiver.ts';
import { loadConfig } from '../src/config.ts';

const events = Number(process.env.BENCH_EVENTS ?? 2000);

function report(name: string, count: number, ms: number) {
  const rate = Math.round(count / (ms / 1000));
  console.log(`${name.padEnd(46)} ${String(count).padStart(6)} in ${String(Math.round(ms)).padStart(6)} ms   ${String(rate).padStart(6)} /s`);
  return rate;
}

test('webhook deliveries against a plain POST loop', { timeout: 600_000 }, async (t) => {
  const engine = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
  const { baseUrl, app } = await startServer(t, engine, { LOG_LEVEL: 'warn', PARQEX_WEBHOOKS: 'false' });
  const box = createBox(app.config.secrets.encryptionKey);
  const clientId = sandbox.client(baseUrl).web.client_id;
  await sandboxTokens(baseUrl);
  const receivers = await Promise.all([0, 1, 2, 3].map(() => startReceiver(t)));
  console.log(`\n${engine}, ${events} events\n`);

  const body = JSON.stringify({ id: 'X'.repeat(32), eventType: 'controller_online', deviceID: 'x' });
  let started = performance.now();
  for (let i = 0; i < events; i += 1) {
    const response = await request(receivers[0]!.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await response.body.dump();
  }
  const baseline = report('plain POST loop, one receiver (baseline)', events, performance.now() - started);

  const dispatcher = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false });
  t.after(() => dispatcher.stop());
  const run = async (name: string, endpoints: number) => {
    await app.db.deleteFrom('webhook_endpoints').execute();
    for (const receiver of receivers.slice(0, endpoints)) await createEndpoint({ db: app.db, box, production: false }, clientId, { url: receiver.url });
    await app.db.transaction().execute(async (trx) => {
      for (let i = 0; i < events; i += 1) await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: `n${i}` } });
    });
    started = performance.now();
    let sent = 0;
    while (sent < events * endpoints) sent += await dispatcher.tick();
    return report(name, sent, performance.now() - started);
  };
  const one = await run('dispatcher, 1 endpoint (fan-out, sign, record)', 1);
  const four = await run('dispatcher, 4 endpoints', 4);
  console.log('\nratio to the baseline:');
  console.log(`  1 endpoint   ${(one / baseline).toFixed(3)}`);
  console.log(`  4 endpoints  ${(four / baseline).toFixed(3)}`);

  // Lag: 4 endpoints, 100 events a second for 5 s, each committed on its own; the dispatcher polls as in production.
  await app.db.deleteFrom('webhook_endpoints').execute();
  for (const receiver of receivers) {
    receiver.received.length = 0;
    await createEndpoint({ db: app.db, box, production: false }, clientId, { url: receiver.url });
  }
  const intervalMs = loadConfig({}).webhooks.intervalMs;
  const running = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false });
  t.after(() => running.stop());
  running.start(intervalMs);
  const committedAt = new Map<string, number>();
  const lagEvents = 500;
  for (let i = 0; i < lagEvents; i += 1) {
    await app.db.transaction().execute((trx) => appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: `lag${i}` } }));
    committedAt.set(`lag${i}`, Date.now());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const until = Date.now() + 30_000;
  while (receivers.some((receiver) => receiver.received.length < lagEvents) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  const lags = receivers.flatMap((receiver) => receiver.received.map((delivery) => delivery.at - committedAt.get((JSON.parse(delivery.body) as { deviceID: string }).deviceID)!)).sort((a, b) => a - b);
  const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!;
  const lag = { deliveries: lags.length, expected: lagEvents * receivers.length, intervalMs, p50: at(0.5), p99: at(0.99), max: lags.at(-1)! };
  console.log(`\nlag from commit to receipt, 4 endpoints, ${lagEvents} events at 100/s, polling every ${intervalMs} ms: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (${lag.deliveries} of ${lag.expected} received)`);
  // For npm run bench, which runs this file and keeps the figures in bench/results/latest.json.
  console.log(`bench-result ${JSON.stringify({ events, baseline, oneEndpoint: one, fourEndpoints: four, lag })}`);
});
