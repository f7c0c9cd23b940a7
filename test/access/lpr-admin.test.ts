// What an account's Admin sets for its plate readers (phase2.md B.1-B.3, B.6),
// without HTTP: vehicles, exclusions, the cap, reader settings, read searches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { removeMember } from '../../src/access/members.ts';
import { accountVehicleAdmission } from '../../src/access/lpr-admission.ts';
import { DomainError } from '../../src/access/errors.ts';
import { compactId } from '../../src/access/ids.ts';
import { setVehicleCap, readVehicleCap } from '../../src/access/lpr-cap.ts';
import { excludePlate, readmitPlate } from '../../src/access/lpr-exclusions.ts';
import { accountReaders, setReader } from '../../src/access/lpr-readers.ts';
import { searchReads } from '../../src/access/plate-reads.ts';
import { addVehicle, maxVehicles, normalizePlate, readPlate, readRegion, removeVehicle, updateVehicle } from '../../src/access/vehicles.ts';
import { ManualClock } from '../../src/clock.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines } from '../helpers/build-app.ts';
import { insertPlateRead } from '../helpers/plate-reads.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const { alex, sam, gia, nora } = sandboxPeople;
const residence = sandboxAccounts.residence.id;
const refusedWith = (code: string, message?: RegExp) => (error: unknown) => error instanceof DomainError && error.code === code && (!message || message.test(error.message));
const clock = new ManualClock(Date.UTC(2026, 2, 4, 17, 0, 0));

describe('plates as people type them', () => {
  it('fold to the plate key; empty, too long, other scripts and punctuation are refused', () => {
    assert.equal(readPlate('sam 123'), 'SAM123');
    assert.equal(readPlate('PQX-1001'), readPlate('pqx 1001'));
    assert.equal(readPlate('ＰＱＸ１００１'), 'PQX1001');
    assert.equal(readPlate('A B-C D-E F-G H-I J '), 'ABCDEFGHIJ');
    assert.throws(() => readPlate(''), /Enter a licence plate/);
    assert.throws(() => readPlate(' - '), /Enter a licence plate/);
    assert.throws(() => readPlate('A'.repeat(21)), /2 to 10 letters/);
    assert.throws(() => readPlate('A B C D E F G H I J K'), /2 to 10 letters/);
    assert.throws(() => readPlate('РQХ1001'), /2 to 10 letters/, 'Cyrillic look-alikes are not Latin letters');
    assert.throws(() => readPlate('AB.123'), /2 to 10 letters/);
    assert.equal(normalizePlate('pqx-1001'), 'PQX1001');
    assert.equal(normalizePlate('РQХ1001'), '', 'an unreadable plate matches no vehicle');
  });

  it('regions are lower-case codes, empty when not known; anything else is refused naming the field', () => {
    assert.equal(readRegion(' US-NY '), 'us-ny');
    assert.equal(readRegion('gb'), 'gb');
    assert.equal(readRegion(''), '');
    assert.equal(readRegion(null), '');
    assert.throws(() => readRegion('New York'), /Invalid region/);
    assert.throws(() => readRegion('usa-ny'), /Invalid region/);
  });

  it('the cap is a whole number from 1 to 10, or null', () => {
    assert.equal(readVehicleCap(null), null);
    assert.equal(readVehicleCap(10), 10);
    for (const bad of [0, 11, 1.5, '2', true]) assert.throws(() => readVehicleCap(bad), /Invalid lpr_vehicle_cap/);
  });
});

for (const engine of engines()) {
  describe(`vehicles [${engine}]`, () => {
    it('a duplicate plate key is duplicate, the eleventh vehicle limit_reached, another\'s vehicle not found', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const at = new Date(clock.now());
      const added = await addVehicle(db, sam.id, { plate: 'sam 123' }, at);
      assert.equal(added.plate, 'SAM123');
      await assert.rejects(addVehicle(db, sam.id, { plate: 'SAM-123' }, at), refusedWith('duplicate'));
      for (let index = 2; index <= maxVehicles; index += 1) await addVehicle(db, sam.id, { plate: `SAM${index}X` }, at);
      await assert.rejects(addVehicle(db, sam.id, { plate: 'SAM11X' }, at), refusedWith('limit_reached'));
      await assert.rejects(updateVehicle(db, sam.id, added.id, { plate: 'sam2x' }), refusedWith('duplicate'));
      const changed = await updateVehicle(db, sam.id, compactId(added.id), { region: 'US-NJ', color: 'red' });
      assert.deepEqual({ plate: changed.plate, region: changed.region, color: changed.color }, { plate: 'SAM123', region: 'us-nj', color: 'red' });
      await assert.rejects(updateVehicle(db, alex.id, added.id, { color: 'blue' }), refusedWith('not_found'));
      await assert.rejects(removeVehicle(db, alex.id, added.id, at), refusedWith('not_found'));
    });
  });

  describe(`vehicles added at once [${engine}]`, () => {
    it('never exceed 10: of five adds at once with 8 vehicles, two succeed', async (t) => {
      const db = await sandboxDatabase(t, engine);
      for (let index = 1; index <= 8; index += 1) await addVehicle(db, sam.id, { plate: `SAM${index}` }, new Date());
      const outcomes = await Promise.allSettled(['RACE1', 'RACE2', 'RACE3', 'RACE4', 'RACE5'].map((plate) => addVehicle(db, sam.id, { plate }, new Date())));
      assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 2);
      assert.ok(outcomes.every((outcome) => outcome.status === 'fulfilled' || refusedWith('limit_reached')(outcome.reason)), JSON.stringify(outcomes));
      assert.equal((await db.selectFrom('vehicles').select('id').where('person_id', '=', sam.id).execute()).length, 10);
    });
  });

  describe(`exclusions and the cap [${engine}]`, () => {
    it('the Admin excludes a member\'s plate and readmits it, each announced to the Admin and the member holding it', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await assert.rejects(excludePlate(db, clock, { accountId: residence, actorId: sam.id, plate: 'GIA404', reason: 'x' }), refusedWith('forbidden'));
      await assert.rejects(excludePlate(db, clock, { accountId: residence, actorId: nora.id, plate: 'GIA404', reason: 'x' }), refusedWith('not_found', /account/));
      await assert.rejects(excludePlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'ZZZ999', reason: 'x' }), refusedWith('not_found', /ZZZ999/));
      await assert.rejects(excludePlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'Z', reason: 'x' }), refusedWith('invalid', /Invalid plate/));
      await assert.rejects(excludePlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'GIA404', reason: 'x'.repeat(201) }), refusedWith('invalid', /Invalid reason/));

      const excluded = await excludePlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'gia-404', reason: 'Sold' });
      assert.deepEqual(excluded, { plate: 'GIA404', reason: 'Sold', personIds: [gia.id] });
      await excludePlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'GIA404', reason: 'Sold' });
      const gias = (await accountVehicleAdmission(db, residence)).find((vehicle) => vehicle.plate === 'GIA404');
      assert.deepEqual([gias?.admitted, gias?.reason], [false, 'excluded']);

      await assert.rejects(readmitPlate(db, clock, { accountId: residence, actorId: sam.id, plate: 'GIA404' }), refusedWith('forbidden'));
      await readmitPlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'GIA404' });
      await assert.rejects(readmitPlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'GIA404' }), refusedWith('not_found'));
      assert.equal((await accountVehicleAdmission(db, residence)).find((vehicle) => vehicle.plate === 'GIA404')?.admitted, true);

      const events = await db.selectFrom('outbox_events').select(['type', 'account_id', 'person_ids', 'data', 'occurred_at']).where('type', 'like', 'vehicle_exclusion_%').orderBy('seq').execute();
      const expected = { accountID: compactId(residence), personID: compactId(gia.id), plate: 'GIA404', reason: 'Sold' };
      assert.deepEqual(events.map((event) => ({ ...event, person_ids: JSON.parse(event.person_ids!), data: JSON.parse(event.data) })), [
        { type: 'vehicle_exclusion_added', account_id: residence, person_ids: [alex.id, gia.id], data: expected, occurred_at: clock.now() / 1000 },
        { type: 'vehicle_exclusion_removed', account_id: residence, person_ids: [alex.id, gia.id], data: expected, occurred_at: clock.now() / 1000 },
      ], 'saying the same reason again announces nothing');
    });

    it('removing a member ends the exclusions of plates only they held there', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await addVehicle(db, sam.id, { plate: 'GIA404' }, new Date());
      await addVehicle(db, sam.id, { plate: 'SAM1' }, new Date());
      await excludePlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'GIA404', reason: 'shared' });
      await excludePlate(db, clock, { accountId: residence, actorId: alex.id, plate: 'SAM1', reason: 'his alone' });
      await removeMember({ db, clock }, alex.id, residence, sam.id);
      assert.deepEqual((await db.selectFrom('lpr_exclusions').select('plate_key').execute()).map((row) => row.plate_key), ['GIA404'], 'Gia still holds GIA404');
    });

    it('a cap of 1 admits each member\'s first vehicle only; null admits all', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await addVehicle(db, alex.id, { plate: 'PQX2002' }, new Date(Date.now() + 1000));
      await setVehicleCap(db, residence, 1);
      const reasons = async () => (await accountVehicleAdmission(db, residence, [alex.id])).map((vehicle) => [vehicle.plate, vehicle.reason]);
      assert.deepEqual(await reasons(), [['PQX1001', null], ['PQX2002', 'over_cap']]);
      await assert.rejects(setVehicleCap(db, residence, 0), refusedWith('invalid'));
      await setVehicleCap(db, residence, null);
      assert.deepEqual(await reasons(), [['PQX1001', null], ['PQX2002', null]]);
    });

    it('counts vehicles added within one second in the order they were added', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const sameSecond = new Date(Math.floor(Date.now() / 1000) * 1000);
      for (const plate of ['SAM9', 'SAM1', 'SAM5', 'SAM3']) await addVehicle(db, sam.id, { plate }, sameSecond);
      await setVehicleCap(db, residence, 2);
      assert.deepEqual((await accountVehicleAdmission(db, residence, [sam.id])).map((vehicle) => [vehicle.plate, vehicle.admitted]), [['SAM9', true], ['SAM1', true], ['SAM5', false], ['SAM3', false]]);
    });
  });

  describe(`readers [${engine}]`, () => {
    it('every entity of the account\'s controllers, defaults until set; another account\'s controller or door is not found', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const controllers = await accountReaders(db, residence);
      assert.deepEqual(controllers.map((controller) => [controller.deviceId, controller.readers.length]), [[sandboxDevices.a.id, 4], [sandboxDevices.b.id, 2]]);
      const [garage, gate] = controllers[0]!.readers;
      assert.deepEqual(garage, { doorId: null, direction: 'entry', minConfidence: 0.8, repeatWindowS: 30, enabled: true, deviceId: sandboxDevices.a.id, controllerName: 'Controller a1b2c3d4e5f60001', entityNumber: 1, door: { id: sandboxDoors.garage.id, name: sandboxDoors.garage.name }, isDefault: true });
      // The sandbox sets the Driveway Gate's camera to let cars in and out.
      assert.deepEqual(gate, { doorId: sandboxDoors.gate.id, direction: 'both', minConfidence: 0.8, repeatWindowS: 30, enabled: true, deviceId: sandboxDevices.a.id, controllerName: 'Controller a1b2c3d4e5f60001', entityNumber: 2, door: { id: sandboxDoors.gate.id, name: 'Driveway Gate' }, isDefault: false });
      assert.equal(controllers[0]!.readers[3]!.door, null, 'entity 4 drives no door');

      const input = { direction: 'both', minConfidence: 0.9, repeatWindowS: 60, enabled: true };
      const saved = await setReader(db, clock, { accountId: residence, deviceId: compactId(sandboxDevices.a.id), entityNumber: 4, input: { ...input, doorId: compactId(sandboxDoors.lobby.id) } });
      assert.deepEqual(saved, { doorId: sandboxDoors.lobby.id, direction: 'both', minConfidence: 0.9, repeatWindowS: 60, enabled: true, deviceId: sandboxDevices.a.id, controllerName: 'Controller a1b2c3d4e5f60001', entityNumber: 4, door: { id: sandboxDoors.lobby.id, name: 'Lobby Door' }, isDefault: false });
      const again = await setReader(db, clock, { accountId: residence, deviceId: sandboxDevices.a.id, entityNumber: 4, input: { ...input, enabled: false } });
      assert.deepEqual([again.doorId, again.door, again.enabled], [null, null, false]);

      await assert.rejects(setReader(db, clock, { accountId: residence, deviceId: sandboxDevices.neighbor.id, entityNumber: 1, input }), refusedWith('not_found', /controller/));
      await assert.rejects(setReader(db, clock, { accountId: residence, deviceId: sandboxDevices.a.id, entityNumber: 5, input }), refusedWith('invalid', /entity/));
      await assert.rejects(setReader(db, clock, { accountId: residence, deviceId: sandboxDevices.a.id, entityNumber: 2, input: { ...input, doorId: sandboxDoors.neighborGarage.id } }), refusedWith('not_found', /door/));
      await assert.rejects(setReader(db, clock, { accountId: residence, deviceId: sandboxDevices.a.id, entityNumber: 2, input: { ...input, direction: 'sideways' } }), refusedWith('invalid', /direction/));
      for (const minConfidence of [-0.1, 1.01, Number.NaN]) {
        await assert.rejects(setReader(db, clock, { accountId: residence, deviceId: sandboxDevices.a.id, entityNumber: 2, input: { ...input, minConfidence } }), refusedWith('invalid', /min_confidence/));
      }
      for (const repeatWindowS of [-1, 601, 1.5]) {
        await assert.rejects(setReader(db, clock, { accountId: residence, deviceId: sandboxDevices.a.id, entityNumber: 2, input: { ...input, repeatWindowS } }), refusedWith('invalid', /repeat_window_s/));
      }
    });
  });

  describe(`plate reads [${engine}]`, () => {
    it('the Admin and enforcement members search newest first, page by cursor, and every plate search is logged', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const base = Date.UTC(2026, 2, 4, 15, 0, 0) / 1000;
      const first = await insertPlateRead(db, { occurred_at: base, person_id: alex.id });
      const refused = await insertPlateRead(db, { occurred_at: base + 60, plate: 'GIA 404', plate_key: 'GIA404', decision: 'refused', reason: 'outside hours', basis: null });
      const lobby = await insertPlateRead(db, { occurred_at: base + 120, door_id: sandboxDoors.lobby.id, entity_number: 3 });
      await insertPlateRead(db, { account_id: sandboxAccounts.neighbor.id, device_id: sandboxDevices.neighbor.id, door_id: sandboxDoors.neighborGarage.id, occurred_at: base + 30 });

      const all = await searchReads(db, { personId: alex.id }, { accountId: residence, limit: 2 });
      assert.deepEqual(all.items.map((read) => read.id), [lobby.id, refused.id]);
      const next = await searchReads(db, { personId: alex.id }, { accountId: residence, limit: 2, cursor: all.nextCursor! });
      assert.deepEqual([next.items.map((read) => read.id), next.nextCursor], [[first.id], null]);
      assert.deepEqual(next.items[0]!.person, { id: alex.id, firstName: 'Alex', lastName: 'Admin' });

      const byGia = await searchReads(db, { personId: gia.id, clientId: 'app-1' }, { accountId: residence, plate: 'gia-404', decision: 'refused', from: '2026-03-04 15:00:00', to: '2026-03-04T16:00:00Z', limit: 50 });
      assert.deepEqual(byGia.items.map((read) => [read.id, read.reason]), [[refused.id, 'outside hours']]);
      const byDoor = await searchReads(db, { personId: alex.id }, { accountId: residence, doorId: compactId(sandboxDoors.lobby.id), limit: 50 });
      assert.deepEqual(byDoor.items.map((read) => read.id), [lobby.id]);
      const lookups = await db.selectFrom('plate_lookups').select(['account_id', 'person_id', 'client_id', 'plate_key', 'at']).execute();
      assert.deepEqual(lookups.map(({ at, ...row }) => ({ ...row, recent: Math.abs(at - Date.now() / 1000) < 60 })), [{ account_id: residence, person_id: gia.id, client_id: 'app-1', plate_key: 'GIA404', recent: true }]);

      await assert.rejects(searchReads(db, { personId: sam.id }, { accountId: residence, limit: 50 }), refusedWith('forbidden'));
      await assert.rejects(searchReads(db, { personId: nora.id }, { accountId: residence, limit: 50 }), refusedWith('not_found'));
      await assert.rejects(searchReads(db, { personId: alex.id }, { accountId: residence, doorId: sandboxDoors.neighborGarage.id, limit: 50 }), refusedWith('not_found', /door/));
      for (const limit of [0, 201, 1.5]) await assert.rejects(searchReads(db, { personId: alex.id }, { accountId: residence, limit }), refusedWith('invalid', /limit/));
      for (const cursor of ['x', Buffer.from('12.zz').toString('base64url'), Buffer.from(`9.${'a'.repeat(32)}.1`).toString('base64url')]) {
        await assert.rejects(searchReads(db, { personId: alex.id }, { accountId: residence, limit: 5, cursor }), refusedWith('invalid', /cursor/));
      }
      await assert.rejects(searchReads(db, { personId: alex.id }, { accountId: residence, limit: 5, decision: 'maybe' }), refusedWith('invalid', /decision/));
      await assert.rejects(searchReads(db, { personId: alex.id }, { accountId: residence, limit: 5, from: 'yesterday' }), refusedWith('invalid', /from/));
      await assert.rejects(searchReads(db, { personId: alex.id }, { accountId: residence, limit: 5, from: '2026-03-05', to: '2026-03-04' }), refusedWith('invalid', /to/));
      await assert.rejects(searchReads(db, { personId: alex.id }, { accountId: residence, limit: 5, plate: 'P' }), refusedWith('invalid', /plate/));
    });
  });
}
