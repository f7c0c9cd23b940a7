import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // An Admin's name for a controller ("Garage controller"); null until named,
  // when the pages fall back to its serial number.
  await db.schema.alterTable('devices').addColumn('name', 'text').execute();
}
