// Door moves: the command sent to a controller and how far the door got (one row each).
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database, DoorState, MoveState } from '../database.ts';
import { PENDING_COMMAND } from '../partial-index-values.ts';
import { preparedWrite } from '../prepared.ts';
import { writeUnlessTaken } from '../unique-violation.ts';

export type NewCommand = Omit<Database['door_commands'], 'status' | 'reason' | 'finished_at' | 'move' | 'travel_deadline'>;

// Every toggle inserts a command and records its answer: those statements are compiled once.
const insertCommand = preparedWrite((db: Kysely<Database>, id: string, doorId: string, deviceId: string, entityNumber: number, personId: string | null, clientId: string | null,
  channel: string, requestedState: DoorState, idempotencyKey: string | null, createdAt: number, expiresAt: number) => db.insertInto('door_commands').values({
  id, door_id: doorId, device_id: deviceId, entity_number: entityNumber, person_id: personId, client_id: clientId, channel, requested_state: requestedState,
  idempotency_key: idempotencyKey, created_at: createdAt, expires_at: expiresAt, status: 'pending', reason: null, finished_at: null, move: 'requested', travel_deadline: null,
}));

/** False when the door already has an unanswered command (the partial unique index), or the key was used. */
export async function insertPendingCommand(db: Kysely<Database>, row: NewCommand): Promise<boolean> {
  return writeUnlessTaken(() => insertCommand(db, row.id, row.door_id, row.device_id, row.entity_number, row.person_id, row.client_id,
    row.channel, row.requested_state, row.idempotency_key, row.created_at, row.expires_at));
}

/**
 * The controller said it did it: the toggle succeeded. The move is then
 * travelling until `travelDeadline` (null: the ack settles it, a controller
 * that cannot report command ids). A report may have overtaken the ack: the
 * move stays reported, and this records the answer (its `finished_at`) once.
 * A success recorded late (the database was away when the ack came) overrides
 * the sweep that took the silence for an expiry. False when the move was
 * already settled otherwise, or its answer recorded.
 */
export async function acknowledgeMove(db: Kysely<Database>, id: string, at: number, travelDeadline: number | null): Promise<boolean> {
  return (travelDeadline === null ? await acknowledgeSettled(db, id, at) : await acknowledgeTravelling(db, id, at, travelDeadline)) > 0;
}

const answerable = (eb: ExpressionBuilder<Database, 'door_commands'>) =>
  eb.or([eb('status', '=', PENDING_COMMAND), eb('move', '=', 'expired'), eb.and([eb('move', '=', 'reported'), eb('finished_at', 'is', null)])]);
const acknowledgeSettled = preparedWrite((db: Kysely<Database>, id: string, at: number) => db.updateTable('door_commands')
  .set({ status: 'succeeded', reason: null, finished_at: at, move: 'reported', travel_deadline: null })
  .where('id', '=', id).where(answerable));
const acknowledgeTravelling = preparedWrite((db: Kysely<Database>, id: string, at: number, travelDeadline: number) => db.updateTable('door_commands')
  .set((eb) => ({
    status: 'succeeded', reason: null, finished_at: at, travel_deadline: travelDeadline,
    move: eb.case().when('move', '=', 'reported').then('reported').else('acknowledged').end().$castTo<MoveState>(),
  }))
  .where('id', '=', id).where(answerable));

/** The command failed (refused, jammed, no answer, or never reported); false when it was settled already. */
export async function failMove(db: Kysely<Database>, id: string, move: 'failed' | 'expired', reason: string, at: number): Promise<boolean> {
  const result = await db.updateTable('door_commands').set({ status: 'failed', move, reason, finished_at: at })
    .where('id', '=', id).where('move', 'in', ['requested', 'acknowledged']).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The controller reported the door done by this command: the command
 * succeeded, and no longer holds the door, whether or not its ack has come
 * (`finished_at` stays null until it does). False when the move was settled
 * already (or never ours to settle).
 */
export async function reportMove(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.updateTable('door_commands').set({ move: 'reported', status: 'succeeded' })
    .where('id', '=', id).where('move', 'in', ['requested', 'acknowledged']).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function findCommand(db: Kysely<Database>, id: string) {
  return db.selectFrom('door_commands').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCommandByKey(db: Kysely<Database>, key: string, since: number) {
  return db.selectFrom('door_commands').selectAll().where('idempotency_key', '=', key).where('created_at', '>=', since).executeTakeFirst();
}

/**
 * The newest move on a door not yet settled by a report: how a report of a
 * controller that sends no command ids (protocol 1.0) is matched to a command.
 */
export function inFlightMove(db: Kysely<Database>, doorId: string) {
  return db.selectFrom('door_commands').selectAll().where('door_id', '=', doorId).where('move', 'in', ['requested', 'acknowledged'])
    .orderBy('created_at', 'desc').executeTakeFirst();
}

/**
 * Doors with a move under way at `now` (epoch ms): sent and not yet answered,
 * or acknowledged and travelling before its deadline. What "opening" and
 * "closing" mean on the Doors page.
 */
export async function movesUnderWay(db: Kysely<Database>, doorIds: readonly string[], now: number): Promise<Map<string, DoorState>> {
  if (doorIds.length === 0) return new Map();
  const rows = await db.selectFrom('door_commands').select(['door_id', 'requested_state', 'created_at'])
    .where('door_id', 'in', doorIds)
    .where((eb) => eb.or([
      eb.and([eb('move', '=', 'requested'), eb('status', '=', PENDING_COMMAND), eb('expires_at', '>', now)]),
      eb.and([eb('move', '=', 'acknowledged'), eb('travel_deadline', '>', now)]),
    ]))
    .orderBy('created_at').execute();
  return new Map(rows.map((row) => [row.door_id, row.requested_state]));
}

/** Acknowledged moves whose travel deadline passed before `now` with no report. */
export function overdueMoves(db: Kysely<Database>, now: number) {
  return db.selectFrom('door_commands').selectAll().where('move', '=', 'acknowledged').where('travel_deadline', '<', now).orderBy('travel_deadline').execute();
}

/** Commands whose process died before the answer: expired once their deadline has passed (of one door, or all). Returns how many. */
export async function expireStaleCommands(db: Kysely<Database>, now: number, doorId?: string): Promise<number> {
  let update = db.updateTable('door_commands').set({ status: 'failed', move: 'expired', reason: 'device_timeout', finished_at: now })
    .where('status', '=', PENDING_COMMAND).where('expires_at', '<', now - 1000);
  if (doorId) update = update.where('door_id', '=', doorId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function deleteCommandsBefore(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom('door_commands').where('created_at', '<', before).where('status', '!=', PENDING_COMMAND).where('move', '!=', 'acknowledged').execute();
}
