import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { compactId } from '../../src/access/ids.ts';
import { appendEvent } from '../../src/events/outbox.ts';
import { categoryOf, eventCatalogue, nobody } from '../../src/events/types.ts';
import { sandboxDoors, sandboxDevices, sandboxPeople } from '../../src/sandbox/seed.ts';
import type { App } from '../../src/app.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { basic, webhooksApi } from '../helpers/webhooks-api.ts';

/** A garage-opened event, written as the platform writes one: in a transaction, to the outbox. */
async function garageOpened(app: App): Promise<string> {
  return app.db.transaction().execute((trx) => appendEvent(trx, {
    type: 'door1_open',
    doorId: sandboxDoors.garage.id,
    deviceId: sandboxDevices.a.id,
    data: {
      toggleID: '', doorID: compactId(sandboxDoors.garage.id), doorState: 'OPEN', channel: 'Door Sensor',
      deviceID: compactId(sandboxDevices.a.id), doorOwnerUserID: compactId(sandboxPeople.alex.id), userThatToggled: nobody,
    },
  }));
}

const fannedOut = (app: App, eventId: string) => async () =>
  (await app.db.selectFrom('outbox_events').select('fanned_out_at').where('id', '=', eventId).executeTakeFirst())?.fanned_out_at != null;

for (const engine of engines()) {
  describe(`webhooks API: an application manages its endpoints with its client credentials [${engine}]`, () => {
    it('lists the event types an endpoint can ask for, each with its category (GET /event-types)', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const listed = await webhooksApi(baseUrl, basic(client.client_id, client.client_secret))('GET', '/event-types');
      assert.equal(listed.status, 200);
      const types = listed.body.data as { name: string; category: string; description: string }[];
      assert.deepEqual(types.map((type) => type.name).sort(), Object.keys(eventCatalogue).sort());
      for (const type of types) assert.equal(type.category, categoryOf(type.name.replace('<N>', '1')), type.name);
      assert.ok(types.every((type) => type.description.length > 0));
      assert.equal((await webhooksApi(baseUrl, basic(client.client_id, 'wrong'))('GET', '/event-types')).status, 401);
    });

    it('registers an endpoint with POST /endpoints (201), and a door event then reaches it signed, with the API key', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const receiver = await startReceiver(t);
      const client = sandbox.client(baseUrl).web;
      const api = webhooksApi(baseUrl, basic(client.client_id, client.client_secret));
      await sandboxTokens(baseUrl); // Alex authorizes the application

      const created = await api('POST', '/endpoints', { url: receiver.url, event_types: ['door<N>_open'] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.headers.get('cache-control'), 'no-store');
      assert.deepEqual(Object.keys(created.body), ['success', 'timestamp', 'data']);
      assert.equal(created.body.success, true);
      assert.ok(Number.isInteger(created.body.timestamp));
      const endpoint = created.body.data;
      assert.deepEqual(Object.keys(endpoint), ['id', 'url', 'event_types', 'api_key', 'signing_secret']);
      assert.match(endpoint.id, /^[0-9a-f]{32}$/);
      assert.equal(endpoint.url, receiver.url);
      assert.deepEqual(endpoint.event_types, ['door<N>_open']);
      assert.match(endpoint.api_key, /^pqx_[A-Za-z0-9_-]+$/);
      assert.match(endpoint.signing_secret, /^whsec_[A-Za-z0-9+/]+=*$/);

      const listed = await api('GET', '/endpoints');
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.data, [{ id: endpoint.id, url: receiver.url, event_types: ['door<N>_open'], enabled: true, disabled_reason: null, failing_since: null }]);

      await garageOpened(app);
      await until(() => receiver.received.length === 1, 10_000);
      const [delivery] = receiver.received;
      new Webhook(endpoint.signing_secret).verify(delivery!.body, delivery!.headers as Record<string, string>);
      assert.equal(delivery!.headers['x-parqex-api-key'], endpoint.api_key);
      const body = JSON.parse(delivery!.body);
      assert.equal(delivery!.headers['webhook-id'], body.id);
      assert.equal(body.eventType, 'door1_open');
      assert.equal(body.doorID, compactId(sandboxDoors.garage.id));
      assert.equal(body.userID, compactId(sandboxPeople.alex.id));
    });

    it('lists deliveries with every attempt, redelivers one with the same id (202), and signs with both secrets after a rotation', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const receiver = await startReceiver(t, [500]);
      const client = sandbox.client(baseUrl).web;
      const api = webhooksApi(baseUrl, basic(client.client_id, client.client_secret));
      await sandboxTokens(baseUrl);
      const endpoint = (await api('POST', '/endpoints', { url: receiver.url })).body.data;

      await garageOpened(app);
      // The first attempt gets a 500; the retry, 5 s later, a 200.
      await until(() => receiver.received.length === 1, 10_000);
      await until(async () => (await api('GET', `/endpoints/${endpoint.id}/deliveries`)).body.data[0]?.attempts.length === 1, 5000);
      const failed = await api('GET', `/endpoints/${endpoint.id}/deliveries`);
      assert.equal(failed.status, 200);
      const [pending] = failed.body.data;
      assert.deepEqual(Object.keys(pending), ['id', 'event_type', 'user_id', 'status', 'created_at', 'delivered_at', 'next_attempt_at', 'attempts']);
      assert.equal(pending.id, receiver.received[0]!.headers['webhook-id']);
      assert.equal(pending.event_type, 'door1_open');
      assert.equal(pending.user_id, compactId(sandboxPeople.alex.id));
      assert.equal(pending.status, 'pending');
      assert.match(pending.next_attempt_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      assert.equal(pending.attempts[0].status_code, 500);
      // The failure shows on the endpoint (noted right after the attempt is recorded).
      await until(async () => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test((await api('GET', '/endpoints')).body.data[0].failing_since ?? ''), 2000);
      assert.equal(pending.attempts[0].response_excerpt, 'ok');
      assert.ok(Number.isInteger(pending.attempts[0].latency_ms));

      // Redelivery makes it due now, instead of in 5 s.
      const requeued = await api('POST', `/deliveries/${pending.id.toLowerCase()}/redeliver`);
      assert.equal(requeued.status, 202, JSON.stringify(requeued.body));
      assert.deepEqual(requeued.body.data, { id: pending.id, status: 'pending' });
      await until(() => receiver.received.length === 2, 4000);
      assert.equal(receiver.received[1]!.headers['webhook-id'], pending.id);
      await until(async () => (await api('GET', `/endpoints/${endpoint.id}/deliveries`)).body.data[0]?.status === 'delivered', 5000);
      const delivered = (await api('GET', `/endpoints/${endpoint.id}/deliveries?limit=5`)).body.data[0];
      assert.deepEqual((await api('GET', `/endpoints/${endpoint.id}/deliveries?status=delivered`)).body.data.map((d: { id: string }) => d.id), [pending.id]);
      assert.deepEqual((await api('GET', `/endpoints/${endpoint.id}/deliveries?status=dead`)).body.data, []);
      const unknownStatus = await api('GET', `/endpoints/${endpoint.id}/deliveries?status=failed`);
      assert.equal(unknownStatus.status, 400);
      assert.match(unknownStatus.body.errors[0].message, /status/);
      assert.deepEqual(delivered.attempts.map((a: { status_code: number }) => a.status_code), [500, 200]);
      await until(async () => (await api('GET', '/endpoints')).body.data[0].failing_since === null, 2000);
      assert.equal(delivered.next_attempt_at, null);
      assert.match(delivered.delivered_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

      const rotated = await api('POST', `/endpoints/${endpoint.id}/rotate-secret`);
      assert.equal(rotated.status, 200);
      assert.deepEqual(Object.keys(rotated.body.data), ['id', 'signing_secret', 'previous_secret_valid_until']);
      assert.notEqual(rotated.body.data.signing_secret, endpoint.signing_secret);
      const overlapEnds = Date.parse(`${rotated.body.data.previous_secret_valid_until.replace(' ', 'T')}Z`);
      assert.ok(Math.abs(overlapEnds - (Date.now() + 24 * 3600 * 1000)) < 60_000, 'the previous secret signs for 24 hours more');
      await garageOpened(app);
      await until(() => receiver.received.length === 3, 10_000);
      const afterRotation = receiver.received[2]!;
      assert.equal(String(afterRotation.headers['webhook-signature']).split(' ').length, 2, 'one signature per secret');
      for (const secret of [rotated.body.data.signing_secret, endpoint.signing_secret]) {
        new Webhook(secret).verify(afterRotation.body, afterRotation.headers as Record<string, string>);
      }
    });

    it('disables an endpoint (no delivery while disabled), enables it again, and deletes it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const receiver = await startReceiver(t);
      const client = sandbox.client(baseUrl).web;
      const api = webhooksApi(baseUrl, basic(client.client_id, client.client_secret));
      await sandboxTokens(baseUrl);
      const endpoint = (await api('POST', '/endpoints', { url: receiver.url, event_types: ['access'] })).body.data;

      const disabled = await api('POST', `/endpoints/${endpoint.id.toUpperCase()}/disable`);
      assert.equal(disabled.status, 200);
      assert.deepEqual(disabled.body.data, { id: endpoint.id, enabled: false });
      assert.deepEqual((await api('GET', '/endpoints')).body.data[0], { id: endpoint.id, url: receiver.url, event_types: ['access'], enabled: false, disabled_reason: 'disabled by its developer', failing_since: null });
      await until(fannedOut(app, await garageOpened(app)), 5000);
      assert.deepEqual((await api('GET', `/endpoints/${endpoint.id}/deliveries`)).body.data, []);

      assert.deepEqual((await api('POST', `/endpoints/${endpoint.id}/enable`)).body.data, { id: endpoint.id, enabled: true });
      await garageOpened(app);
      await until(() => receiver.received.length === 1, 10_000);
      assert.equal((await api('GET', `/endpoints/${endpoint.id}/deliveries`)).body.data.length, 1, 'the event of the disabled time is not sent later');

      const deleted = await api('DELETE', `/endpoints/${endpoint.id}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body.data, { id: endpoint.id, deleted: true });
      assert.deepEqual((await api('GET', '/endpoints')).body.data, []);
      assert.equal((await api('GET', `/endpoints/${endpoint.id}/deliveries`)).status, 404);
    });
  });
}
