// Who an event reaches: the people it concerns who authorized the
// application, and only through a grant that covers the event's door.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { appendEvent, type NewEvent } from '../../src/events/outbox.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { fanOut } from '../../src/webhooks/fan-out.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sensedDoorFields } from '../helpers/events.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

for (const engine of engines()) {
  describe(`fan-out [${engine}]`, () => {
    it('sends a management event through the grant\'s doors even after the person lost the door, and a door event only while they see it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await createEndpoint({ db: app.db, box: createBox(app.config.secrets.encryptionKey), production: false }, sandbox.client(baseUrl).web.client_id, { url: 'http://127.0.0.1:9/hook' });
      // Sam lets the application reach the lobby, not the gate.
      await sandboxTokens(baseUrl, { email: sandboxPeople.sam.email, untick: [sandboxDoors.gate.id] });
      await app.db.deleteFrom('door_access').where('person_id', '=', sandboxPeople.sam.id).execute();

      const removed = (door: (typeof sandboxDoors)['lobby' | 'gate']): NewEvent<'access_removed'> => ({
        type: 'access_removed', doorId: door.id, personIds: [sandboxPeople.sam.id],
        data: { doorID: compactId(door.id), deviceID: compactId(sandboxDevices[door.device].id), personID: compactId(sandboxPeople.sam.id), removedByUserID: compactId(sandboxPeople.alex.id) },
      });
      const ids: Record<string, string> = {};
      await app.db.transaction().execute(async (trx) => {
        ids.lobbyRemoved = await appendEvent(trx, removed(sandboxDoors.lobby));
        ids.gateRemoved = await appendEvent(trx, removed(sandboxDoors.gate));
        ids.lobbyOpened = await appendEvent(trx, { type: 'door1_open', doorId: sandboxDoors.lobby.id, data: sensedDoorFields(sandboxDoors.lobby) });
      });
      await fanOut(app.db, { skipLocked: engine === 'postgres' });

      const deliveries = await app.db.selectFrom('webhook_deliveries').select(['event_id', 'person_id']).execute();
      assert.deepEqual(deliveries.map((row) => ({ ...row })), [{ event_id: ids.lobbyRemoved, person_id: sandboxPeople.sam.id }]);
    });
  });
}
