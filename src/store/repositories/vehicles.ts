import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export function vehiclesOfPerson(db: Kysely<Database>, personId: string) {
  return db.selectFrom('vehicles').select(['id', 'plate', 'region', 'make', 'model', 'color']).where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export async function insertVehicleIfAbsent(db: Kysely<Database>, vehicle: Database['vehicles']): Promise<void> {
  await db.insertInto('vehicles').values(vehicle).onConflict((oc) => oc.column('id').doNothing()).execute();
}
