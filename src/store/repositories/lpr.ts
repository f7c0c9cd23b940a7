// What the plate readers of an account work from: its members' vehicles, the
// Admin's exclusions and vehicle cap, and each reader's settings.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Every member's vehicles, each member's in adding order (the order the cap counts in). */
export function memberVehicles(db: Kysely<Database>, accountId: string, personIds?: string[]) {
  let query = db.selectFrom('account_members')
    .innerJoin('vehicles', 'vehicles.person_id', 'account_members.person_id')
    .select(['vehicles.id', 'vehicles.person_id', 'vehicles.plate', 'vehicles.region', 'vehicles.created_at'])
    .where('account_members.account_id', '=', accountId);
  if (personIds) query = query.where('account_members.person_id', 'in', personIds.length > 0 ? personIds : ['']);
  return query.orderBy('vehicles.person_id').orderBy('vehicles.created_at').orderBy('vehicles.id').execute();
}

/** The members holding a vehicle with this plate key. */
export async function holdersOfPlate(db: Kysely<Database>, accountId: string, plateKey: string): Promise<string[]> {
  const rows = await db.selectFrom('account_members')
    .innerJoin('vehicles', 'vehicles.person_id', 'account_members.person_id')
    .select('account_members.person_id').distinct()
    .where('account_members.account_id', '=', accountId).where('vehicles.plate', '=', plateKey)
    .execute();
  return rows.map((row) => row.person_id);
}

export function exclusionsOf(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('lpr_exclusions').selectAll().where('account_id', '=', accountId).orderBy('plate_key').execute();
}

export async function vehicleCapOf(db: Kysely<Database>, accountId: string): Promise<number | null> {
  const row = await db.selectFrom('accounts').select('lpr_vehicle_cap').where('id', '=', accountId).executeTakeFirst();
  return row?.lpr_vehicle_cap ?? null;
}
