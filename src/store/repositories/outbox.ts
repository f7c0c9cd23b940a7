import type { Insertable, Transaction } from 'kysely';
import type { Database, OutboxEventsTable } from '../database.ts';

/** Takes a transaction handle: an event can only be written with the change that causes it. */
export async function insertOutboxEvent(trx: Transaction<Database>, row: Insertable<OutboxEventsTable>): Promise<void> {
  await trx.insertInto('outbox_events').values(row).execute();
}
