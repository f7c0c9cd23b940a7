import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export async function upsertDoorAccess(db: Kysely<Database>, row: Database['door_access']): Promise<void> {
  await db.insertInto('door_access').values(row).onConflict((oc) => oc.columns(['door_id', 'person_id']).doUpdateSet({
    granted_by: row.granted_by, starts_at: row.starts_at, ends_at: row.ends_at, weekly_hours: row.weekly_hours,
  })).execute();
}

export async function deleteDoorAccess(db: Kysely<Database>, personId: string, doorIds: string[]): Promise<number> {
  if (doorIds.length === 0) return 0;
  const result = await db.deleteFrom('door_access').where('person_id', '=', personId).where('door_id', 'in', doorIds).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Only the access this granter gave: a sharing User removes their own guests, nobody else's. */
export async function deleteDoorAccessGrantedBy(db: Kysely<Database>, personId: string, doorIds: string[], grantedBy: string): Promise<number> {
  if (doorIds.length === 0) return 0;
  const result = await db.deleteFrom('door_access').where('person_id', '=', personId).where('door_id', 'in', doorIds)
    .where('granted_by', '=', grantedBy).executeTakeFirst();
  return Number(result.numDeletedRows);
}
