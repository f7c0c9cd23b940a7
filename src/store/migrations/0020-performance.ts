import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Secret attempts still being checked, apart from the failures: only a
  // checked failure may lock a key, so right secrets sent at once never do.
  await db.schema.alterTable('login_failures').addColumn('in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // History pages newest first by (occurred_at, id): with the id in the index a
  // page of one door (or one person) reads its 50 rows in order and stops,
  // instead of reading and sorting the whole date window first.
  await db.schema.createIndex('access_events_door_time_id').on('access_events').columns(['door_id', 'occurred_at', 'id']).execute();
  await db.schema.dropIndex('access_events_door_time').execute();
  await db.schema.createIndex('access_events_person_time_id').on('access_events').columns(['person_id', 'occurred_at', 'id']).execute();
  await db.schema.dropIndex('access_events_person_time').execute();
}
