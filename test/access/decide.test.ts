// `decide` on a seeded database, without HTTP: every source, the account's
// zone, the union, and Acceptance A example 2 with a Gia of this test's own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { decide, decideMany, refusalMessage } from '../../src/access/decide.ts';
import { checkSchedule } from '../../src/access/schedules.ts';
import { samGateHours, sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { setAccountTimeZone } from '../../src/store/repositories/accounts.ts';
import { upsertDoorAccess } from '../../src/store/repositories/door-access.ts';
import { insertPersonIfAbsent } from '../../src/store/repositories/people.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const gia = { id: '9a0d0000-0000-4000-8000-000000000004', email: 'gia.fixture@example.test' };
const sam = { personId: sandboxPeople.sam.id };
const alex = { personId: sandboxPeople.alex.id };
const at = (iso: string) => new Date(iso);
const clockAt = (iso: string) => new ManualClock(Date.parse(iso));
const HOUR = 3600_000;

for (const engine of engines()) {
  describe(`decide [${engine}]`, () => {
    it('answers Acceptance A example 2: Gia until 04:00 UTC, Alex until null, Sam outside_hours until 06:00 EDT', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await insertPersonIfAbsent(db, { id: gia.id, email: gia.email, first_name: 'Gia', last_name: 'Guard', phone: null, password_hash: null, is_sandbox: 1, created_at: 0 });
      await upsertDoorAccess(db, { door_id: sandboxDoors.gate.id, person_id: gia.id, granted_by: sandboxPeople.alex.id, starts_at: null, ends_at: null, weekly_hours: JSON.stringify([{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '07:00', end: '23:00' }]), created_at: 0 });
      const clock = clockAt('2026-03-04T22:50:00-05:00');
      assert.deepEqual(await decide(db, clock, { subject: { personId: gia.id }, doorId: sandboxDoors.gate.id }), {
        allowed: true, until: Date.parse('2026-03-05T04:00:00Z'), basis: { kind: 'door_access', id: sandboxDoors.gate.id, personId: gia.id },
      });
      assert.deepEqual(await decide(db, clock, { subject: alex, doorId: sandboxDoors.gate.id }), {
        allowed: true, until: null, basis: { kind: 'admin', id: sandboxAccounts.residence.id, personId: alex.personId },
      });
      assert.deepEqual(await decide(db, clock, { subject: sam, doorId: sandboxDoors.gate.id, at: at('2026-03-08T05:00:00-04:00') }), {
        allowed: false, reason: 'outside_hours', next: Date.parse('2026-03-08T10:00:00Z'),
      });
    });

    it('walks Sam\'s gate hours across the spring change, each answer agreeing with checkSchedule and the next one', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const clock = clockAt('2026-03-07T00:00:00-05:00');
      const window = { startsAt: null, endsAt: null, weeklyHours: samGateHours };
      let previous: Awaited<ReturnType<typeof decide>> | undefined;
      let changedAt: number | null | undefined;
      while (clock.now() < Date.parse('2026-03-10T00:00:00-04:00')) {
        const decision = await decide(db, clock, { subject: sam, doorId: sandboxDoors.gate.id });
        assert.equal(decision.allowed, checkSchedule(window, new Date(clock.now()), 'America/New_York').allowed, new Date(clock.now()).toISOString());
        // An answer holds until the instant it named, and changes there.
        if (previous && changedAt !== undefined) assert.equal(decision.allowed !== previous.allowed, clock.now() === changedAt);
        if (!previous || decision.allowed !== previous.allowed) changedAt = decision.allowed ? decision.until : decision.next;
        previous = decision;
        clock.advance(clock.now() + HOUR / 2 > (changedAt ?? Infinity) ? changedAt! - clock.now() : HOUR / 2);
      }
      // 22:00 EST on the 7th, 06:00 EDT and 22:00 EDT on the 8th: the UTC hour moves with the change.
      assert.deepEqual(await decide(db, clock, { subject: sam, doorId: sandboxDoors.gate.id, at: at('2026-03-07T21:59:00-05:00') }), {
        allowed: true, until: Date.parse('2026-03-08T03:00:00Z'), basis: { kind: 'door_access', id: sandboxDoors.gate.id, personId: sam.personId },
      });
      assert.deepEqual(await decide(db, clock, { subject: sam, doorId: sandboxDoors.gate.id, at: at('2026-03-08T12:00:00-04:00') }), {
        allowed: true, until: Date.parse('2026-03-09T02:00:00Z'), basis: { kind: 'door_access', id: sandboxDoors.gate.id, personId: sam.personId },
      });
    });

    it('reads hours in the account\'s zone, whatever the person\'s own', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const noonInNewYork = at('2026-06-10T12:00:00-04:00');
      assert.equal((await decide(db, clockAt('2000-01-01T00:00:00Z'), { subject: sam, doorId: sandboxDoors.gate.id, at: noonInNewYork })).allowed, true);
      await setAccountTimeZone(db, sandboxAccounts.residence.id, 'Asia/Tokyo');
      assert.deepEqual(await decide(db, clockAt('2000-01-01T00:00:00Z'), { subject: sam, doorId: sandboxDoors.gate.id, at: noonInNewYork }), {
        allowed: false, reason: 'outside_hours', next: Date.parse('2026-06-11T06:00:00+09:00'),
      });
    });

    it('answers no_access for a door held by no source, not_started and ended for dated windows', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const clock = clockAt('2026-06-10T12:00:00Z');
      const now = clock.now() / 1000;
      assert.deepEqual(await decide(db, clock, { subject: sam, doorId: sandboxDoors.neighborGarage.id }), { allowed: false, reason: 'no_access', next: null });
      await upsertDoorAccess(db, { door_id: sandboxDoors.garage.id, person_id: sam.personId, granted_by: null, starts_at: now + 3600, ends_at: now + 7200, weekly_hours: null, created_at: 0 });
      assert.deepEqual(await decide(db, clock, { subject: sam, doorId: sandboxDoors.garage.id }), { allowed: false, reason: 'not_started', next: clock.now() + HOUR });
      clock.advance(HOUR);
      assert.deepEqual(await decide(db, clock, { subject: sam, doorId: sandboxDoors.garage.id }), {
        allowed: true, until: clock.now() + HOUR, basis: { kind: 'door_access', id: sandboxDoors.garage.id, personId: sam.personId },
      });
      clock.advance(HOUR);
      assert.deepEqual(await decide(db, clock, { subject: sam, doorId: sandboxDoors.garage.id }), { allowed: false, reason: 'ended', next: null });
    });

    it('names the Admin as the basis even where the Admin also holds a door_access row', async (t) => {
      const db = await sandboxDatabase(t, engine);
      await upsertDoorAccess(db, { door_id: sandboxDoors.gate.id, person_id: alex.personId, granted_by: null, starts_at: null, ends_at: null, weekly_hours: JSON.stringify(samGateHours), created_at: 0 });
      const decision = await decide(db, clockAt('2026-03-04T23:30:00-05:00'), { subject: alex, doorId: sandboxDoors.gate.id });
      assert.deepEqual(decision, { allowed: true, until: null, basis: { kind: 'admin', id: sandboxAccounts.residence.id, personId: alex.personId } });
    });

    it('decides many doors at once as it decides each', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const clock = clockAt('2026-03-04T23:30:00-05:00');
      const all = await decideMany(db, clock, { subject: sam });
      assert.deepEqual([...all.keys()].sort(), [sandboxDoors.gate.id, sandboxDoors.lobby.id].sort());
      for (const [doorId, decision] of all) assert.deepEqual(decision, await decide(db, clock, { subject: sam, doorId }));
      assert.equal(all.get(sandboxDoors.gate.id)!.allowed, false);
      assert.equal(all.get(sandboxDoors.lobby.id)!.allowed, true);
      assert.equal((await decideMany(db, clock, { subject: alex })).size, 4);
      assert.equal((await decideMany(db, clock, { subject: sam, doorIds: [] })).size, 0);
    });
  });
}

describe('refusalMessage', () => {
  it('gives the 403 sentences of the toggle', () => {
    assert.equal(refusalMessage('Driveway Gate', 'outside_hours'), 'You may not operate Driveway Gate at this time of day.');
    assert.equal(refusalMessage('Driveway Gate', 'not_started'), 'Your access to Driveway Gate has not started yet.');
    assert.equal(refusalMessage('Driveway Gate', 'ended'), 'Your access to Driveway Gate has ended.');
  });
});
