// A door move is one record (issue 10): through MQTT with the simulator, a
// command's move is announced with its toggleID, a hand move never is, and a
// move never reported in time fails and is not attributed later.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import { sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const garage = sandboxDoors.garage;

async function toggle(baseUrl: string, token: string, state: 'open' | 'closed') {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ door_id: compactId(garage.id), door_state: state }),
  });
  const body = await response.json() as any;
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.data.toggle_id as string;
}

async function historyRows(app: App) {
  const rows = await app.db.selectFrom('access_events').select(['channel', 'person_id', 'was_success', 'door_state']).where('door_id', '=', garage.id)
    .orderBy('occurred_at').orderBy('id').execute();
  return rows.map((row) => [row.channel, row.person_id, row.was_success, row.door_state]);
}

/** The garage's door and toggle_failed events, in the order they were recorded. */
async function garageEvents(app: App) {
  const rows = await app.db.selectFrom('outbox_events').select(['type', 'data']).where('door_id', '=', garage.id)
    .where('type', 'in', ['door1_open', 'door1_close', 'toggle_failed']).orderBy('seq').execute();
  return rows.map((row) => ({ type: row.type, ...JSON.parse(row.data) }));
}

async function moveOf(app: App, toggleId: string) {
  return app.db.selectFrom('door_commands').select(['status', 'move']).where('id', '=', toggleId).executeTakeFirstOrThrow();
}

for (const engine of engines()) {
  describe(`door moves [${engine}]`, () => {
    it('announces a command-driven move once, with its toggleID, and records it once', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      const toggleId = await toggle(baseUrl, access_token, 'open');
      await until(async () => (await moveOf(app, toggleId)).move === 'reported');
      await sleep(200); // nothing more may follow
      const events = await garageEvents(app);
      assert.deepEqual(events.map((event) => [event.type, event.toggleID, event.channel, event.userThatToggled.emailAddress]),
        [['door1_open', toggleId, 'API: Sandbox Smart Home', sandboxPeople.alex.email]]);
      assert.deepEqual(await historyRows(app), [['API: Sandbox Smart Home', sandboxPeople.alex.id, 1, 'OPEN']]);
      assert.deepEqual({ ...(await moveOf(app, toggleId)) }, { status: 'succeeded', move: 'reported' });
      const device = await app.db.selectFrom('devices').innerJoin('doors', 'doors.device_id', 'devices.id').select('devices.protocol').where('doors.id', '=', garage.id).executeTakeFirstOrThrow();
      assert.equal(device.protocol, '1.1');
    });

    it('records a hand move 5 s after a command to the same state as a Door Sensor move, never as the command', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      const toggleId = await toggle(baseUrl, access_token, 'open');
      await until(async () => (await moveOf(app, toggleId)).move === 'reported');
      await controller.moveByHand(garage.entity_number, 'CLOSED');
      await until(async () => (await garageEvents(app)).length === 2);
      await sleep(5000);
      await controller.moveByHand(garage.entity_number, 'OPEN');
      await until(async () => (await garageEvents(app)).length === 3);
      const events = await garageEvents(app);
      assert.deepEqual(events.map((event) => [event.type, event.toggleID, event.channel, event.userThatToggled.emailAddress]), [
        ['door1_open', toggleId, 'API: Sandbox Smart Home', sandboxPeople.alex.email],
        ['door1_close', '', 'Door Sensor', ''],
        ['door1_open', '', 'Door Sensor', ''],
      ]);
      // Rows of the same second come in either order.
      assert.deepEqual((await historyRows(app)).map(String).sort(), [
        ['API: Sandbox Smart Home', sandboxPeople.alex.id, 1, 'OPEN'],
        ['Door Sensor', null, 1, 'CLOSED'],
        ['Door Sensor', null, 1, 'OPEN'],
      ].map(String).sort());
    });

    it('fails a command whose door does not report its state within the travel deadline, and does not attribute the late arrival to it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_DOOR_TRAVEL_DEADLINE_MS: '400' });
      // The door takes longer to get there than the platform gives it.
      const controller = await sandboxController(t, app, 'a', { travelMs: 1500 });
      const { access_token } = await sandboxTokens(baseUrl);
      const toggleId = await toggle(baseUrl, access_token, 'open');
      await until(async () => (await moveOf(app, toggleId)).move === 'failed');
      await until(() => controller.doorState(garage.entity_number) === 'OPEN');
      await until(async () => (await garageEvents(app)).length === 2);
      await sleep(200);
      const events = await garageEvents(app);
      assert.deepEqual(events.map((event) => [event.type, event.toggleID, event.channel]), [
        ['toggle_failed', toggleId, 'API: Sandbox Smart Home'],
        ['door1_open', '', 'Door Sensor'],
      ]);
      assert.equal(events[0].reason, 'the door did not report open in time');
      assert.deepEqual({ ...(await moveOf(app, toggleId)) }, { status: 'failed', move: 'failed' });
    });

    it('frees the door once the report of its move comes, before the ack: the next toggle is carried out, and the late ack changes nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      // A slow link: the door moves at once, its answer comes well after its state report.
      controller.failures.lateAckMs = 1500;
      await controller.enterPin(garage.entity_number, sandboxPins.alex);
      await until(async () => (await garageEvents(app)).length === 1);
      const keypad = await app.db.selectFrom('door_commands').select(['id', 'finished_at']).where('door_id', '=', garage.id).executeTakeFirstOrThrow();
      assert.equal(keypad.finished_at, null, 'the keypad move is reported before its ack');
      const closing = await toggle(baseUrl, access_token, 'closed');
      await until(async () => (await app.db.selectFrom('door_commands').select('finished_at').where('id', '=', keypad.id).executeTakeFirstOrThrow()).finished_at !== null);
      await until(async () => (await garageEvents(app)).length === 2);
      await sleep(200); // nothing more may follow
      assert.deepEqual((await garageEvents(app)).map((event) => [event.type, event.toggleID, event.channel]), [['door1_open', keypad.id, 'Keypad'], ['door1_close', closing, 'API: Sandbox Smart Home']]);
      assert.deepEqual((await historyRows(app)).map(String).sort(), [['Keypad', sandboxPeople.alex.id, 1, 'OPEN'], ['API: Sandbox Smart Home', sandboxPeople.alex.id, 1, 'CLOSED']].map(String).sort());
      assert.deepEqual({ ...(await moveOf(app, keypad.id)) }, { status: 'succeeded', move: 'reported' });
    });

    it('matches the reports of a 1.0 controller (no command ids) to the move in flight on that door, and nothing else', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a', { deviceProtocol: '1.0' });
      const { access_token } = await sandboxTokens(baseUrl);
      const toggleId = await toggle(baseUrl, access_token, 'open');
      await until(async () => (await moveOf(app, toggleId)).move === 'reported');
      await controller.moveByHand(garage.entity_number, 'CLOSED');
      await controller.moveByHand(garage.entity_number, 'OPEN');
      await until(async () => (await garageEvents(app)).length === 3);
      const events = await garageEvents(app);
      assert.deepEqual(events.map((event) => [event.type, event.toggleID]), [['door1_open', toggleId], ['door1_close', ''], ['door1_open', '']]);
      const device = await app.db.selectFrom('devices').innerJoin('doors', 'doors.device_id', 'devices.id').select('devices.protocol').where('doors.id', '=', garage.id).executeTakeFirstOrThrow();
      assert.equal(device.protocol, '1.0');
    });
  });
}
