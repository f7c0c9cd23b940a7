// A licence plate read at a controller's camera, decided without MQTT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plateEntry } from '../../src/access/plate-entry.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines } from '../helpers/build-app.ts';
import { doorSideDatabase } from '../helpers/door-side-db.ts';

const gate = { id: sandboxDoors.gate.id, deviceId: sandboxDevices.a.id, entityNumber: sandboxDoors.gate.entity_number };
const domainStart = Date.UTC(2031, 4, 6, 12, 0, 0);

for (const engine of engines()) {
  describe(`plate entry [${engine}]`, () => {
    it('opens for the member whose vehicle it is, however the plate is spaced or cased, recorded as LPR for them', async (t) => {
      const { toggle, sent, rows } = await doorSideDatabase(t, engine, domainStart);
      await plateEntry(toggle, gate.deviceId, { entityNumber: gate.entityNumber, plate: 'pqx-1001', at: 1000 });
      assert.deepEqual(sent.map((command) => [command.entityNumber, command.action]), [[sandboxDoors.gate.entity_number, 'open']]);
      assert.deepEqual(await rows(gate.id), [['LPR', sandboxPeople.alex.id, 1, Math.floor(domainStart / 1000)]]);
    });

    it('refuses a plate no member has, at the time the camera read it, sending nothing', async (t) => {
      const { toggle, sent, rows, refusals } = await doorSideDatabase(t, engine, domainStart);
      await plateEntry(toggle, gate.deviceId, { entityNumber: gate.entityNumber, plate: 'ZZZ999', at: 1_900_000_000_000 });
      assert.deepEqual(sent, []);
      assert.deepEqual(await rows(gate.id), [['LPR', null, 0, 1_900_000_000]]);
      assert.deepEqual(await refusals(), ['unknown plate']);
    });
  });
}
