// The Admin's names for controllers and doors on a real database, without HTTP:
// the rules for a name, and who may give one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountControllers, renameController, renameDoorForEveryone } from '../../src/access/controllers.ts';
import { renameDoor, readName } from '../../src/access/door-names.ts';
import { requireVisibleDoor } from '../../src/access/door-policy.ts';
import { DomainError } from '../../src/access/errors.ts';
import { compactId } from '../../src/access/ids.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const { alex, sam, nora } = sandboxPeople;
const residence = sandboxAccounts.residence.id;
const failsWith = (code: string, message?: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === code && (!message || message.test(error.message));

for (const engine of engines()) {
  describe(`controller and door names [${engine}]`, () => {
    it('names a controller, falling back to its serial until then', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const before = (await accountControllers(db, alex.id, residence)).find((c) => c.id === sandboxDevices.a.id)!;
      assert.deepEqual({ name: before.name, named: before.named }, { name: 'Controller a1b2c3d4e5f60001', named: false });
      assert.equal(await renameController(db, alex.id, residence, compactId(sandboxDevices.a.id), '  Garage controller '), 'Garage controller');
      const after = (await accountControllers(db, alex.id, residence)).find((c) => c.id === sandboxDevices.a.id)!;
      assert.deepEqual({ name: after.name, named: after.named, serial: after.serial }, { name: 'Garage controller', named: true, serial: 'a1b2c3d4e5f60001' });
    });

    it("renames a door for everyone without a name of their own; a personal name stays that person's", async (t) => {
      const db = await sandboxDatabase(t, engine);
      const at = new Date();
      await renameDoor(db, alex.id, sandboxDoors.gate.id, 'My gate', at);
      assert.equal(await renameDoorForEveryone(db, alex.id, residence, compactId(sandboxDoors.lobby.id), 'Main Entrance'), 'Main Entrance');
      assert.equal((await requireVisibleDoor(db, { personId: sam.id }, sandboxDoors.lobby.id, at)).name, 'Main Entrance');
      await renameDoor(db, sam.id, sandboxDoors.lobby.id, 'Front', at);
      await renameDoorForEveryone(db, alex.id, residence, sandboxDoors.lobby.id, 'Entrance Hall');
      assert.equal((await requireVisibleDoor(db, { personId: sam.id }, sandboxDoors.lobby.id, at)).name, 'Front');
      assert.equal((await requireVisibleDoor(db, { personId: alex.id }, sandboxDoors.lobby.id, at)).name, 'Entrance Hall');
    });

    it('lets only the Admin rename: a User is forbidden, a non-member finds no account, another account\'s things are not found', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await assert.rejects(renameController(db, sam.id, residence, sandboxDevices.a.id, 'Mine'), failsWith('forbidden'));
      await assert.rejects(renameDoorForEveryone(db, sam.id, residence, sandboxDoors.lobby.id, 'Mine'), failsWith('forbidden'));
      await assert.rejects(renameController(db, nora.id, residence, sandboxDevices.a.id, 'Mine'), failsWith('not_found'));
      await assert.rejects(renameDoorForEveryone(db, nora.id, residence, sandboxDoors.lobby.id, 'Mine'), failsWith('not_found'));
      await assert.rejects(renameController(db, alex.id, residence, sandboxDevices.neighbor.id, 'Mine'), failsWith('not_found'));
      await assert.rejects(renameController(db, alex.id, residence, sandboxDevices.spare.id, 'Mine'), failsWith('not_found'));
      await assert.rejects(renameDoorForEveryone(db, alex.id, residence, sandboxDoors.neighborGarage.id, 'Mine'), failsWith('not_found'));
      await assert.rejects(renameDoorForEveryone(db, alex.id, residence, 'not-an-id', 'Mine'), failsWith('not_found'));
      const names = await db.selectFrom('doors').select('name').where('id', 'in', [sandboxDoors.lobby.id, sandboxDoors.neighborGarage.id]).execute();
      assert.ok(names.every((row) => row.name !== 'Mine'), 'nothing was renamed');
      const devices = await db.selectFrom('devices').select('name').execute();
      assert.ok(devices.every((row) => row.name === null));
    });

    it('refuses a bad name before touching anything', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await assert.rejects(renameController(db, alex.id, residence, sandboxDevices.a.id, '   '), failsWith('invalid', /Enter a name for the controller/));
      await assert.rejects(renameDoorForEveryone(db, alex.id, residence, sandboxDoors.lobby.id, 'a'.repeat(61)), failsWith('invalid', /A door name is at most 60 characters/));
      assert.equal((await db.selectFrom('doors').select('name').where('id', '=', sandboxDoors.lobby.id).executeTakeFirstOrThrow()).name, 'Lobby Door');
    });
  });
}

describe('reading a name', () => {
  it('trims, counts characters, refuses empty, long and control characters, and names the thing', () => {
    assert.equal(readName('  Garage controller\t', 'controller'), 'Garage controller');
    assert.equal(readName('🚗'.repeat(60), 'controller'), '🚗'.repeat(60));
    assert.throws(() => readName('', 'controller'), failsWith('invalid', /Enter a name for the controller\./));
    assert.throws(() => readName('x'.repeat(61), 'controller'), failsWith('invalid', /A controller name is at most 60 characters\./));
    assert.throws(() => readName('Gar\u0007age', 'door'), failsWith('invalid', /A door name cannot contain control characters\./));
  });
});
