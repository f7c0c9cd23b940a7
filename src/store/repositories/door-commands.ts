import type { Kysely } from 'kysely';
import type { CommandStatus, Database } from '../database.ts';

/** False when the door already has an unanswered command (the partial unique index), or the key was used. */
export async function insertPendingCommand(db: Kysely<Database>, row: Omit<Database['door_commands'], 'status' | 'reason' | 'finished_at'>): Promise<boolean> {
  try {
    await db.insertInto('door_commands').values({ ...row, status: 'pending', reason: null, finished_at: null }).execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function finishCommand(db: Kysely<Database>, id: string, status: Exclude<CommandStatus, 'pending'>, reason: string | null, at: number): Promise<void> {
  await db.updateTable('door_commands').set({ status, reason, finished_at: at }).where('id', '=', id)
    // A success recorded late (the database was away when the ack came) overrides the sweep that took the silence for a timeout.
    .where((eb) => (status === 'succeeded'
      ? eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'failed'), eb('reason', '=', 'device_timeout')])])
      : eb('status', '=', 'pending')))
    .execute();
}

export function findCommand(db: Kysely<Database>, id: string) {
  return db.selectFrom('door_commands').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCommandByKey(db: Kysely<Database>, key: string, since: number) {
  return db.selectFrom('door_commands').selectAll().where('idempotency_key', '=', key).where('created_at', '>=', since).executeTakeFirst();
}

/**
 * The latest command sent to a door since a time, answered or still waiting for
 * its ack (the state report may overtake the ack), to tell a commanded move
 * from one the sensor saw alone.
 */
export function recentCommand(db: Kysely<Database>, doorId: string, since: number) {
  return db.selectFrom('door_commands').select(['id', 'requested_state', 'person_id', 'channel']).where('door_id', '=', doorId)
    .where('status', 'in', ['pending', 'succeeded']).where('created_at', '>=', since).orderBy('created_at', 'desc').executeTakeFirst();
}

/** Commands whose process died before the answer: failed once their deadline has passed (of one door, or all). */
export async function expireStaleCommands(db: Kysely<Database>, now: number, doorId?: string): Promise<void> {
  let update = db.updateTable('door_commands').set({ status: 'failed', reason: 'device_timeout', finished_at: now })
    .where('status', '=', 'pending').where('expires_at', '<', now - 1000);
  if (doorId) update = update.where('door_id', '=', doorId);
  await update.execute();
}

export async function deleteCommandsBefore(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom('door_commands').where('created_at', '<', before).where('status', '!=', 'pending').execute();
}

function isUniqueViolation(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === '23505' || code === 'ERR_SQLITE_ERROR' && /UNIQUE constraint failed/.test(message ?? '') || /UNIQUE constraint failed/.test(message ?? '');
}
