import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordAuthorization, listAuthorizations, revokeApplication } from '../../src/access/authorizations.ts';
import { doorStatus, doorViews, hoursLines } from '../../src/access/door-status.ts';
import { DomainError } from '../../src/access/errors.ts';
import { accessHistory, recentHistory, recordAccessEvent } from '../../src/access/history.ts';
import { visibleDoors } from '../../src/access/door-policy.ts';
import { sandboxClients, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { insertPendingCommand } from '../../src/store/repositories/door-commands.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const online = { device_active: 1, device_online: 1 } as const;
const garage = { kind: 'stateful', sensor: 1, state: 'CLOSED', ...online } as const;

describe('a door\'s state as the Doors page says it', () => {
  it('is the stored state for a door whose state is known', () => {
    assert.equal(doorStatus(garage, undefined), 'closed');
    assert.equal(doorStatus({ ...garage, state: 'OPEN' }, undefined), 'open');
    assert.equal(doorStatus({ kind: 'momentary', sensor: 0, state: 'CLOSED', ...online }, undefined), 'closed');
  });

  it('is unknown, never closed, for a stateful door without a sensor', () => {
    assert.equal(doorStatus({ ...garage, sensor: 0 }, undefined), 'unknown');
    assert.equal(doorStatus({ ...garage, sensor: 0, state: 'OPEN' }, undefined), 'unknown');
  });

  it('is opening or closing while a move towards another state is under way, and settles once it is there', () => {
    assert.equal(doorStatus(garage, 'OPEN'), 'opening');
    assert.equal(doorStatus({ ...garage, state: 'OPEN' }, 'CLOSED'), 'closing');
    assert.equal(doorStatus({ ...garage, state: 'OPEN' }, 'OPEN'), 'open');
  });

  it('is offline whenever the controller is, whatever it last reported [offline] [deactivated]', () => {
    assert.equal(doorStatus({ ...garage, device_online: 0 }, 'OPEN'), 'offline');
    assert.equal(doorStatus({ ...garage, device_active: 0 }, undefined), 'offline');
  });
});

for (const engine of engines()) {
  describe(`the person's doors, hours and applications [${engine}]`, () => {
    it("gives Sam's hours in the account's zone, named, and an Admin's as any time", async (t) => {
      const db = await sandboxDatabase(t, engine);
      const at = new Date('2026-06-10T16:00:00Z');
      const sams = new Map((await visibleDoors(db, { personId: sandboxPeople.sam.id }, at)).map((door) => [door.id, hoursLines(door)]));
      assert.deepEqual(sams.get(sandboxDoors.gate.id), ['every day 06:00–22:00 America/New_York time']);
      assert.deepEqual(sams.get(sandboxDoors.lobby.id), ['Any time']);
      const alexs = await visibleDoors(db, { personId: sandboxPeople.alex.id }, at);
      assert.deepEqual(hoursLines(alexs.find((door) => door.id === sandboxDoors.garage.id)!), ['Any time: you are an Admin of Sandbox Residence']);
    });

    it('says opening for a door with a command under way, until the command expires', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await db.updateTable('devices').set({ online: 1 }).where('id', '=', sandboxDevices.a.id).execute();
      const now = Date.now();
      await insertPendingCommand(db, { id: 'A'.repeat(32), door_id: sandboxDoors.garage.id, device_id: sandboxDevices.a.id, entity_number: 1, person_id: sandboxPeople.alex.id, client_id: null, channel: 'ParqEx Web', requested_state: 'OPEN', idempotency_key: null, created_at: now, expires_at: now + 5000 });
      const statusAt = async (realNow: number) => (await doorViews(db, { personId: sandboxPeople.alex.id }, new Date(), realNow)).find((view) => view.door.id === sandboxDoors.garage.id)!.status;
      assert.equal(await statusAt(now), 'opening');
      assert.equal(await statusAt(now + 6000), 'closed');
    });

    it('lists an application once however often it was authorized, with what all its grants allow, and revokes them all', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const clientId = sandboxClients('localhost').web.client_id;
      const personId = sandboxPeople.alex.id;
      await recordAuthorization(db, { grantId: 'grant-1', personId, clientId, scopes: ['read', 'closedoor'], doors: { all: false, doorIds: [sandboxDoors.gate.id] } });
      await recordAuthorization(db, { grantId: 'grant-2', personId, clientId, scopes: ['read', 'opendoor'], doors: { all: false, doorIds: [sandboxDoors.lobby.id, sandboxDoors.gate.id] } });
      const [application, ...others] = await listAuthorizations(db, personId);
      assert.equal(others.length, 0);
      assert.deepEqual({ ...application, doorIds: [...application!.doorIds].sort() }, {
        clientId, clientName: 'Sandbox Smart Home', scopes: ['opendoor', 'closedoor'], allDoors: false, lastUsedAt: null,
        doorIds: [sandboxDoors.gate.id, sandboxDoors.lobby.id].sort(),
      });
      await assert.rejects(revokeApplication(db, sandboxPeople.sam.id, clientId), (error: unknown) => error instanceof DomainError && error.code === 'not_found');
      await revokeApplication(db, personId, clientId);
      assert.deepEqual(await listAuthorizations(db, personId), []);
    });

    it("gives an Admin's whole-account history with filters, and a User only their own", async (t) => {
      const db = await sandboxDatabase(t, engine);
      const noon = Math.floor(Date.parse('2026-06-10T16:00:00Z') / 1000);
      const at = new Date((noon + 3600) * 1000);
      await recordAccessEvent(db, { doorId: sandboxDoors.gate.id, deviceId: sandboxDevices.a.id, personId: sandboxPeople.sam.id, channel: 'Keypad', doorState: 'OPEN', wasSuccess: false, occurredAt: noon });
      await recordAccessEvent(db, { doorId: sandboxDoors.gate.id, deviceId: sandboxDevices.a.id, personId: sandboxPeople.alex.id, channel: 'API: X', doorState: 'CLOSED', wasSuccess: true, occurredAt: noon + 60 });
      const query = { start_date: '2026-06-10', end_date: '2026-06-10' };
      const alex = { personId: sandboxPeople.alex.id };
      const channels = async (viewer: { personId: string }, filters: Parameters<typeof accessHistory>[4]) => (await accessHistory(db, viewer, query, at, filters)).events.map((event) => event.channel);
      assert.deepEqual(await channels(alex, { everyDoor: true }), ['API: X', 'Keypad']);
      assert.deepEqual(await channels(alex, {}), ['API: X'], 'the API\'s user history stays the person\'s own');
      assert.deepEqual(await channels(alex, { everyDoor: true, wasSuccess: false }), ['Keypad']);
      assert.deepEqual(await channels(alex, { everyDoor: true, channel: 'API: ' }), ['API: X']);
      assert.deepEqual(await channels(alex, { everyDoor: true, personId: sandboxPeople.sam.id }), ['Keypad']);
      assert.deepEqual(await channels({ personId: sandboxPeople.sam.id }, { everyDoor: true }), ['Keypad']);
      assert.deepEqual((await recentHistory(db, alex, noon + 30, at)).map((event) => event.channel), ['API: X']);
      assert.deepEqual((await recentHistory(db, { personId: sandboxPeople.sam.id }, noon - 30, at)).map((event) => event.channel), ['Keypad']);
    });
  });
}
