// Login throttling per account and per address. Every attempt is counted, in
// one statement per key, before its password is checked, so attempts sent in
// parallel cannot all pass a check made before any of them was recorded. Past
// the limit the key is locked for the window's length, and a locked attempt is
// refused without checking its password. A success clears the account's count
// and takes back only its own attempt from the address's, so the address
// keeps counting failures.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { clearLoginFailures, countAttempt, uncountAttempt } from '../store/repositories/login-failures.ts';

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

/** Counts the attempt; returns the seconds the caller must wait (the password is then not checked), or 0. */
export async function countLoginAttempt(db: Kysely<Database>, keys: LoginKeys, policy: ThrottlePolicy, now: number): Promise<number> {
  const counts = await Promise.all([
    countAttempt(db, { key: keys.account, limit: policy.maxFailuresPerAccount, windowSeconds: policy.lockoutSeconds, now }),
    countAttempt(db, { key: keys.address, limit: policy.maxFailuresPerAddress, windowSeconds: policy.lockoutSeconds, now }),
  ]);
  const limits = [policy.maxFailuresPerAccount, policy.maxFailuresPerAddress];
  const waits = counts.map((count, i) => (count.attempts > limits[i]! ? Math.max(1, (count.lockedUntil ?? now) - now) : 0));
  return Math.max(...waits);
}

export async function recordSuccess(db: Kysely<Database>, keys: LoginKeys, policy: ThrottlePolicy): Promise<void> {
  await clearLoginFailures(db, keys.account);
  await uncountAttempt(db, keys.address, policy.maxFailuresPerAddress);
}
