// What happens at the door: keypad, licence plates, doors moved by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';

async function events(app: { db: any }, doorId: string) {
  const rows = await app.db.selectFrom('access_events').select(['channel', 'person_id', 'was_success', 'door_state']).where('door_id', '=', doorId).orderBy('occurred_at').execute();
  return rows.map((row: object) => ({ ...row }));
}

for (const engine of engines()) {
  describe(`controller reports [${engine}]`, () => {
    it("opens the lobby door for Sam's keypad PIN and records a Keypad event for him; a wrong PIN is a refused attempt", async (t) => {
      const { app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      await controller.enterPin(sandboxDoors.lobby.entity_number, sandboxPins.sam);
      await until(() => controller.movements === 1);
      await until(async () => (await events(app, sandboxDoors.lobby.id)).length === 1);
      assert.deepEqual(await events(app, sandboxDoors.lobby.id), [{ channel: 'Keypad', person_id: sandboxPeople.sam.id, was_success: 1, door_state: 'OPEN' }]);

      await controller.enterPin(sandboxDoors.lobby.entity_number, '0000');
      await until(async () => (await events(app, sandboxDoors.lobby.id)).length === 2);
      // Both land in the same second, in either order.
      assert.deepEqual((await events(app, sandboxDoors.lobby.id)).find((row: { was_success: number }) => row.was_success === 0), { channel: 'Keypad', person_id: null, was_success: 0, door_state: 'OPEN' });
      assert.equal(controller.movements, 1);
    });

    it('ignores the keypad after five wrong PINs, even for a right one', async (t) => {
      const { app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      for (let i = 0; i < 5; i += 1) await controller.enterPin(sandboxDoors.lobby.entity_number, `11${i}1`);
      await until(async () => (await events(app, sandboxDoors.lobby.id)).length === 5);
      await controller.enterPin(sandboxDoors.lobby.entity_number, sandboxPins.sam);
      await until(async () => (await events(app, sandboxDoors.lobby.id)).length === 6);
      assert.equal(controller.movements, 0);
      assert.equal((await events(app, sandboxDoors.lobby.id))[5].was_success, 0);
    });

    it("opens the gate for a known plate (LPR) and refuses an unknown one", async (t) => {
      const { app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      await controller.readPlate(sandboxDoors.gate.entity_number, 'pqx-1001');
      await until(() => controller.movements === 1);
      await controller.readPlate(sandboxDoors.gate.entity_number, 'ZZZ999');
      await until(async () => (await events(app, sandboxDoors.gate.id)).length === 2);
      const rows = await events(app, sandboxDoors.gate.id);
      // Both land in the same second, in either order.
      assert.deepEqual(rows.map((row: any) => [row.channel, row.person_id, row.was_success]).sort((x: any[], y: any[]) => y[2] - x[2]), [['LPR', sandboxPeople.alex.id, 1], ['LPR', null, 0]]);
    });

    it('records a door opened with no command behind it as a Door Sensor event, and takes state only from reports', async (t) => {
      const { app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      await controller.forceOpen(sandboxDoors.garage.entity_number);
      await until(async () => (await app.db.selectFrom('doors').select('state').where('id', '=', sandboxDoors.garage.id).executeTakeFirstOrThrow()).state === 'OPEN');
      await until(async () => (await events(app, sandboxDoors.garage.id)).length === 2);
      const rows = await events(app, sandboxDoors.garage.id);
      assert.deepEqual(rows.map((row: any) => [row.channel, row.was_success]).sort(), [['Door Sensor', 0], ['Door Sensor', 1]]);
      const device = await app.db.selectFrom('devices').select(['software_version', 'last_contact']).where('id', '=', controller.deviceId).executeTakeFirstOrThrow();
      assert.equal(device.software_version, 'sim-1.0.0');
      assert.ok(device.last_contact !== null);
    });
  });
}
