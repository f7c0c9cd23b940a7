// Gia Guard, the sandbox's third User of Sandbox Residence (phase2.md A.8):
// the Driveway Gate 07:00-23:00 New York time, the Lobby Door always, PIN
// 8642, and her vehicle GIA404 (us-ny).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { systemClock } from '../../src/clock.ts';
import { decide } from '../../src/access/decide.ts';
import type { Database } from '../../src/store/database.ts';
import { visibleDoors } from '../../src/access/door-policy.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandboxTokens, userInfo } from '../helpers/oauth.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const gia = sandboxPeople.gia;

/** decide's answer reduced to the verdict these examples state. */
async function verdict(db: Kysely<Database>, personId: string, door: { id: string }, at: Date) {
  const decision = await decide(db, systemClock, { subject: { personId }, doorId: door.id, at });
  return decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
}

describe('sandbox: Gia Guard', () => {
  it('is a User of Sandbox Residence, whose zone is America/New_York, with her id, address and PIN', async (t) => {
    const db = await sandboxDatabase(t);
    assert.equal(gia.id, '5a0d0000-0000-4000-8000-000000000004');
    assert.equal(gia.email, 'gia.guard@sandbox.parqex.test');
    assert.equal(sandboxPins.gia, '8642');
    const account = await db.selectFrom('accounts').select('time_zone').where('id', '=', sandboxAccounts.residence.id).executeTakeFirstOrThrow();
    assert.equal(account.time_zone, 'America/New_York');
    const member = await db.selectFrom('account_members').select(['role', 'can_share']).where('account_id', '=', sandboxAccounts.residence.id).where('person_id', '=', gia.id).executeTakeFirstOrThrow();
    assert.deepEqual({ ...member }, { role: 'user', can_share: 0 });
  });

  it('may open the Driveway Gate at 12:00 New York time but not at 23:30, and the Lobby Door at any hour', async (t) => {
    const db = await sandboxDatabase(t);
    // Wednesday 2026-03-04, EST (UTC-5).
    const noon = new Date('2026-03-04T17:00:00Z');
    const lateEvening = new Date('2026-03-05T04:30:00Z');
    const night = new Date('2026-03-05T08:00:00Z');
    const doors = await visibleDoors(db, { personId: gia.id }, noon);
    assert.deepEqual(doors.map((door) => door.id).sort(), [sandboxDoors.gate.id, sandboxDoors.lobby.id].sort());
    const gate = doors.find((door) => door.id === sandboxDoors.gate.id)!;
    const lobby = doors.find((door) => door.id === sandboxDoors.lobby.id)!;
    assert.deepEqual(await verdict(db, gia.id, gate, noon), { allowed: true });
    assert.deepEqual(await verdict(db, gia.id, gate, lateEvening), { allowed: false, reason: 'outside_hours' });
    // The edges: 07:00 opens, 23:00 closes.
    assert.equal((await verdict(db, gia.id, gate, new Date('2026-03-04T12:00:00Z'))).allowed, true);
    assert.equal((await verdict(db, gia.id, gate, new Date('2026-03-04T11:59:00Z'))).allowed, false);
    assert.equal((await verdict(db, gia.id, gate, new Date('2026-03-05T04:00:00Z'))).allowed, false);
    for (const at of [noon, lateEvening, night]) assert.deepEqual(await verdict(db, gia.id, lobby, at), { allowed: true });
  });

  it('opens the Lobby Door with her keypad PIN, and user-info lists her vehicle GIA404 (us-ny)', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite');
    const controller = await sandboxController(t, app, 'a');
    await controller.enterPin(sandboxDoors.lobby.entity_number, sandboxPins.gia);
    await until(() => controller.movements === 1);
    await until(async () => (await app.db.selectFrom('access_events').select('person_id').where('door_id', '=', sandboxDoors.lobby.id).execute()).length === 1);
    const event = await app.db.selectFrom('access_events').select(['channel', 'person_id', 'was_success']).where('door_id', '=', sandboxDoors.lobby.id).executeTakeFirstOrThrow();
    assert.deepEqual({ ...event }, { channel: 'Keypad', person_id: gia.id, was_success: 1 });

    const tokens = await sandboxTokens(baseUrl, { email: gia.email, scope: 'profile' });
    const info = await userInfo(baseUrl, tokens.access_token);
    assert.equal(info.status, 200, JSON.stringify(info.body));
    assert.equal(info.body.data.id, gia.id);
    assert.deepEqual(info.body.data.vehicles, [{ id: '5a0d00000000400080000000000000f2', plate: 'GIA404', region: 'us-ny', make: 'Ford', model: 'Explorer', color: 'black' }]);
  });
});
