// Deciding plate reads (phase2.md B.4) without MQTT: the sandbox's Driveway
// Gate reader (controller A entity 2, `both`), 2026-03-04 in New York.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { plateEntry } from '../../src/access/plate-entry.ts';
import { completeToggle, startDecidedToggle } from '../../src/access/toggle-door.ts';
import type { PlateRead } from '../../src/access/door-side-port.ts';
import { DomainError } from '../../src/access/errors.ts';
import { compactId } from '../../src/access/ids.ts';
import type { ManualClock } from '../../src/clock.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines } from '../helpers/build-app.ts';
import { doorSideDatabase } from '../helpers/door-side-db.ts';

const device = sandboxDevices.a.id;
const gate = sandboxDoors.gate;
const newYork = (time: string) => Date.parse(`2026-03-04T${time}-05:00`);
const watchers = [sandboxPeople.alex.id, sandboxPeople.gia.id].sort();

async function setup(t: Parameters<typeof doorSideDatabase>[0], engine: 'sqlite' | 'postgres', time = '10:00:00') {
  const base = await doorSideDatabase(t, engine, newYork(time));
  const clock = base.toggle.clock as ManualClock;
  const read = async (plate: string, extra: Partial<PlateRead> = {}) => {
    const outcome = await plateEntry(base.toggle, device, { entityNumber: gate.entity_number, plate, at: clock.now(), ...extra });
    return { ...outcome, reason: 'reason' in outcome ? outcome.reason : undefined };
  };
  const readsOf = async () => (await base.db.selectFrom('plate_reads').selectAll().orderBy('received_at').orderBy('id').execute()).map((row) => ({ ...row }));
  const events = async (type: string) => (await base.db.selectFrom('outbox_events').select(['door_id', 'person_ids', 'account_id', 'data']).where('type', '=', type).execute())
    .map((row) => ({ doorId: row.door_id, personIds: JSON.parse(row.person_ids ?? 'null'), accountId: row.account_id, data: JSON.parse(row.data) }));
  const reader = (settings: Record<string, unknown>) => base.db.updateTable('lpr_readers').set(settings).where('device_id', '=', device).where('entity_number', '=', gate.entity_number).execute();
  const addVehicle = (personId: string, plate: string, createdAt = 2_000_000_000) => base.db.insertInto('vehicles').values({ id: randomUUID(), person_id: personId, plate, region: '', make: '', model: '', color: '', created_at: createdAt }).execute();
  return { ...base, clock, read, readsOf, events, reader, addVehicle };
}

for (const engine of engines()) {
  describe(`plate reads decided [${engine}]`, () => {
    it('grants PQX1001 for Alex, opens once, announces it to the Admin and enforcement; a second read is a repeat, a redelivery ignored (acceptance B 1)', async (t) => {
      const { read, readsOf, events, sent, rows, clock } = await setup(t, engine);
      const first = await read('PQX 1001', { region: 'US-NY', confidence: 0.93, readId: 'r1' });
      assert.equal(first.decision, 'granted');
      clock.advance(1000);
      assert.equal((await read('PQX1001', { confidence: 0.93, readId: 'r2' })).decision, 'repeat');
      assert.equal((await read('PQX 1001', { confidence: 0.93, readId: 'r1' })).decision, 'ignored');
      assert.equal(sent.length, 1);
      const kept = await readsOf();
      assert.deepEqual(kept.map((row) => [row.read_id, row.decision, row.basis, row.person_id, row.direction]), [
        ['r1', 'granted', 'member', sandboxPeople.alex.id, 'entry'],
        ['r2', 'repeat', null, sandboxPeople.alex.id, 'entry'],
      ]);
      assert.equal(kept[0]!.toggle_id, sent[0]!.id);
      assert.equal(kept[0]!.region, 'us-ny');
      assert.deepEqual(await rows(gate.id), [['LPR', sandboxPeople.alex.id, 1, newYork('10:00:00') / 1000]]);
      const admitted = await events('vehicle_admitted');
      assert.deepEqual(admitted, [{
        doorId: null, personIds: watchers, accountId: sandboxAccounts.residence.id,
        data: { readID: kept[0]!.id, doorID: compactId(gate.id), plate: 'PQX1001', basis: 'member', basisID: compactId('5a0d0000-0000-4000-8000-0000000000f1'), personID: compactId(sandboxPeople.alex.id), toggleID: sent[0]!.id },
      }]);
    });

    it("refuses GIA404 at 23:30 for the hours, to the Admin and enforcement only, with the plate (acceptance B 2)", async (t) => {
      const { read, readsOf, events, sent, rows } = await setup(t, engine, '23:30:00');
      const refused = await read('GIA404', { readId: 'late' });
      assert.deepEqual([refused.decision, refused.reason], ['refused', 'outside hours']);
      assert.deepEqual(sent, []);
      assert.deepEqual(await rows(gate.id), [['LPR', null, 0, newYork('23:30:00') / 1000]]);
      const [attempt, ...more] = await events('unauthorized_attempt');
      assert.deepEqual(more, []);
      assert.deepEqual({ ...attempt, data: { ...attempt!.data, readID: undefined } }, {
        doorId: null, personIds: watchers, accountId: sandboxAccounts.residence.id,
        data: { doorID: compactId(gate.id), deviceID: compactId(device), channel: 'LPR', reason: 'outside hours', userThatToggled: { firstName: '', lastName: '', emailAddress: '' }, plate: 'GIA404', readID: undefined },
      });
      assert.equal(attempt!.data.readID, (await readsOf())[0]!.id);
    });

    it('refuses PQX1O01 as unknown with PQX1001 as a near match; a low-confidence read leaves no history and no event (acceptance B 3)', async (t) => {
      const { read, readsOf, events, rows } = await setup(t, engine);
      assert.equal((await read('PQX1O01')).reason, 'unknown plate');
      assert.deepEqual(JSON.parse((await readsOf())[0]!.near_matches), ['PQX1001']);
      assert.equal((await read('PQX1001', { confidence: 0.55 })).decision, 'low_confidence');
      assert.equal((await rows(gate.id)).length, 1);
      assert.equal((await events('unauthorized_attempt')).length, 1);
      assert.equal((await events('vehicle_admitted')).length, 0);
    });

    it('refuses an excluded plate and grants it once readmitted; with a cap of 1 a second vehicle is over the cap (acceptance B 4)', async (t) => {
      const { db, read, sent, clock, addVehicle } = await setup(t, engine, '12:00:00');
      await db.insertInto('lpr_exclusions').values({ account_id: sandboxAccounts.residence.id, plate_key: 'GIA404', person_id: sandboxPeople.gia.id, reason: 'sold', created_by: sandboxPeople.alex.id, created_at: 1 }).execute();
      assert.equal((await read('GIA404')).reason, 'excluded');
      await db.deleteFrom('lpr_exclusions').execute();
      assert.equal((await read('GIA404')).decision, 'granted');
      await db.updateTable('accounts').set({ lpr_vehicle_cap: 1 }).where('id', '=', sandboxAccounts.residence.id).execute();
      await addVehicle(sandboxPeople.alex.id, 'PQX2002');
      clock.advance(60_000);
      assert.equal((await read('PQX2002')).reason, 'over vehicle cap');
      assert.equal(sent.length, 1);
    });

    it('lets Sam out at 22:10 after entering at 21:50: on his stay at a both reader, on his vehicle at an exit reader (issue acceptance 3)', async (t) => {
      const { read, readsOf, reader, sent, clock, addVehicle } = await setup(t, engine, '21:50:00');
      await addVehicle(sandboxPeople.sam.id, 'SAM123');
      assert.equal((await read('SAM123')).decision, 'granted');
      clock.advance(20 * 60_000);
      assert.equal((await read('SAM 123')).decision, 'granted');
      // Out now: a later read at 22:20 is an entry again, and his hours refuse it.
      clock.advance(10 * 60_000);
      assert.equal((await read('SAM123')).reason, 'outside hours');
      await reader({ direction: 'exit' });
      clock.advance(60_000);
      assert.equal((await read('SAM123')).decision, 'granted');
      const kept = await readsOf();
      assert.deepEqual(kept.map((row) => [row.direction, row.decision, row.basis, row.person_id]), [
        ['entry', 'granted', 'member', sandboxPeople.sam.id],
        ['exit', 'granted', 'stay', sandboxPeople.sam.id],
        ['entry', 'refused', null, null],
        ['exit', 'granted', 'member', sandboxPeople.sam.id],
      ]);
      assert.equal(kept[1]!.basis_id, kept[0]!.id);
      assert.equal(sent.length, 3);
    });

    it('reads full-width and hyphenated plates as their key: ＰＱＸ１００１ and pqx-1001 are PQX1001', async (t) => {
      const { read, readsOf, reader, clock } = await setup(t, engine);
      await reader({ direction: 'entry', repeat_window_s: 0 });
      assert.equal((await read('ＰＱＸ１００１')).decision, 'granted');
      clock.advance(1000);
      assert.equal((await read('pqx-1001')).decision, 'granted');
      assert.deepEqual((await readsOf()).map((row) => row.plate_key), ['PQX1001', 'PQX1001']);
    });

    it('at an entry reader a car seen again is an entry again; the repeat window decides', async (t) => {
      const { read, reader, sent, clock } = await setup(t, engine);
      await reader({ direction: 'entry', repeat_window_s: 5 });
      assert.equal((await read('PQX1001')).decision, 'granted');
      clock.advance(4000);
      assert.equal((await read('PQX1001')).decision, 'repeat');
      clock.advance(2000);
      assert.equal((await read('PQX1001')).decision, 'granted');
      assert.equal(sent.length, 2);
    });

    it('records a plate that folds to no key as unreadable, and a disabled reader records and opens nothing', async (t) => {
      const { read, readsOf, reader, sent, rows } = await setup(t, engine);
      assert.equal((await read('П-1')).decision, 'unreadable');
      assert.equal((await read('')).decision, 'unreadable');
      assert.deepEqual((await readsOf()).map((row) => [row.plate, row.plate_key]).sort(), [['', null], ['П-1', null]]);
      await reader({ enabled: 0 });
      assert.equal((await read('PQX1001')).decision, 'disabled');
      assert.equal((await readsOf()).length, 2);
      assert.deepEqual(sent, []);
      assert.deepEqual(await rows(gate.id), []);
    });

    it('refuses a read at an entity the controller does not have, recording nothing', async (t) => {
      const { toggle, readsOf } = await setup(t, engine);
      await assert.rejects(plateEntry(toggle, device, { entityNumber: 9, plate: 'PQX1001', at: Date.now() }), DomainError);
      assert.deepEqual(await readsOf(), []);
    });

    it('keeps a read granted when its controller is offline: the failed opening is in the history, vehicle_admitted has no toggle', async (t) => {
      const { db, read, readsOf, events, sent, rows } = await setup(t, engine);
      await db.updateTable('devices').set({ online: 0 }).where('id', '=', device).execute();
      assert.equal((await read('PQX1001')).decision, 'granted');
      assert.deepEqual(sent, []);
      assert.equal((await readsOf())[0]!.toggle_id, null);
      assert.deepEqual(await rows(gate.id), [['LPR', sandboxPeople.alex.id, 0, newYork('10:00:00') / 1000]]);
      assert.equal((await events('vehicle_admitted'))[0]!.data.toggleID, '');
    });

    it('opens a door for nobody (system): no person on the command or in the history', async (t) => {
      const { db, toggle, sent, rows } = await setup(t, engine);
      const pending = await startDecidedToggle(toggle, 'system', { doorId: gate.id, state: 'OPEN', channel: 'LPR' });
      await assert.rejects(startDecidedToggle(toggle, 'system', { doorId: gate.id, state: 'OPEN', channel: 'LPR' }), (error: DomainError) => error.code === 'busy');
      await completeToggle(toggle, { personId: null }, pending, 'LPR');
      assert.equal(sent.length, 1);
      assert.equal((await db.selectFrom('door_commands').select('person_id').where('id', '=', pending.toggleId).executeTakeFirstOrThrow()).person_id, null);
      // The busy refusal's failed row, then the opening's.
      assert.deepEqual((await rows(gate.id)).sort(), [['LPR', null, 0, newYork('10:00:00') / 1000], ['LPR', null, 1, newYork('10:00:00') / 1000]]);
      await assert.rejects(startDecidedToggle(toggle, 'system', { doorId: sandboxDoors.lobby.id, state: 'CLOSED', channel: 'LPR' }), (error: DomainError) => error.code === 'not_supported');
    });

    it('decides the same read, and two reads of one car, arriving together once: one command', async (t) => {
      const { read, sent } = await setup(t, engine);
      const same = await Promise.all([read('PQX1001', { readId: 'twice' }), read('PQX1001', { readId: 'twice' })]);
      assert.deepEqual(same.map((outcome) => outcome.decision).sort(), ['granted', 'ignored']);
      const burst = await Promise.all(Array.from({ length: 8 }, () => read('GIA404')));
      assert.deepEqual(burst.map((outcome) => outcome.decision).sort(), ['granted', ...Array(7).fill('repeat')]);
      assert.equal(sent.length, 2);
    });
  });
}
