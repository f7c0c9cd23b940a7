// The door rules on a real SQLite database, without HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { systemClock } from '../../src/clock.ts';
import { decide } from '../../src/access/decide.ts';
import type { Database } from '../../src/store/database.ts';
import { requireVisibleDoor, visibleDoors } from '../../src/access/door-policy.ts';
import { DomainError } from '../../src/access/errors.ts';
import { checkSchedule } from '../../src/access/schedules.ts';
import { deleteDoorAccess, upsertDoorAccess } from '../../src/store/repositories/door-access.ts';
import { samGateHours, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';

const newYork = 'America/New_York';
const sam = { personId: sandboxPeople.sam.id };
const nyTime = (iso: string) => new Date(iso);

/** decide's answer reduced to the verdict these examples state. */
async function verdict(db: Kysely<Database>, personId: string, door: { id: string }, at: Date) {
  const decision = await decide(db, systemClock, { subject: { personId }, doorId: door.id, at });
  return decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
}

describe('door policy', () => {
  it('lets Sam operate the gate from 06:00 to 22:00 New York time only, the zone of the gate\'s account', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const gate = await requireVisibleDoor(app.db, sam, sandboxDoors.gate.id, new Date());
    assert.equal(gate.relationship, 'Has Access');
    assert.deepEqual(await verdict(app.db, sam.personId, gate, nyTime('2026-06-10T21:59:00-04:00')), { allowed: true });
    assert.deepEqual(await verdict(app.db, sam.personId, gate, nyTime('2026-06-10T06:00:00-04:00')), { allowed: true });
    assert.deepEqual(await verdict(app.db, sam.personId, gate, nyTime('2026-06-10T23:00:00-04:00')), { allowed: false, reason: 'outside_hours' });
    assert.deepEqual(await verdict(app.db, sam.personId, gate, nyTime('2026-06-10T05:59:00-04:00')), { allowed: false, reason: 'outside_hours' });
    // The lobby door has no hours; the Admin is never limited.
    const lobby = await requireVisibleDoor(app.db, sam, sandboxDoors.lobby.id, new Date());
    assert.deepEqual(await verdict(app.db, sam.personId, lobby, nyTime('2026-06-10T23:00:00-04:00')), { allowed: true });
    const alexGate = await requireVisibleDoor(app.db, { personId: sandboxPeople.alex.id }, sandboxDoors.gate.id, new Date());
    assert.deepEqual(await verdict(app.db, sandboxPeople.alex.id, alexGate, nyTime('2026-06-10T23:00:00-04:00')), { allowed: true });
  });

  it('keeps 06:00 to 22:00 local on both sides of a daylight-saving change', () => {
    const window = { startsAt: null, endsAt: null, weeklyHours: samGateHours };
    // 2026-03-08: New York moves from UTC-5 to UTC-4 at 02:00.
    assert.equal(checkSchedule(window, new Date('2026-03-07T11:30:00Z'), newYork).allowed, true); // 06:30 EST
    assert.equal(checkSchedule(window, new Date('2026-03-09T10:30:00Z'), newYork).allowed, true); // 06:30 EDT
    assert.equal(checkSchedule(window, new Date('2026-03-09T09:30:00Z'), newYork).allowed, false); // 05:30 EDT, 06:30 "winter time"
    assert.equal(checkSchedule(window, new Date('2026-11-01T10:30:00Z'), newYork).allowed, false); // 05:30 EST after the fall change
    assert.equal(checkSchedule(window, new Date('2026-11-01T11:30:00Z'), newYork).allowed, true);
  });

  it('handles slots that run past midnight and specific weekdays', () => {
    const night = { startsAt: null, endsAt: null, weeklyHours: [{ days: ['fri' as const], start: '22:00', end: '02:00' }] };
    assert.equal(checkSchedule(night, new Date('2026-06-12T23:30:00-04:00'), newYork).allowed, true); // Friday night
    assert.equal(checkSchedule(night, new Date('2026-06-13T01:30:00-04:00'), newYork).allowed, true); // Saturday small hours
    assert.equal(checkSchedule(night, new Date('2026-06-14T01:30:00-04:00'), newYork).allowed, false); // Sunday small hours
    assert.equal(checkSchedule(night, new Date('2026-06-11T23:30:00-04:00'), newYork).allowed, false); // Thursday night
  });

  it('hides every door once the Admin removes the access', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    assert.equal((await visibleDoors(app.db, sam, new Date())).length, 2);
    await deleteDoorAccess(app.db, sandboxPeople.sam.id, [sandboxDoors.gate.id, sandboxDoors.lobby.id]);
    assert.deepEqual(await visibleDoors(app.db, sam, new Date()), []);
    await assert.rejects(requireVisibleDoor(app.db, sam, sandboxDoors.gate.id, new Date()), (error: unknown) => error instanceof DomainError && error.code === 'not_found');
  });

  it('denies a window that has not started, and makes a door vanish once its window has ended', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const now = Math.floor(Date.now() / 1000);
    await upsertDoorAccess(app.db, { door_id: sandboxDoors.lobby.id, person_id: sandboxPeople.sam.id, granted_by: sandboxPeople.alex.id, starts_at: now + 3600, ends_at: now + 7200, weekly_hours: null, created_at: now });
    const lobby = await requireVisibleDoor(app.db, sam, sandboxDoors.lobby.id, new Date());
    assert.deepEqual(await verdict(app.db, sam.personId, lobby, new Date()), { allowed: false, reason: 'not_started' });
    assert.deepEqual(await verdict(app.db, sam.personId, lobby, new Date((now + 3700) * 1000)), { allowed: true });
    await upsertDoorAccess(app.db, { door_id: sandboxDoors.lobby.id, person_id: sandboxPeople.sam.id, granted_by: sandboxPeople.alex.id, starts_at: now - 7200, ends_at: now - 1, weekly_hours: null, created_at: now });
    await assert.rejects(requireVisibleDoor(app.db, sam, sandboxDoors.lobby.id, new Date()), (error: unknown) => error instanceof DomainError && error.code === 'not_found');
    assert.deepEqual((await visibleDoors(app.db, sam, new Date())).map((door) => door.name), ['Driveway Gate']);
  });

  it('limits an application to its grant and to accounts that allow third-party access', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const alex = sandboxPeople.alex.id;
    const onlyGate = await visibleDoors(app.db, { personId: alex, grant: { allDoors: false, doorIds: new Set([sandboxDoors.gate.id]), thirdParty: true } }, new Date());
    assert.deepEqual(onlyGate.map((door) => door.name), ['Driveway Gate']);
    await app.db.updateTable('accounts').set({ third_party_access: 0 }).execute();
    assert.deepEqual(await visibleDoors(app.db, { personId: alex, grant: { allDoors: true, doorIds: new Set(), thirdParty: true } }, new Date()), []);
    const ownApp = await visibleDoors(app.db, { personId: alex, grant: { allDoors: true, doorIds: new Set(), thirdParty: false } }, new Date());
    assert.equal(ownApp.length, 4, "ParqEx's own (first-party) apps are not shut out by the switch");
    assert.equal((await visibleDoors(app.db, { personId: alex }, new Date())).length, 4, 'the web pages still show them');
  });
});
