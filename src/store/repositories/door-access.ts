import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { prepared } from '../prepared.ts';

export async function upsertDoorAccess(db: Kysely<Database>, row: Database['door_access']): Promise<void> {
  await db.insertInto('door_access').values(row).onConflict((oc) => oc.columns(['door_id', 'person_id']).doUpdateSet({
    granted_by: row.granted_by, starts_at: row.starts_at, ends_at: row.ends_at, weekly_hours: row.weekly_hours,
  })).execute();
}

/** The person's window on one door, if they were given access to it. */
export function findDoorAccess(db: Kysely<Database>, doorId: string, personId: string) {
  return db.selectFrom('door_access').select(['starts_at', 'ends_at', 'weekly_hours'])
    .where('door_id', '=', doorId).where('person_id', '=', personId).executeTakeFirst();
}

/** Returns the doors whose access row was really deleted (one event each). */
export async function deleteDoorAccess(db: Kysely<Database>, personId: string, doorIds: string[]): Promise<string[]> {
  if (doorIds.length === 0) return [];
  const rows = await db.deleteFrom('door_access').where('person_id', '=', personId).where('door_id', 'in', doorIds).returning('door_id').execute();
  return rows.map((row) => row.door_id);
}

/** Only the access this granter gave: a sharing User removes their own guests, nobody else's. */
export async function deleteDoorAccessGrantedBy(db: Kysely<Database>, personId: string, doorIds: string[], grantedBy: string): Promise<string[]> {
  if (doorIds.length === 0) return [];
  const rows = await db.deleteFrom('door_access').where('person_id', '=', personId).where('door_id', 'in', doorIds)
    .where('granted_by', '=', grantedBy).returning('door_id').execute();
  return rows.map((row) => row.door_id);
}

const accessWindows = (db: Kysely<Database>, personId: string) => db.selectFrom('door_access')
  .innerJoin('doors', 'doors.id', 'door_access.door_id')
  .innerJoin('devices', 'devices.id', 'doors.device_id')
  .innerJoin('accounts', 'accounts.id', 'devices.account_id')
  .select(['door_access.door_id', 'door_access.person_id', 'door_access.starts_at', 'door_access.ends_at', 'door_access.weekly_hours', 'accounts.time_zone'])
  .where('door_access.person_id', '=', personId);
// Every toggle asks about its one door: compiled once.
const oneDoorAccessWindow = prepared((db: Kysely<Database>, personId: string, doorId: string) => accessWindows(db, personId).where('door_access.door_id', '=', doorId));

/** A person's access rows with the zone of each door's account; every door, or those listed. */
export function doorAccessWindows(db: Kysely<Database>, personId: string, doorIds?: readonly string[]) {
  if (doorIds?.length === 1) return oneDoorAccessWindow(db, personId, doorIds[0]!);
  let query = accessWindows(db, personId);
  if (doorIds) {
    if (doorIds.length === 0) return Promise.resolve([]);
    query = query.where('door_access.door_id', 'in', [...doorIds]);
  }
  return query.execute();
}

/** Who was given access to these doors, with their names and windows. */
export function accessToDoors(db: Kysely<Database>, doorIds: readonly string[]) {
  if (doorIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('door_access').innerJoin('people', 'people.id', 'door_access.person_id')
    .select(['door_access.door_id', 'door_access.person_id', 'door_access.starts_at', 'door_access.ends_at', 'door_access.weekly_hours',
      'people.first_name', 'people.last_name', 'people.email'])
    .where('door_access.door_id', 'in', [...doorIds]).orderBy('people.first_name').orderBy('people.last_name').execute();
}

/** Changes the window of an existing access row; false when there is none. */
export async function updateDoorAccessWindow(db: Kysely<Database>, doorId: string, personId: string, window: Pick<Database['door_access'], 'starts_at' | 'ends_at' | 'weekly_hours'>): Promise<boolean> {
  const result = await db.updateTable('door_access').set(window).where('door_id', '=', doorId).where('person_id', '=', personId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
