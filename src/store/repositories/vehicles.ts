// A person's vehicles (licence-plate recognition matches their plates). The
// owner is in every query: nobody reads or deletes another person's vehicle.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { writeUnlessTaken } from '../unique-violation.ts';

const columns = ['id', 'plate', 'region', 'make', 'model', 'color'] as const;

export function vehiclesOfPerson(db: Kysely<Database>, personId: string) {
  return db.selectFrom('vehicles').select(columns).where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export function findVehicleOfPerson(db: Kysely<Database>, personId: string, vehicleId: string) {
  return db.selectFrom('vehicles').select(columns).where('person_id', '=', personId).where('id', '=', vehicleId).executeTakeFirst();
}

/** False when the person already has a vehicle with this plate. */
export async function insertVehicle(db: Kysely<Database>, vehicle: Database['vehicles']): Promise<boolean> {
  const result = await db.insertInto('vehicles').values(vehicle).onConflict((oc) => oc.columns(['person_id', 'plate']).doNothing()).executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function insertVehicleIfAbsent(db: Kysely<Database>, vehicle: Database['vehicles']): Promise<void> {
  await db.insertInto('vehicles').values(vehicle).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** False when the person has no such vehicle (someone else's, or gone already). */
export async function deleteVehicleOfPerson(db: Kysely<Database>, personId: string, vehicleId: string): Promise<boolean> {
  const result = await db.deleteFrom('vehicles').where('person_id', '=', personId).where('id', '=', vehicleId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Holds the person's row until the transaction ends, so two adds at once count
 * one after the other (PostgreSQL; SQLite transactions already take turns). An
 * update that changes nothing still takes the row's lock, on either engine.
 */
export async function lockVehiclesOfPerson(db: Kysely<Database>, personId: string): Promise<void> {
  await db.updateTable('people').set((eb) => ({ id: eb.ref('id') })).where('id', '=', personId).execute();
}

export async function countVehiclesOfPerson(db: Kysely<Database>, personId: string): Promise<number> {
  const row = await db.selectFrom('vehicles').select((eb) => eb.fn.countAll<number>().as('count')).where('person_id', '=', personId).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** False when the person already has a vehicle with the new plate (another change may have given it at the same instant). */
export async function updateVehicleOfPerson(db: Kysely<Database>, personId: string, vehicleId: string, changes: Partial<Pick<Database['vehicles'], 'plate' | 'region' | 'make' | 'model' | 'color'>>): Promise<boolean> {
  if (Object.keys(changes).length === 0) return true;
  return writeUnlessTaken(() => db.updateTable('vehicles').set(changes).where('person_id', '=', personId).where('id', '=', vehicleId).execute());
}
