// A person's own door names on a real database, without HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readDoorName, renameDoor } from '../../src/access/door-names.ts';
import { requireVisibleDoor } from '../../src/access/door-policy.ts';
import { DomainError } from '../../src/access/errors.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { deleteDoorAccess } from '../../src/store/repositories/door-access.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const { alex, sam } = sandboxPeople;
const failsWith = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;

for (const engine of engines()) {
  describe(`door names [${engine}]`, () => {
    it("names a door for one person only, the Admin's name staying everyone else's", async (t) => {
      const db = await sandboxDatabase(t, engine);
      assert.equal(await renameDoor(db, sam.id, sandboxDoors.lobby.id, ' Front Entrance ', new Date()), 'Front Entrance');
      assert.equal((await requireVisibleDoor(db, { personId: sam.id }, sandboxDoors.lobby.id, new Date())).name, 'Front Entrance');
      assert.equal((await requireVisibleDoor(db, { personId: alex.id }, sandboxDoors.lobby.id, new Date())).name, 'Lobby Door');
      await renameDoor(db, sam.id, sandboxDoors.lobby.id, 'Lobby', new Date());
      assert.equal((await requireVisibleDoor(db, { personId: sam.id }, sandboxDoors.lobby.id, new Date())).name, 'Lobby');
    });

    it('answers not_found for a door the person cannot see, or no longer sees', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await assert.rejects(renameDoor(db, sam.id, sandboxDoors.garage.id, 'Mine', new Date()), failsWith('not_found'));
      await assert.rejects(renameDoor(db, alex.id, sandboxDoors.neighborGarage.id, 'Mine', new Date()), failsWith('not_found'));
      await deleteDoorAccess(db, sam.id, [sandboxDoors.lobby.id]);
      await assert.rejects(renameDoor(db, sam.id, sandboxDoors.lobby.id, 'Mine', new Date()), failsWith('not_found'));
    });

    it('checks the door before the name, so a bad name reveals nothing about a hidden door', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await assert.rejects(renameDoor(db, sam.id, sandboxDoors.garage.id, '', new Date()), failsWith('not_found'));
    });
  });
}

describe('reading a door name', () => {
  it('trims, and counts characters rather than UTF-16 units', () => {
    assert.equal(readDoorName('  Big Door\t'), 'Big Door');
    assert.equal(readDoorName(`${'é'.repeat(59)}🚗`).length, 61);
    assert.throws(() => readDoorName('x'.repeat(61)), failsWith('invalid'));
    assert.throws(() => readDoorName(' \n '), failsWith('invalid'));
    assert.throws(() => readDoorName('Big\nDoor'), failsWith('invalid'));
  });
});
