import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database.ts';

/** Takes a transaction handle: an event can only be written with the change that causes it. */
export async function insertOutboxEvent(trx: Transaction<Database>, row: Database['outbox_events']): Promise<void> {
  await trx.insertInto('outbox_events').values(row).execute();
}

export function eventsToFanOut(db: Kysely<Database>, limit: number) {
  return db.selectFrom('outbox_events').selectAll().where('fanned_out_at', 'is', null).orderBy('occurred_at').orderBy('id').limit(limit).execute();
}

export async function markFannedOut(db: Kysely<Database>, id: string, at: number): Promise<void> {
  await db.updateTable('outbox_events').set({ fanned_out_at: at }).where('id', '=', id).execute();
}
