import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { prepared, preparedWrite } from '../prepared.ts';

export function findLoginFailures(db: Kysely<Database>, keys: string[]) {
  return db.selectFrom('login_failures').selectAll().where('key', 'in', keys).execute();
}

export async function saveLoginFailure(db: Kysely<Database>, row: { key: string; failures: number; window_started_at: number; locked_until: number | null }): Promise<void> {
  await db.insertInto('login_failures').values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ failures: row.failures, window_started_at: row.window_started_at, locked_until: row.locked_until }))
    .execute();
}

export interface LimitedKey {
  key: string;
  /** Failures in the window that lock the key once reached. */
  limit: number;
}

export interface AttemptWindow {
  windowSeconds: number;
  now: number;
}

/**
 * Holds one attempt on the key, in a single statement, when the key is not
 * locked and its failures plus the attempts already in flight leave room under
 * the limit; false when not held (locked, or every place taken by attempts in
 * flight). A window that has run out (and no lock in force) starts again, with
 * this attempt alone in flight: one left in flight by a process that stopped
 * holds a place until then.
 */
export async function holdAttempt(db: Kysely<Database>, { key, limit }: LimitedKey, { windowSeconds, now }: AttemptWindow): Promise<boolean> {
  return (await hold(db, key, limit, now, now - windowSeconds)).length > 0;
}

// Every sign-in and client authentication holds and ends an attempt: compiled once.
const hold = prepared((db: Kysely<Database>, key: string, limit: number, now: number, windowStartedBy: number) => {
  const at = sql<number>`cast(${now} as bigint)`;
  const expired = sql<boolean>`(login_failures.window_started_at <= cast(${windowStartedBy} as bigint) and coalesce(login_failures.locked_until, 0) <= ${at})`;
  return db.insertInto('login_failures')
    .values({ key, failures: 0, in_flight: 1, window_started_at: now, locked_until: null })
    .onConflict((oc) => oc.column('key')
      .doUpdateSet({
        failures: sql`case when ${expired} then 0 else login_failures.failures end`,
        in_flight: sql`case when ${expired} then 1 else login_failures.in_flight + 1 end`,
        window_started_at: sql`case when ${expired} then ${at} else login_failures.window_started_at end`,
        locked_until: sql`case when ${expired} then null else login_failures.locked_until end`,
      })
      .where(sql<boolean>`${expired} or (coalesce(login_failures.locked_until, 0) <= ${at} and login_failures.failures + login_failures.in_flight < cast(${limit} as integer))`))
    .returning('key');
});
const inFlightLess = sql<number>`case when in_flight > 0 then in_flight - 1 else 0 end`;
const freePlace = preparedWrite((db: Kysely<Database>, key: string) => db.updateTable('login_failures').where('key', '=', key).set({ in_flight: inFlightLess }));

/**
 * Ends a held attempt. `failed` counts a failure, and the failure that brings
 * the count to the limit locks the key for the window's length (a lock in force
 * is never extended); `passed` only frees its place; `cleared` also forgets the
 * key's failures and lock.
 */
export async function endAttempt(db: Kysely<Database>, { key, limit }: LimitedKey, outcome: 'failed' | 'passed' | 'cleared', { windowSeconds, now }: AttemptWindow): Promise<void> {
  if (outcome === 'passed') {
    await freePlace(db, key);
    return;
  }
  const at = sql<number>`cast(${now} as bigint)`;
  const update = db.updateTable('login_failures').where('key', '=', key);
  if (outcome === 'cleared') {
    await update.set({ in_flight: inFlightLess, failures: 0, locked_until: null }).execute();
  } else {
    await update.set({
      in_flight: inFlightLess,
      failures: sql`failures + 1`,
      locked_until: sql`case
        when locked_until > ${at} then locked_until
        when failures + 1 >= cast(${limit} as integer) then cast(${now + windowSeconds} as bigint)
        else null end`,
    }).execute();
  }
}
