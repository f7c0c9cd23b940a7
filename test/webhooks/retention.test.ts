// Old webhook events go, with their deliveries and attempts, once nothing is
// left to send; an event with a delivery still pending stays however old.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendEvent } from '../../src/events/outbox.ts';
import { startHousekeeping, WEBHOOK_RETENTION_DAYS } from '../../src/housekeeping.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';

for (const engine of engines()) {
  describe(`webhook retention [${engine}]`, () => {
    it(`deletes events older than ${WEBHOOK_RETENTION_DAYS} days that were delivered or given up, keeps pending and recent ones`, async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      // The first delivery of the run is answered 500: it stays pending, waiting for its retry.
      const receiver = await startReceiver(t, [500]);
      const box = createBox(app.config.secrets.encryptionKey);
      await createEndpoint({ db: app.db, box, production: false }, sandbox.client(baseUrl).web.client_id, { url: receiver.url });
      await sandboxTokens(baseUrl);
      const now = Math.floor(Date.now() / 1000);
      const old = now - (WEBHOOK_RETENTION_DAYS + 1) * 86400;
      const ids: Record<string, string> = {};
      await app.db.transaction().execute(async (trx) => {
        for (const [name, occurredAt] of [['oldPending', old], ['oldDelivered', old], ['recentDelivered', now]] as const) {
          ids[name] = await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: name }, occurredAt });
        }
      });
      await new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false }).tick();
      assert.equal(receiver.received.length, 3);

      const housekeeping = startHousekeeping({ db: app.db, log: app.server.log, refreshGraceSeconds: 60 });
      t.after(housekeeping.stop);
      await housekeeping.run();
      const left = await app.db.selectFrom('outbox_events').select('id').execute();
      assert.deepEqual(left.map((row) => row.id).sort(), [ids.oldPending, ids.recentDelivered].sort());
      const deliveries = await app.db.selectFrom('webhook_deliveries').select('event_id').execute();
      assert.deepEqual(deliveries.map((row) => row.event_id).sort(), [ids.oldPending, ids.recentDelivered].sort());
      const attempts = await app.db.selectFrom('webhook_attempts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(attempts.n), 2, 'the deleted delivery\'s attempt went with it');
    });
  });
}
