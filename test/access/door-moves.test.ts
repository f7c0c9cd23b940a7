// The transitions of a door move, on a real database without the server:
// each one writes what it announces, once, at the domain clock's time.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { answerMove, applyDoorReport, failOverdueMoves, type CommandedMove, type MoveDeps } from '../../src/access/door-moves.ts';
import type { CommandAnswer } from '../../src/access/door-commands.ts';
import { ManualClock } from '../../src/clock.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import type { Database } from '../../src/store/database.ts';
import { expireStaleCommands, insertPendingCommand } from '../../src/store/repositories/door-commands.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const garage = sandboxDoors.garage;
const deviceA = sandboxDevices.a.id;
/** Domain time far from real time: every instant written must come from the clock. */
const domainStart = Date.UTC(2031, 4, 6, 7, 8, 9);

async function setup(t: TestContext, engine: 'sqlite' | 'postgres') {
  const db = await sandboxDatabase(t, engine);
  const clock = new ManualClock(domainStart);
  const deps: MoveDeps = { db, clock, travelDeadlineMs: 60_000 };
  return { db, clock, deps };
}

async function requested(db: Kysely<Database>, state: 'OPEN' | 'CLOSED' = 'OPEN'): Promise<CommandedMove> {
  const toggleId = randomBytes(16).toString('hex').toUpperCase();
  const now = Date.now();
  const claimed = await insertPendingCommand(db, {
    id: toggleId, door_id: garage.id, device_id: deviceA, entity_number: garage.entity_number, person_id: sandboxPeople.alex.id, client_id: null,
    channel: 'ParqEx Web', requested_state: state, idempotency_key: null, created_at: now, expires_at: now + 8000,
  });
  assert.ok(claimed, 'the door is busy with an earlier command');
  return { toggleId, doorId: garage.id, deviceId: deviceA, personId: sandboxPeople.alex.id, channel: 'ParqEx Web', state };
}

function answer(deps: MoveDeps, move: CommandedMove, given: CommandAnswer) {
  return deps.db.transaction().execute((trx) => answerMove(deps, trx, move, given));
}

async function moveRow(db: Kysely<Database>, id: string) {
  const row = await db.selectFrom('door_commands').select(['status', 'move', 'reason', 'travel_deadline']).where('id', '=', id).executeTakeFirstOrThrow();
  return { ...row, travel_deadline: row.travel_deadline === null ? null : Number(row.travel_deadline) };
}

async function history(db: Kysely<Database>) {
  const rows = await db.selectFrom('access_events').select(['channel', 'was_success', 'door_state', 'occurred_at']).where('door_id', '=', garage.id).orderBy('occurred_at').execute();
  return rows.map((row) => [row.channel, row.was_success, row.door_state, Number(row.occurred_at)]);
}

async function events(db: Kysely<Database>) {
  const rows = await db.selectFrom('outbox_events').select(['type', 'data', 'occurred_at']).where('door_id', '=', garage.id).orderBy('seq').execute();
  return rows.map((row) => ({ type: row.type, occurredAt: Number(row.occurred_at), ...JSON.parse(row.data) }));
}

const report = (door: { state: 'OPEN' | 'CLOSED'; commandId?: string }, protocol = '1.1') => ({
  protocol, softwareVersion: 'test', doors: [{ entityNumber: garage.entity_number, state: door.state, changedAt: domainStart + 2000, ...(door.commandId ? { commandId: door.commandId } : {}) }],
});
const domainSeconds = (ms: number) => Math.floor(ms / 1000);

for (const engine of engines()) {
  describe(`door move transitions [${engine}]`, () => {
    it('acknowledged: the toggle succeeds, one history row at the clock\'s time, and the move travels until its deadline', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      const before = Date.now();
      assert.equal(await answer(deps, move, { answered: true, result: 'ok', state: 'OPEN' }), undefined);
      const row = await moveRow(db, move.toggleId);
      assert.deepEqual([row.status, row.move], ['succeeded', 'acknowledged']);
      // Real time: the deadline is not moved by the domain clock.
      assert.ok(row.travel_deadline! >= before + 60_000 && row.travel_deadline! <= Date.now() + 60_000);
      assert.deepEqual(await history(db), [['ParqEx Web', 1, 'OPEN', domainSeconds(domainStart)]]);
      assert.deepEqual(await events(db), []);
    });

    it('reported: the report naming the command announces its move with its toggleID, once', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      await answer(deps, move, { answered: true, result: 'ok', state: 'OPEN' });
      await applyDoorReport(deps, deviceA, report({ state: 'OPEN', commandId: move.toggleId }));
      assert.equal((await moveRow(db, move.toggleId)).move, 'reported');
      // The same command id on a later change is not that move again.
      await applyDoorReport(deps, deviceA, report({ state: 'CLOSED', commandId: move.toggleId }));
      const announced = await events(db);
      assert.deepEqual(announced.map((event) => [event.type, event.toggleID, event.channel]), [['door1_open', move.toggleId, 'ParqEx Web'], ['door1_close', '', 'Door Sensor']]);
      assert.equal(announced[0].occurredAt, domainSeconds(domainStart + 2000));
      assert.deepEqual((await history(db)).map((row) => row.slice(0, 3)), [['ParqEx Web', 1, 'OPEN'], ['Door Sensor', 1, 'CLOSED']]);
    });

    it('a report that overtakes the ack settles the move; the ack then only records the success', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      await applyDoorReport(deps, deviceA, report({ state: 'OPEN', commandId: move.toggleId }));
      await answer(deps, move, { answered: true, result: 'ok', state: 'OPEN' });
      assert.deepEqual({ ...(await moveRow(db, move.toggleId)), travel_deadline: null }, { status: 'succeeded', move: 'reported', reason: null, travel_deadline: null });
      assert.equal((await history(db)).length, 1);
      assert.equal((await events(db)).length, 1);
    });

    it('a report that overtakes the ack frees the door at once: the move succeeded, and the next command may be sent before the ack comes', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      await applyDoorReport(deps, deviceA, report({ state: 'OPEN', commandId: move.toggleId }));
      assert.deepEqual([(await moveRow(db, move.toggleId)).status, (await moveRow(db, move.toggleId)).move], ['succeeded', 'reported']);
      // The claim every opening makes (toggle, keypad, plate), refused while the door is busy: it must succeed now.
      const next = await requested(db, 'CLOSED');
      // The ack of the first move, after the door was claimed again: recorded once, and the next move untouched.
      assert.equal(await answer(deps, move, { answered: true, result: 'ok', state: 'OPEN' }), undefined);
      assert.deepEqual([(await moveRow(db, move.toggleId)).status, (await moveRow(db, move.toggleId)).move], ['succeeded', 'reported']);
      assert.deepEqual([(await moveRow(db, next.toggleId)).status, (await moveRow(db, next.toggleId)).move], ['pending', 'requested']);
      assert.deepEqual((await history(db)).map((row) => row.slice(0, 3)), [['ParqEx Web', 1, 'OPEN']]);
      assert.deepEqual((await events(db)).map((event) => [event.type, event.toggleID]), [['door1_open', move.toggleId]]);
    });

    for (const [variant, late] of [['a refusal', { answered: true, result: 'jammed', state: 'CLOSED' }], ['no answer', { answered: false }], ['the ack twice', { answered: true, result: 'ok', state: 'OPEN' }]] as const) {
      it(`a move its report settled stays a success when the answer comes after it, once [${variant}]`, async (t) => {
        const { db, deps } = await setup(t, engine);
        const move = await requested(db);
        await applyDoorReport(deps, deviceA, report({ state: 'OPEN', commandId: move.toggleId }));
        assert.equal(await answer(deps, move, late), undefined);
        assert.equal(await answer(deps, move, late), undefined);
        assert.deepEqual({ ...(await moveRow(db, move.toggleId)), travel_deadline: null }, { status: 'succeeded', move: 'reported', reason: null, travel_deadline: null });
        assert.deepEqual((await history(db)).map((row) => row.slice(0, 3)), [['ParqEx Web', 1, 'OPEN']]);
        assert.deepEqual((await events(db)).map((event) => event.type), ['door1_open']);
      });
    }

    it('the sweep of commands whose process died never fails a move its report settled', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      await applyDoorReport(deps, deviceA, report({ state: 'OPEN', commandId: move.toggleId }));
      // Long past the command's deadline, with no answer ever recorded.
      await expireStaleCommands(db, Date.now() + 60_000, garage.id);
      assert.deepEqual([(await moveRow(db, move.toggleId)).status, (await moveRow(db, move.toggleId)).move], ['succeeded', 'reported']);
    });

    it('a change a 1.1 controller reports without a command id is manual, even with a move in flight to that state', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      await answer(deps, move, { answered: true, result: 'ok', state: 'OPEN' });
      await applyDoorReport(deps, deviceA, report({ state: 'OPEN' }));
      assert.equal((await moveRow(db, move.toggleId)).move, 'acknowledged');
      assert.deepEqual((await events(db)).map((event) => [event.toggleID, event.channel]), [['', 'Door Sensor']]);
    });

    it('a 1.0 controller\'s change to the state of the move in flight settles that move', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      await answer(deps, move, { answered: true, result: 'ok', state: 'OPEN' });
      await applyDoorReport(deps, deviceA, report({ state: 'OPEN' }, '1.0'));
      assert.equal((await moveRow(db, move.toggleId)).move, 'reported');
      assert.deepEqual((await events(db)).map((event) => event.toggleID), [move.toggleId]);
    });

    it('failed at the answer: a refused history row and toggle_failed, at the clock\'s time', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      assert.equal(await answer(deps, move, { answered: true, result: 'jammed', state: 'CLOSED' }), 'device_failed');
      assert.deepEqual({ ...(await moveRow(db, move.toggleId)) }, { status: 'failed', move: 'failed', reason: 'device_failed', travel_deadline: null });
      assert.deepEqual(await history(db), [['ParqEx Web', 0, 'OPEN', domainSeconds(domainStart)]]);
      assert.deepEqual((await events(db)).map((event) => [event.type, event.toggleID, event.reason, event.occurredAt]), [['toggle_failed', move.toggleId, 'controller answered jammed', domainSeconds(domainStart)]]);
    });

    it('expired: no answer in time', async (t) => {
      const { db, deps } = await setup(t, engine);
      const move = await requested(db);
      assert.equal(await answer(deps, move, { answered: false }), 'device_timeout');
      assert.deepEqual([(await moveRow(db, move.toggleId)).move, (await events(db))[0].reason], ['expired', 'no answer in time']);
    });

    it('overdue: an acknowledged move never reported by its deadline is failed and announced once; its late report is manual', async (t) => {
      const { db, clock } = await setup(t, engine);
      const deps: MoveDeps = { db, clock, travelDeadlineMs: 1 };
      const move = await requested(db);
      await answer(deps, move, { answered: true, result: 'ok', state: 'OPEN' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      clock.advance(30_000);
      assert.equal(await failOverdueMoves(deps), 1);
      assert.equal(await failOverdueMoves(deps), 0);
      assert.deepEqual({ ...(await moveRow(db, move.toggleId)), travel_deadline: null }, { status: 'failed', move: 'failed', reason: 'device_timeout', travel_deadline: null });
      await applyDoorReport(deps, deviceA, report({ state: 'OPEN', commandId: move.toggleId }));
      assert.deepEqual((await events(db)).map((event) => [event.type, event.toggleID, event.occurredAt]), [
        ['toggle_failed', move.toggleId, domainSeconds(domainStart + 30_000)],
        ['door1_open', '', domainSeconds(domainStart + 2000)],
      ]);
    });
  });
}
