import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export function findLoginFailures(db: Kysely<Database>, keys: string[]) {
  return db.selectFrom('login_failures').selectAll().where('key', 'in', keys).execute();
}

export async function saveLoginFailure(db: Kysely<Database>, row: { key: string; failures: number; window_started_at: number; locked_until: number | null }): Promise<void> {
  await db.insertInto('login_failures').values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ failures: row.failures, window_started_at: row.window_started_at, locked_until: row.locked_until }))
    .execute();
}

export async function clearLoginFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}
