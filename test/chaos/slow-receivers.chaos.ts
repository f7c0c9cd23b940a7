// Promise: a receiver that takes 30 s to answer and one that never answers do
// not slow deliveries to other endpoints. Three endpoints of one application
// take the same burst of events: the healthy one gets every event at once,
// while each slow one is tried, times out, is retried on the schedule, and
// rests after a few failures in a row, as designed, without holding a worker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendEvent } from '../../src/events/outbox.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { createBox } from '../../src/security/encryption.ts';
import { DEFAULT_TIMEOUT_MS, FAILURES_BEFORE_REST, REST_MS } from '../../src/webhooks/dispatcher.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { jitterRatio, retryDelaysMs } from '../../src/webhooks/retry-schedule.ts';
import type { App } from '../../src/app.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { startReceiver, startSilentReceiver } from '../helpers/receiver.ts';

const EVENTS = 100;
const TRANSACTIONS = 4;
// Far below what waiting behind the slow ones would take (5 s timeout × EVENTS each); room for a loaded CI machine.
const HEALTHY_BOUND_MS = 20_000;

async function attemptsOf(app: App, endpointId: string) {
  return app.db.selectFrom('webhook_attempts').innerJoin('webhook_deliveries', 'webhook_deliveries.id', 'webhook_attempts.delivery_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.status', 'webhook_deliveries.attempts', 'webhook_deliveries.next_attempt_at', 'webhook_attempts.attempted_at', 'webhook_attempts.error', 'webhook_attempts.status_code'])
    .where('webhook_deliveries.endpoint_id', '=', endpointId).orderBy('webhook_attempts.attempted_at').execute();
}

async function deliveriesOf(app: App, endpointId: string) {
  return app.db.selectFrom('webhook_deliveries').select(['id', 'status', 'attempts']).where('endpoint_id', '=', endpointId).execute();
}

for (const engine of engines()) {
  describe(`webhooks: slow receivers [${engine}]`, () => {
    it('a 30 s receiver and a silent one never delay the healthy endpoint; they are retried on schedule and rest', { timeout: 240_000 }, async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOK_INTERVAL_MS: '50' });
      const healthy = await startReceiver(t);
      const slow = await startReceiver(t, [], { delayMs: 30_000 });
      const silent = await startSilentReceiver(t);
      const box = createBox(app.config.secrets.encryptionKey);
      const clientId = sandbox.client(baseUrl).web.client_id;
      await sandboxTokens(baseUrl);
      const deps = { db: app.db, box, production: false };
      const slowEndpoint = await createEndpoint(deps, clientId, { url: slow.url });
      const silentEndpoint = await createEndpoint(deps, clientId, { url: silent.url });
      const healthyEndpoint = await createEndpoint(deps, clientId, { url: healthy.url });

      const burstAt = Date.now();
      for (let batch = 0; batch < TRANSACTIONS; batch += 1) {
        await app.db.transaction().execute(async (trx) => {
          for (let i = 0; i < EVENTS / TRANSACTIONS; i += 1) {
            await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: `burst-${batch * (EVENTS / TRANSACTIONS) + i}` } });
          }
        });
      }

      const burst = () => healthy.received.map((r) => JSON.parse(r.body)).filter((body) => String(body.deviceID).startsWith('burst-'));
      await until(() => burst().length >= EVENTS, HEALTHY_BOUND_MS);
      const healthyMs = Date.now() - burstAt;
      assert.deepEqual(burst().map((body) => body.deviceID), Array.from({ length: EVENTS }, (_, i) => `burst-${i}`), 'every event, once, in order');
      assert.ok((await attemptsOf(app, healthyEndpoint.id)).every((attempt) => attempt.status_code === 200));
      t.diagnostic(`healthy endpoint had all ${EVENTS} events ${healthyMs} ms after the burst began`);

      // Each slow endpoint: one attempt per delivery until FAILURES_BEFORE_REST failed in a row, then a rest.
      for (const endpoint of [slowEndpoint, silentEndpoint]) {
        await until(async () => (await attemptsOf(app, endpoint.id)).length >= FAILURES_BEFORE_REST, FAILURES_BEFORE_REST * DEFAULT_TIMEOUT_MS + 15_000);
      }
      for (const endpoint of [slowEndpoint, silentEndpoint]) {
        const attempts = await attemptsOf(app, endpoint.id);
        assert.equal(attempts.length, FAILURES_BEFORE_REST, 'no attempt beyond the ones before the rest');
        for (const attempt of attempts) {
          assert.equal(attempt.status_code, null);
          assert.match(attempt.error ?? '', /time|abort/i);
          assert.equal(attempt.status, 'pending');
          const delay = Number(attempt.next_attempt_at) - Number(attempt.attempted_at);
          // Retried on the schedule: the second attempt is due about 5 s after the first.
          assert.ok(Math.abs(delay - retryDelaysMs[1]!) <= retryDelaysMs[1]! * jitterRatio + DEFAULT_TIMEOUT_MS + 1000, `delay ${delay}`);
        }
        const row = await app.db.selectFrom('webhook_endpoints').select(['leased_until', 'lease_holder', 'enabled']).where('id', '=', endpoint.id).executeTakeFirstOrThrow();
        const lastAttempt = Number(attempts.at(-1)!.attempted_at);
        assert.equal(row.lease_holder, null, 'the worker gave the endpoint back');
        assert.ok(Number(row.leased_until) >= lastAttempt + REST_MS, 'resting');
        assert.equal(row.enabled, 1);
        const deliveries = await deliveriesOf(app, endpoint.id);
        assert.equal(deliveries.length, EVENTS);
        assert.equal(deliveries.filter((delivery) => delivery.attempts === 0 && delivery.status === 'pending').length, EVENTS - FAILURES_BEFORE_REST, 'the others wait their turn, pending');
      }

      // After the rest, the earliest failures are retried first (their retry is due by then), and fail again.
      const restEndsOf = new Map<string, number>();
      for (const endpoint of [slowEndpoint, silentEndpoint]) {
        restEndsOf.set(endpoint.id, Number((await app.db.selectFrom('webhook_endpoints').select('leased_until').where('id', '=', endpoint.id).executeTakeFirstOrThrow()).leased_until));
      }
      for (const endpoint of [slowEndpoint, silentEndpoint]) {
        const restEnds = restEndsOf.get(endpoint.id)!;
        await until(async () => (await deliveriesOf(app, endpoint.id)).some((delivery) => delivery.attempts === 2), restEnds - Date.now() + DEFAULT_TIMEOUT_MS + 15_000);
        const later = (await attemptsOf(app, endpoint.id)).slice(FAILURES_BEFORE_REST);
        assert.ok(later.length > 0 && later.every((attempt) => Number(attempt.attempted_at) >= restEnds), 'nothing was tried during the rest');
        assert.equal(later[0]!.attempts, 2, 'the first retried is one that failed before the rest');
      }
      // Meanwhile the healthy endpoint still gets new events at once.
      await app.db.transaction().execute((trx) => appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'after-rest' } }));
      await until(() => healthy.received.some((r) => JSON.parse(r.body).deviceID === 'after-rest'), 5_000);
      assert.ok(silent.connections() >= FAILURES_BEFORE_REST);
      assert.ok(slow.received.length >= FAILURES_BEFORE_REST);
    });
  });
}
