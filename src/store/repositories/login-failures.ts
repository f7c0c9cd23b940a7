import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

export function findLoginFailures(db: Kysely<Database>, keys: string[]) {
  return db.selectFrom('login_failures').selectAll().where('key', 'in', keys).execute();
}

export async function saveLoginFailure(db: Kysely<Database>, row: { key: string; failures: number; window_started_at: number; locked_until: number | null }): Promise<void> {
  await db.insertInto('login_failures').values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ failures: row.failures, window_started_at: row.window_started_at, locked_until: row.locked_until }))
    .execute();
}

export interface AttemptCount {
  key: string;
  /** Attempts in the window that lock the key once reached. */
  limit: number;
  windowSeconds: number;
  now: number;
}

/**
 * Counts one attempt in a single statement and returns the count including it,
 * so parallel attempts each see a different number. A window that has run out
 * (and no lock in force) starts again at 1; reaching the limit locks the key
 * for the window's length, and attempts while locked never extend the lock.
 */
export async function countAttempt(db: Kysely<Database>, { key, limit, windowSeconds, now }: AttemptCount): Promise<{ attempts: number; lockedUntil: number | null }> {
  const at = sql<number>`cast(${now} as bigint)`;
  const lockAt = sql<number>`cast(${now + windowSeconds} as bigint)`;
  const reachesLimit = sql<boolean>`login_failures.failures + 1 >= cast(${limit} as integer)`;
  const expired = sql<boolean>`(login_failures.window_started_at <= cast(${now - windowSeconds} as bigint) and coalesce(login_failures.locked_until, 0) <= ${at})`;
  const row = await db.insertInto('login_failures')
    .values({ key, failures: 1, window_started_at: now, locked_until: limit <= 1 ? now + windowSeconds : null })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      failures: sql`case when ${expired} then 1 else login_failures.failures + 1 end`,
      window_started_at: sql`case when ${expired} then ${at} else login_failures.window_started_at end`,
      locked_until: sql`case
        when ${expired} then ${limit <= 1 ? lockAt : sql`null`}
        when login_failures.locked_until > ${at} then login_failures.locked_until
        when ${reachesLimit} then ${lockAt}
        else null end`,
    }))
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { attempts: Number(row.failures), lockedUntil: row.locked_until === null ? null : Number(row.locked_until) };
}

/** Takes back one counted attempt that turned out right; the lock goes when the count falls below the limit. */
export async function uncountAttempt(db: Kysely<Database>, key: string, limit: number): Promise<void> {
  await db.updateTable('login_failures')
    .set({
      failures: sql`case when failures > 0 then failures - 1 else 0 end`,
      locked_until: sql`case when failures - 1 >= cast(${limit} as integer) then locked_until else null end`,
    })
    .where('key', '=', key)
    .execute();
}

export async function clearLoginFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}
