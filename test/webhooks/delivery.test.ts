import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { compactId } from '../../src/access/ids.ts';
import { appendEvent } from '../../src/events/outbox.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { retryDelaysMs } from '../../src/webhooks/retry-schedule.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { sensedDoorFields } from '../helpers/events.ts';
import { startReceiver } from '../helpers/receiver.ts';

for (const engine of engines()) {
  describe(`webhook delivery [${engine}]`, () => {
    it('delivers door1_open for a toggle of the sandbox garage, signed so standardwebhooks verifies it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const receiver = await startReceiver(t);
      const box = createBox(app.config.secrets.encryptionKey);
      const endpoint = await createEndpoint({ db: app.db, box, production: false }, sandbox.client(baseUrl).web.client_id, { url: receiver.url });
      await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      const toggled = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ door_id: sandboxDoors.garage.id, door_state: 'OPEN' }) });
      const toggleId = ((await toggled.json()) as any).data.toggle_id;
      // The endpoint takes every event ("*"): the controller coming online came first.
      const doorEvent = () => receiver.received.find((r) => JSON.parse(r.body).eventType === 'door1_open');
      await until(() => doorEvent() !== undefined, 10_000);
      const delivery = doorEvent();
      const body = JSON.parse(delivery!.body);
      // The standardwebhooks package verifies id, timestamp and signature (and rejects replays).
      new Webhook(endpoint.signing_secret).verify(delivery!.body, delivery!.headers as Record<string, string>);
      assert.equal(delivery!.headers['webhook-id'], body.id);
      assert.equal(delivery!.headers['x-parqex-api-key'], endpoint.api_key);
      assert.match(body.id, /^[0-9A-F]{32}$/);
      // Every documented key, in the documented example's order.
      assert.deepEqual(Object.keys(body), ['id', 'eventType', 'toggleID', 'doorID', 'doorState', 'channel', 'deviceID', 'eventOccurred', 'eventOccurredUTC', 'doorOwnerUserID', 'userThatToggled', 'userID']);
      assert.equal(body.eventType, 'door1_open');
      assert.equal(body.toggleID, toggleId);
      assert.equal(body.doorID, compactId(sandboxDoors.garage.id));
      assert.equal(body.doorState, 'OPEN');
      assert.equal(body.channel, 'API: Sandbox Smart Home');
      assert.equal(body.doorOwnerUserID, compactId(sandboxPeople.alex.id));
      assert.equal(body.userID, compactId(sandboxPeople.alex.id));
      assert.deepEqual(body.userThatToggled, { firstName: 'Alex', lastName: 'Admin', emailAddress: sandboxPeople.alex.email });
      assert.match(body.eventOccurredUTC, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(Date.parse(body.eventOccurredUTC) / 1000, body.eventOccurred);
    });

    it('sends an event appended in its own process without waiting for the next poll', async (t) => {
      // A poll a minute: only the nudge from the append can deliver within the wait below.
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOK_INTERVAL_MS: '60000' });
      const receiver = await startReceiver(t);
      const box = createBox(app.config.secrets.encryptionKey);
      await createEndpoint({ db: app.db, box, production: false }, sandbox.client(baseUrl).web.client_id, { url: receiver.url });
      await sandboxTokens(baseUrl);
      // The first round ran at start, before there was an endpoint or an event.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(receiver.received.length, 0);
      await app.db.transaction().execute((trx) => appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'nudged' } }));
      await until(() => receiver.received.some((r) => JSON.parse(r.body).deviceID === 'nudged'), 10_000);
    });

    it('retries a 500 on schedule and records every attempt, delivering once (fast clock)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const receiver = await startReceiver(t, [500, 500, 200]);
      const box = createBox(app.config.secrets.encryptionKey);
      await createEndpoint({ db: app.db, box, production: false }, sandbox.client(baseUrl).web.client_id, { url: receiver.url });
      await sandboxTokens(baseUrl);
      await app.db.transaction().execute((trx) => appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'x' } }));
      let clock = Date.parse('2026-11-29T12:00:00Z');
      const dispatcher = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false, now: () => clock, random: () => 0.5 });
      assert.equal(await dispatcher.tick(), 1);
      assert.equal(await dispatcher.tick(), 0, 'nothing is due before the next attempt time');
      clock += retryDelaysMs[1]!;
      assert.equal(await dispatcher.tick(), 1);
      clock += retryDelaysMs[2]! - 1000;
      assert.equal(await dispatcher.tick(), 0);
      clock += 1000;
      assert.equal(await dispatcher.tick(), 1);
      const delivery = await app.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
      assert.equal(delivery.status, 'delivered');
      assert.equal(delivery.attempts, 3);
      const attempts = await app.db.selectFrom('webhook_attempts').select(['status_code', 'attempted_at']).orderBy('attempted_at').execute();
      assert.deepEqual(attempts.map((a) => a.status_code), [500, 500, 200]);
      assert.deepEqual(attempts.map((a) => Number(a.attempted_at) - Number(attempts[0]!.attempted_at)), [0, retryDelaysMs[1], retryDelaysMs[1]! + retryDelaysMs[2]!]);
      assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1, 'retries carry the same id');
      assert.equal(await dispatcher.tick(), 0);
    });

    it('never sends an event to an application its person did not authorize, nor one of a door outside the grant', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const receiver = await startReceiver(t);
      const box = createBox(app.config.secrets.encryptionKey);
      await createEndpoint({ db: app.db, box, production: false }, sandbox.client(baseUrl).web.client_id, { url: receiver.url });
      await sandboxTokens(baseUrl, { untick: [sandboxDoors.garage.id] });
      const door = (key: keyof typeof sandboxDoors) => ({ type: 'door1_open' as const, doorId: sandboxDoors[key].id, data: sensedDoorFields(sandboxDoors[key]) });
      await app.db.transaction().execute(async (trx) => {
        await appendEvent(trx, door('garage'));
        await appendEvent(trx, door('neighborGarage'));
        await appendEvent(trx, door('gate'));
      });
      const dispatcher = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false });
      await dispatcher.tick();
      const bodies = receiver.received.map((r) => JSON.parse(r.body));
      // Only the gate, only for Alex: Sam (who sees the gate) never authorized this application.
      assert.deepEqual(bodies.map((b) => [b.doorID, b.userID]), [[compactId(sandboxDoors.gate.id), compactId(sandboxPeople.alex.id)]]);
    });

    it('refuses, in production, endpoints at loopback, private, link-local or metadata addresses, also behind a name', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const box = createBox(app.config.secrets.encryptionKey);
      const lookup = async (host: string) => [{ address: host === 'sneaky.example.com' ? '169.254.169.254' : '93.184.216.34', family: 4 }];
      const deps = { db: app.db, box, production: true, lookup };
      const clientId = sandbox.client(baseUrl).web.client_id;
      for (const url of ['https://127.0.0.1/hook', 'https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data', 'https://sneaky.example.com/hook', 'http://hooks.example.com/plain']) {
        await assert.rejects(createEndpoint(deps, clientId, { url }), /url:/, url);
      }
      const ok = await createEndpoint(deps, clientId, { url: 'https://hooks.example.com/parqex' });
      assert.ok(ok.id);
    });
  });
}
