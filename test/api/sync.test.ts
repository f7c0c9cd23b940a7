import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

async function sync(baseUrl: string, token: string, method = 'GET') {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' } });
  return { status: response.status, body: await response.json() as { success: boolean; timestamp: number; devices: any[] } };
}

const doorFields: Record<string, string> = {
  id: 'string', entity_number: 'number', name: 'string', state: 'string', active: 'boolean', user_relationship: 'string',
  door_auto_close_enabled: 'boolean', door_auto_close_delay: 'number', bluetooth_sensor: 'boolean', bluetooth_sensor_mac_address: 'string',
  bluetooth_sensor_battery_level: 'number', image: 'string', light: 'boolean', sensor: 'boolean', door_type: 'string',
  can_open: 'boolean', can_close: 'boolean', state_known: 'boolean',
};
const deviceFields: Record<string, string> = {
  id: 'string', blackbox_code: 'string', number_of_entities_controlled: 'number', active: 'boolean', registered: 'boolean',
  owner_first_name: 'string', owner_last_name: 'string', software_version: 'string', time_before_door_open_alert: 'number',
  bluetooth_onboard: 'boolean', bluetooth_mac_address: 'string',
};

for (const engine of engines()) {
  describe(`GET /oauth/v1/endpoints/sync [${engine}]`, () => {
    it("shows Alex both controllers of Sandbox Residence with all four doors as Owner, every documented field typed, nothing of Neighbor House", async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      for (const method of ['GET', 'POST']) {
        const { status, body } = await sync(baseUrl, access_token, method);
        assert.equal(status, 200);
        assert.equal(body.success, true);
        assert.equal(typeof body.timestamp, 'number');
        assert.equal(body.devices.length, 2);
        const doors = body.devices.flatMap((device) => device.doors);
        assert.deepEqual(doors.map((door) => door.name).sort(), ['Driveway Gate', 'Garage', 'Lobby Door', 'Side Garage']);
        for (const device of body.devices) {
          assert.match(device.id, /^[0-9a-f]{32}$/);
          for (const [field, type] of Object.entries(deviceFields)) assert.equal(typeof device[field], type, `device.${field}`);
          assert.ok(device.last_contact === null || /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(device.last_contact));
          assert.equal(device.owner_first_name, 'Alex');
          assert.equal(device.registered, true);
        }
        for (const door of doors) {
          assert.match(door.id, /^[0-9a-f]{32}$/);
          for (const [field, type] of Object.entries(doorFields)) assert.equal(typeof door[field], type, `door.${field}`);
          assert.ok(door.last_toggled === null || /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(door.last_toggled));
          assert.equal(door.user_relationship, 'Owner');
          assert.equal(door.image, '');
        }
        const side = doors.find((door) => door.name === 'Side Garage');
        assert.deepEqual([side.can_open, side.can_close, side.state_known, side.bluetooth_sensor], [false, false, false, false]);
        const lobby = doors.find((door) => door.name === 'Lobby Door');
        assert.deepEqual([lobby.can_open, lobby.can_close, lobby.door_type], [true, false, 'pedestrian']);
        const gate = doors.find((door) => door.name === 'Driveway Gate');
        assert.deepEqual([gate.door_auto_close_enabled, gate.door_auto_close_delay, gate.can_close], [true, 60, true]);
        assert.ok(!JSON.stringify(body).includes('Neighbor'));
      }
    });

    it('answers 200 with null for a stored door or controller time no date can hold, GET and POST', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      // As a controller reporting changed_at 8.64e15 ms (+275760-09-13) once left it: written straight through the store.
      await app.db.updateTable('doors').set({ last_toggled: 8.64e12 + 1 }).where('id', '=', sandboxDoors.garage.id).execute();
      await app.db.updateTable('doors').set({ last_toggled: 8.64e12 }).where('id', '=', sandboxDoors.gate.id).execute();
      await app.db.updateTable('devices').set({ last_contact: 8.64e12 + 1 }).execute();
      for (const method of ['GET', 'POST']) {
        const { status, body } = await sync(baseUrl, access_token, method);
        assert.equal(status, 200, JSON.stringify(body));
        const doors = body.devices.flatMap((device) => device.doors);
        assert.equal(doors.find((door) => door.id === compactId(sandboxDoors.garage.id)).last_toggled, null);
        assert.equal(doors.find((door) => door.id === compactId(sandboxDoors.gate.id)).last_toggled, null, 'a year past 9999 is not written');
        for (const device of body.devices) assert.equal(device.last_contact, null);
      }
    });

    it('shows Sam only the gate and the lobby door, as Has Access', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
      const { body } = await sync(baseUrl, access_token);
      const doors = body.devices.flatMap((device) => device.doors);
      assert.deepEqual(doors.map((door) => door.name).sort(), ['Driveway Gate', 'Lobby Door']);
      assert.ok(doors.every((door) => door.user_relationship === 'Has Access'));
      assert.equal(body.devices.length, 1);
      assert.equal(body.devices[0].owner_last_name, 'Admin');
    });

    it('never shows a door unticked on the consent page, and shows doors added later only to "all doors" grants', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const limited = await sandboxTokens(baseUrl, { untick: [sandboxDoors.garage.id] });
      const { body } = await sync(baseUrl, limited.access_token);
      const names = body.devices.flatMap((device) => device.doors).map((door) => door.name).sort();
      assert.deepEqual(names, ['Driveway Gate', 'Lobby Door', 'Side Garage']);
      assert.ok(!JSON.stringify(body).includes(compactId(sandboxDoors.garage.id)));
    });

    it('hides every door of an account whose Admin switched third-party access off', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      await app.db.updateTable('accounts').set({ third_party_access: 0 }).where('name', '=', 'Sandbox Residence').execute();
      const { status, body } = await sync(baseUrl, access_token);
      assert.equal(status, 200);
      assert.deepEqual(body.devices, []);
    });

    it("answers the person's settings on POST user-info, with the PIN as a string, and no-store", async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
      const response = await fetch(`${baseUrl}/api/oauth/v1/endpoint/user-info/`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = await response.json() as Record<string, any>;
      assert.deepEqual(body.data, { door_open_alert_notification_enabled: true, door_open_alert_notification_tone: 'door_open', time_zone: 'America/New_York', pin_code: '2468' });
    });
  });
}
