// The Enforcer's allowances, watchlist and plate look-ups (phase2.md C.1).
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export interface AllowanceFilter {
  accountId: string;
  plateKey?: string;
  /** Only those valid at this instant (seconds). */
  activeAt?: number;
  before?: { createdAt: number; id: string };
}

export function allowancesOf(db: Kysely<Database>, filter: AllowanceFilter, limit: number) {
  let query = db.selectFrom('allowances').selectAll().where('account_id', '=', filter.accountId);
  if (filter.plateKey !== undefined) query = query.where('plate_key', '=', filter.plateKey);
  if (filter.activeAt !== undefined) {
    const at = filter.activeAt;
    query = query.where('starts_at', '<=', at).where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', at)]));
  }
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export function findAllowance(db: Kysely<Database>, accountId: string, id: string) {
  return db.selectFrom('allowances').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** Allowances of the plate not ended by `now` (current or future), for the overlap check. */
export function unendedAllowancesOfPlate(db: Kysely<Database>, accountId: string, plateKey: string, now: number) {
  return db.selectFrom('allowances').selectAll().where('account_id', '=', accountId).where('plate_key', '=', plateKey)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)])).execute();
}

export async function countUnendedAllowances(db: Kysely<Database>, accountId: string, now: number): Promise<number> {
  const row = await db.selectFrom('allowances').select((eb) => eb.fn.countAll<number>().as('count')).where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)])).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Allowances of a plate that ended within (since, until]: "recently expired". */
export function allowancesEndedBetween(db: Kysely<Database>, accountId: string, plateKey: string, since: number, until: number) {
  return db.selectFrom('allowances').selectAll().where('account_id', '=', accountId).where('plate_key', '=', plateKey)
    .where('ends_at', '>', since).where('ends_at', '<=', until).execute();
}

export async function insertAllowance(db: Kysely<Database>, row: Database['allowances']): Promise<void> {
  await db.insertInto('allowances').values(row).execute();
}

export async function updateAllowance(db: Kysely<Database>, accountId: string, id: string, changes: Partial<Omit<Database['allowances'], 'id' | 'account_id'>>): Promise<void> {
  await db.updateTable('allowances').set(changes).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export function watchlistOf(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('watchlist').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export function findWatchlisted(db: Kysely<Database>, accountId: string, plateKey: string) {
  return db.selectFrom('watchlist').selectAll().where('account_id', '=', accountId).where('plate_key', '=', plateKey).executeTakeFirst();
}

/** False when the plate is listed already. */
export async function insertWatchlisted(db: Kysely<Database>, row: Database['watchlist']): Promise<boolean> {
  const result = await db.insertInto('watchlist').values(row).onConflict((oc) => oc.columns(['account_id', 'plate_key']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function deleteWatchlisted(db: Kysely<Database>, accountId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('watchlist').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The plate's latest read at the account. */
export function lastReadOfPlate(db: Kysely<Database>, accountId: string, plateKey: string) {
  return db.selectFrom('plate_reads').leftJoin('doors', 'doors.id', 'plate_reads.door_id')
    .select(['plate_reads.id', 'plate_reads.door_id', 'doors.name as door_name', 'plate_reads.decision', 'plate_reads.direction', 'plate_reads.occurred_at'])
    .where('plate_reads.account_id', '=', accountId).where('plate_reads.plate_key', '=', plateKey)
    .orderBy('plate_reads.occurred_at', 'desc').orderBy('plate_reads.id', 'desc').limit(1).executeTakeFirst();
}

/** How many times the person looked plates up for this purpose since an instant (seconds). */
export async function countLookupsSince(db: Kysely<Database>, personId: string, purpose: string, since: number): Promise<number> {
  const row = await db.selectFrom('plate_lookups').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('person_id', '=', personId).where('purpose', '=', purpose).where('at', '>', since).executeTakeFirstOrThrow();
  return Number(row.count);
}
