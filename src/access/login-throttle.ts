// Login throttling per account and per address. Failures count within a
// window; past the limit the key is locked for the window's length, and a
// locked key is refused before any password is checked, so guessing stops
// being useful. A success clears the account's count, never the address's.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { clearLoginFailures, findLoginFailures, saveLoginFailure } from '../store/repositories/login-failures.ts';

export interface ThrottlePolicy {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  lockoutSeconds: number;
}

export interface LoginKeys {
  account: string;
  address: string;
}

export function loginKeys(email: string, address: string): LoginKeys {
  return { account: `account:${email.trim().toLowerCase()}`, address: `address:${address}` };
}

/** Seconds the caller must wait, or 0 when a login may be tried now. */
export async function lockedFor(db: Kysely<Database>, keys: LoginKeys, now: number): Promise<number> {
  const rows = await findLoginFailures(db, [keys.account, keys.address]);
  const until = Math.max(0, ...rows.map((row) => row.locked_until ?? 0));
  return until > now ? until - now : 0;
}

export async function recordFailure(db: Kysely<Database>, keys: LoginKeys, policy: ThrottlePolicy, now: number): Promise<void> {
  const rows = await findLoginFailures(db, [keys.account, keys.address]);
  const limits = { [keys.account]: policy.maxFailuresPerAccount, [keys.address]: policy.maxFailuresPerAddress };
  for (const key of [keys.account, keys.address]) {
    const row = rows.find((r) => r.key === key);
    const fresh = !row || now - row.window_started_at >= policy.lockoutSeconds;
    const failures = fresh ? 1 : row.failures + 1;
    await saveLoginFailure(db, {
      key,
      failures,
      window_started_at: fresh ? now : row.window_started_at,
      locked_until: failures >= limits[key]! ? now + policy.lockoutSeconds : null,
    });
  }
}

export async function recordSuccess(db: Kysely<Database>, keys: LoginKeys): Promise<void> {
  await clearLoginFailures(db, keys.account);
}
