import type { Transaction } from 'kysely';
import type { Database } from '../database.ts';

/** Takes a transaction handle: an event can only be written with the change that causes it. */
export async function insertOutboxEvent(trx: Transaction<Database>, row: Database['outbox_events']): Promise<void> {
  await trx.insertInto('outbox_events').values(row).execute();
}
