import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One person, one vehicle per plate, also when two adds race.
  await db.schema.createIndex('vehicles_person_plate').on('vehicles').columns(['person_id', 'plate']).unique().execute();
}
