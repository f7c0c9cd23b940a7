import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export function findSettings(db: Kysely<Database>, personId: string) {
  return db.selectFrom('person_settings').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

export async function saveSettings(db: Kysely<Database>, row: Database['person_settings']): Promise<void> {
  const { person_id: _id, ...changes } = row;
  await db.insertInto('person_settings').values(row).onConflict((oc) => oc.column('person_id').doUpdateSet(changes)).execute();
}

/** Other people holding this PIN who share an account with the person. */
export async function pinTakenNearby(db: Kysely<Database>, personId: string, pinLookup: string): Promise<boolean> {
  const row = await db.selectFrom('person_settings')
    .innerJoin('account_members as theirs', 'theirs.person_id', 'person_settings.person_id')
    .innerJoin('account_members as mine', 'mine.account_id', 'theirs.account_id')
    .select('person_settings.person_id')
    .where('mine.person_id', '=', personId)
    .where('person_settings.person_id', '!=', personId)
    .where('person_settings.pin_lookup', '=', pinLookup)
    .executeTakeFirst();
  return row !== undefined;
}
