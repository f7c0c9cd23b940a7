// Login throttling per account and per address. Every attempt holds a place
// under both keys' limits while its password is checked
// (access/secret-attempts.ts), so attempts sent in parallel cannot all pass a
// check made before any of them was recorded. A wrong password counts as a
// failure on both keys; the failure that reaches a key's limit locks it for the
// window's length, and a locked attempt is refused without checking its
// password. A success clears the account's failures and only frees its own
// place at the address, so the address keeps counting failures.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { beginSecretAttempt, endSecretAttempt, type LimitedKey } from './secret-attempts.ts';

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

function limitedKeys(keys: LoginKeys, policy: ThrottlePolicy): { account: LimitedKey; address: LimitedKey } {
  return { account: { key: keys.account, limit: policy.maxFailuresPerAccount }, address: { key: keys.address, limit: policy.maxFailuresPerAddress } };
}

/** Begins the attempt; returns the seconds the caller must wait (the password is then not checked), or 0 and the attempt must be ended. */
export async function countLoginAttempt(db: Kysely<Database>, keys: LoginKeys, policy: ThrottlePolicy, now: number): Promise<number> {
  const { account, address } = limitedKeys(keys, policy);
  return beginSecretAttempt(db, [account, address], policy.lockoutSeconds, () => now);
}

/** Ends the attempt begun with `countLoginAttempt`. */
export async function recordLoginOutcome(db: Kysely<Database>, keys: LoginKeys, policy: ThrottlePolicy, succeeded: boolean, now: number): Promise<void> {
  const { account, address } = limitedKeys(keys, policy);
  await endSecretAttempt(db, [
    { key: account, outcome: succeeded ? 'cleared' : 'failed' },
    { key: address, outcome: succeeded ? 'passed' : 'failed' },
  ], policy.lockoutSeconds, now);
}
