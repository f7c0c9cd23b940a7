// A PIN typed at a keypad, decided without MQTT: the controller side is the
// door-commands port, answering as a controller that did it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { KeypadGuesses } from '../../src/access/door-side-port.ts';
import { keypadEntry } from '../../src/access/keypad-entry.ts';
import type { ToggleDeps } from '../../src/access/toggle-door.ts';
import { pinLookup } from '../../src/access/settings.ts';
import { deriveKey } from '../../src/security/encryption.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { engines } from '../helpers/build-app.ts';
import { doorSideDatabase } from '../helpers/door-side-db.ts';

const lobby = { id: sandboxDoors.lobby.id, deviceId: sandboxDevices.a.id };
const domainStart = Date.UTC(2031, 4, 6, 12, 0, 0);

/** The sandbox seeds PINs under a random key: re-key Sam's under a known one, so the look-up can find it. */
async function knownPinKey(db: ToggleDeps['db']): Promise<Buffer> {
  const key = deriveKey(randomBytes(32), 'pin lookup');
  const lookup = pinLookup(key, sandboxPins.sam);
  await db.updateTable('pin_claims').set({ pin_lookup: lookup }).where('person_id', '=', sandboxPeople.sam.id).execute();
  await db.updateTable('person_settings').set({ pin_lookup: lookup }).where('person_id', '=', sandboxPeople.sam.id).execute();
  return key;
}

/** Guesses as the rate limiter counts them, in memory: `left` wrong entries before the keypad is shut. */
function guesses(left: number): KeypadGuesses {
  return { take: async () => left-- > 0, giveBack: async () => void (left += 1) };
}

for (const engine of engines()) {
  describe(`keypad entry [${engine}]`, () => {
    it('opens for the member holding the PIN at the account, recorded as Keypad for them at the clock\'s time', async (t) => {
      const { toggle, sent, rows } = await doorSideDatabase(t, engine, domainStart);
      // The PIN key the sandbox was seeded with is its own: use one derived for this test's database.
      const pinKey = await knownPinKey(toggle.db);
      await keypadEntry({ toggle, pinKey, keypadGuesses: guesses(5) }, lobby, { pin: sandboxPins.sam, occurredAt: 1 });
      assert.deepEqual(sent.map((command) => [command.deviceId, command.entityNumber, command.action]), [[lobby.deviceId, sandboxDoors.lobby.entity_number, 'open']]);
      assert.deepEqual(await rows(lobby.id), [['Keypad', sandboxPeople.sam.id, 1, Math.floor(domainStart / 1000)]]);
    });

    it("refuses Sam's PIN at the gate outside his hours: a failed Keypad row for him and unauthorized_attempt, nothing sent", async (t) => {
      const late = Date.parse('2026-03-04T23:30:00-05:00');
      const { toggle, sent, rows, refusals } = await doorSideDatabase(t, engine, late);
      const pinKey = await knownPinKey(toggle.db);
      const gate = { id: sandboxDoors.gate.id, deviceId: sandboxDevices.a.id };
      await keypadEntry({ toggle, pinKey, keypadGuesses: guesses(5) }, gate, { pin: sandboxPins.sam, occurredAt: 1 });
      assert.deepEqual(sent, []);
      assert.deepEqual(await rows(gate.id), [['Keypad', sandboxPeople.sam.id, 0, late / 1000]]);
      assert.deepEqual(await refusals(), ['You may not operate Driveway Gate at this time of day.']);
    });

    it('refuses a PIN nobody holds, and every entry once the guesses are used up, sending nothing', async (t) => {
      const { toggle, sent, rows, refusals } = await doorSideDatabase(t, engine, domainStart);
      const pinKey = await knownPinKey(toggle.db);
      await keypadEntry({ toggle, pinKey, keypadGuesses: guesses(1) }, lobby, { pin: '0000', occurredAt: 1_900_000_000 });
      await keypadEntry({ toggle, pinKey, keypadGuesses: guesses(0) }, lobby, { pin: sandboxPins.sam, occurredAt: 1_900_000_001 });
      assert.deepEqual(sent, []);
      assert.deepEqual(await rows(lobby.id), [['Keypad', null, 0, 1_900_000_000], ['Keypad', null, 0, 1_900_000_001]]);
      assert.deepEqual(await refusals(), ['wrong keypad PIN', 'wrong keypad PIN']);
    });

    it('opens a wrong_pin enforcement alert once the guesses are used up, not for a wrong PIN within them; repeats raise it (phase2.md C.3)', async (t) => {
      const { toggle } = await doorSideDatabase(t, engine, domainStart);
      const pinKey = await knownPinKey(toggle.db);
      const alerts = async () => (await toggle.db.selectFrom('enforcement_alerts').select(['trigger', 'door_id', 'occurrences']).execute()).map((row) => [row.trigger, row.door_id, Number(row.occurrences)]);
      await keypadEntry({ toggle, pinKey, keypadGuesses: guesses(1) }, lobby, { pin: '0000', occurredAt: 1_900_000_000 });
      assert.deepEqual(await alerts(), []);
      await keypadEntry({ toggle, pinKey, keypadGuesses: guesses(0) }, lobby, { pin: '0001', occurredAt: 1_900_000_001 });
      await keypadEntry({ toggle, pinKey, keypadGuesses: guesses(0) }, lobby, { pin: '0002', occurredAt: 1_900_000_002 });
      assert.deepEqual(await alerts(), [['wrong_pin', lobby.id, 2]]);
    });
  });
}
