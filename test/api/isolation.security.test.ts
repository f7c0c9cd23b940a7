// One person cannot reach another's doors, whatever id they send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { recordAccessEvent } from '../../src/access/history.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const residenceDoors = [sandboxDoors.garage, sandboxDoors.gate, sandboxDoors.lobby, sandboxDoors.sideGarage];
const residenceDevices = [sandboxDevices.a, sandboxDevices.b];

for (const engine of engines()) {
  describe(`isolation between accounts [${engine}]`, () => {
    it("answers Nora 404 for every Sandbox Residence door and device, in every id form, and leaks nothing", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await recordAccessEvent(app.db, { doorId: sandboxDoors.garage.id, deviceId: sandboxDevices.a.id, personId: sandboxPeople.alex.id, channel: 'ParqEx Web', doorState: 'OPEN', wasSuccess: true });
      const { access_token } = await sandboxTokens(baseUrl, { email: sandbox.people.nora.email });
      const get = async (path: string) => {
        const response = await fetch(`${baseUrl}/oauth/v1/endpoints/${path}`, { headers: { authorization: `Bearer ${access_token}` } });
        return { status: response.status, text: await response.text() };
      };
      const forms = (id: string) => [id, compactId(id), id.toUpperCase(), compactId(id).toUpperCase()];
      for (const door of residenceDoors) {
        for (const id of forms(door.id)) {
          for (const path of [`toggle-history?door_id=${id}`, `toggle-history?history_type=door&door_id=${id}`]) {
            const answer = await get(path);
            assert.equal(answer.status, 404, path);
            assert.deepEqual(JSON.parse(answer.text), { errors: [{ message: 'No such door.' }] });
          }
        }
      }
      for (const device of residenceDevices) {
        for (const id of forms(device.id)) {
          const answer = await get(`toggle-history?device_id=${id}`);
          assert.equal(answer.status, 404);
          assert.doesNotMatch(answer.text, /Garage|Gate|Lobby|Alex/);
        }
      }
      const sync = await get('sync');
      assert.deepEqual(JSON.parse(sync.text).devices.flatMap((d: any) => d.doors).map((d: any) => d.name), ['Neighbor Garage']);
      const own = await get('toggle-history');
      assert.deepEqual(JSON.parse(own.text).data.toggle_events, []);
      // An unknown id answers exactly like someone else's.
      const unknown = await get(`toggle-history?door_id=${'0'.repeat(32)}`);
      assert.deepEqual(JSON.parse(unknown.text), { errors: [{ message: 'No such door.' }] });
    });

    it("answers Sam 404 for the Admin's doors he was not given, and shows him no one else's events", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await recordAccessEvent(app.db, { doorId: sandboxDoors.gate.id, deviceId: sandboxDevices.a.id, personId: sandboxPeople.alex.id, channel: 'ParqEx Web', doorState: 'OPEN', wasSuccess: true });
      const { access_token } = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
      for (const door of [sandboxDoors.garage, sandboxDoors.sideGarage]) {
        const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history?door_id=${door.id}`, { headers: { authorization: `Bearer ${access_token}` } });
        assert.equal(response.status, 404);
      }
      const device = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history?device_id=${sandboxDevices.b.id}`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.equal(device.status, 404);
      const gate = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history?door_id=${sandboxDoors.gate.id}`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.deepEqual((await gate.json() as any).data.toggle_events, []);
    });
  });
}
