// What deciding a plate read works on: the reader's row (locked while a read
// is decided), the reads already recorded, and who hears of them.
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.ts';
import { ADMIN_ROLE } from '../partial-index-values.ts';

/**
 * The reader's settings row, created with `defaults` when it has none, and
 * held until the transaction ends: PostgreSQL locks it (`FOR UPDATE`); SQLite
 * already holds its one write lock from `BEGIN IMMEDIATE` (phase2.md A.4).
 */
export async function lockReader(trx: Transaction<Database>, defaults: Database['lpr_readers']) {
  await insertReaderIfAbsent(trx, defaults);
  let query = trx.selectFrom('lpr_readers').selectAll().where('device_id', '=', defaults.device_id).where('entity_number', '=', defaults.entity_number);
  if (trx.getExecutor().adapter instanceof PostgresAdapter) query = query.forUpdate();
  return query.executeTakeFirstOrThrow();
}

export async function insertReaderIfAbsent(db: Kysely<Database>, row: Database['lpr_readers']): Promise<void> {
  await db.insertInto('lpr_readers').values(row).onConflict((oc) => oc.columns(['device_id', 'entity_number']).doNothing()).execute();
}

export async function knownReadId(db: Kysely<Database>, deviceId: string, readId: string): Promise<boolean> {
  return (await db.selectFrom('plate_reads').select('id').where('device_id', '=', deviceId).where('read_id', '=', readId).executeTakeFirst()) !== undefined;
}

/** The latest granted read of this plate key at this reader since `since` (seconds). */
export function grantedAtReaderSince(db: Kysely<Database>, reader: { deviceId: string; entityNumber: number }, plateKey: string, since: number) {
  return db.selectFrom('plate_reads').select(['id', 'person_id'])
    .where('device_id', '=', reader.deviceId).where('entity_number', '=', reader.entityNumber)
    .where('plate_key', '=', plateKey).where('decision', '=', 'granted').where('received_at', '>=', since)
    .orderBy('received_at', 'desc').limit(1).executeTakeFirst();
}

/** The latest granted read of this plate key at any of the account's readers since `since` (seconds). */
export function latestGrantedOfPlate(db: Kysely<Database>, accountId: string, plateKey: string, since: number) {
  return db.selectFrom('plate_reads').select(['id', 'direction', 'person_id'])
    .where('account_id', '=', accountId).where('plate_key', '=', plateKey).where('decision', '=', 'granted').where('received_at', '>=', since)
    .orderBy('received_at', 'desc').orderBy('occurred_at', 'desc').limit(1).executeTakeFirst();
}

/** False when the controller already sent a read with this read id (a redelivery racing in). */
export async function insertPlateRead(trx: Transaction<Database>, row: Database['plate_reads']): Promise<boolean> {
  const result = await trx.insertInto('plate_reads').values(row)
    .onConflict((oc) => oc.columns(['device_id', 'read_id']).doNothing()).executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function setReadToggle(trx: Transaction<Database>, id: string, toggleId: string): Promise<void> {
  await trx.updateTable('plate_reads').set({ toggle_id: toggleId }).where('id', '=', id).execute();
}

/** The account's Admins and enforcement members: who hears of its plate reads. */
export async function readWatchers(db: Kysely<Database>, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('account_members').select('person_id').where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('role', '=', ADMIN_ROLE), eb('can_enforce', '=', 1)])).orderBy('person_id').execute();
  return rows.map((row) => row.person_id);
}

/** Retention (phase2.md B.6): reads of no vehicle before one instant, the others before another (seconds). */
export async function deleteReadsBefore(db: Kysely<Database>, cutoffs: { unmatched: number; matched: number }): Promise<number> {
  const matched = ['granted', 'repeat'] as const;
  const unmatched = await db.deleteFrom('plate_reads').where('decision', 'not in', matched).where('received_at', '<', cutoffs.unmatched).executeTakeFirst();
  const others = await db.deleteFrom('plate_reads').where('decision', 'in', matched).where('received_at', '<', cutoffs.matched).executeTakeFirst();
  return Number(unmatched.numDeletedRows + others.numDeletedRows);
}
