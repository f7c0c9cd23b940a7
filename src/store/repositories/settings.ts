import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export function findSettings(db: Kysely<Database>, personId: string) {
  return db.selectFrom('person_settings').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

export async function saveSettings(db: Kysely<Database>, row: Database['person_settings']): Promise<void> {
  const { person_id: _id, ...changes } = row;
  await db.insertInto('person_settings').values(row).onConflict((oc) => oc.column('person_id').doUpdateSet(changes)).execute();
}
