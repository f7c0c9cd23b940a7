// A delivery whose body cannot be built (an event with a time outside what a
// Date holds, data that is not JSON) is given up with its reason, once, and
// never holds back the endpoint's later deliveries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendEvent } from '../../src/events/outbox.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createBox } from '../../src/security/encryption.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sensedDoorFields } from '../helpers/events.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { basic, webhooksApi } from '../helpers/webhooks-api.ts';

// One second past the last instant a Date can hold (+275760-09-13).
const PAST_THE_END_OF_TIME = 8.64e12 + 1;

for (const engine of engines()) {
  describe(`webhook dispatcher: a delivery that cannot be built [${engine}]`, () => {
    it('marks it dead with the reason, logs it once, and delivers the events after it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const receiver = await startReceiver(t);
      const box = createBox(app.config.secrets.encryptionKey);
      const client = sandbox.client(baseUrl).web;
      const endpoint = await createEndpoint({ db: app.db, box, production: false }, client.client_id, { url: receiver.url });
      await sandboxTokens(baseUrl);
      const garage = { type: 'door1_open' as const, doorId: sandboxDoors.garage.id, data: sensedDoorFields(sandboxDoors.garage) };
      const absurd = await app.db.transaction().execute(async (trx) => {
        const id = await appendEvent(trx, { ...garage, occurredAt: PAST_THE_END_OF_TIME });
        await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'after' } });
        return id;
      });
      const warnings: { obj: object; msg: string }[] = [];
      const log = { warn: (obj: object, msg: string) => warnings.push({ obj, msg }) };
      const dispatcher = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false, log });
      await dispatcher.tick();
      await dispatcher.tick();

      assert.deepEqual(receiver.received.map((r) => JSON.parse(r.body).deviceID), ['after'], 'the later event is delivered');
      const poisoned = await app.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', absurd).executeTakeFirstOrThrow();
      assert.equal(poisoned.status, 'dead');
      assert.equal(warnings.filter((w) => /cannot be built/.test(w.msg)).length, 1, JSON.stringify(warnings));

      const listed = await webhooksApi(baseUrl, basic(client.client_id, client.client_secret))('GET', `/endpoints/${endpoint.id}/deliveries?status=dead`);
      assert.equal(listed.status, 200);
      const [dead] = listed.body.data as { id: string; attempts: { status_code: number | null; error: string }[] }[];
      assert.equal(dead!.id, poisoned.id);
      assert.equal(dead!.attempts.length, 1);
      assert.equal(dead!.attempts[0]!.status_code, null);
      assert.match(dead!.attempts[0]!.error, /^the delivery cannot be built: .*Invalid time value/);
    });

    it('gives up an event whose stored data is not JSON, and delivers the one after it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const receiver = await startReceiver(t);
      const box = createBox(app.config.secrets.encryptionKey);
      await createEndpoint({ db: app.db, box, production: false }, sandbox.client(baseUrl).web.client_id, { url: receiver.url });
      await sandboxTokens(baseUrl);
      const broken = await app.db.transaction().execute(async (trx) => {
        const id = await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'broken' } });
        await trx.updateTable('outbox_events').set({ data: '{"deviceID":' }).where('id', '=', id).execute();
        await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'after' } });
        return id;
      });
      const dispatcher = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false });
      await dispatcher.tick();
      await dispatcher.tick();
      assert.deepEqual(receiver.received.map((r) => JSON.parse(r.body).deviceID), ['after']);
      const poisoned = await app.db.selectFrom('webhook_deliveries').select('status').where('event_id', '=', broken).executeTakeFirstOrThrow();
      assert.equal(poisoned.status, 'dead');
    });
  });
}
