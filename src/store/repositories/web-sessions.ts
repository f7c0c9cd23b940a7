import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export async function insertWebSession(db: Kysely<Database>, row: { id_hash: string; person_id: string; created_at: number; expires_at: number }): Promise<void> {
  await db.insertInto('web_sessions').values(row).execute();
}

export function findWebSession(db: Kysely<Database>, idHash: string, now: number) {
  return db.selectFrom('web_sessions').select(['person_id', 'created_at']).where('id_hash', '=', idHash).where('expires_at', '>', now).executeTakeFirst();
}

export async function deleteWebSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every web session of a person, except the one asking (when named). */
export async function deleteWebSessionsOfPerson(db: Kysely<Database>, personId: string, exceptIdHash?: string): Promise<void> {
  let query = db.deleteFrom('web_sessions').where('person_id', '=', personId);
  if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
  await query.execute();
}
