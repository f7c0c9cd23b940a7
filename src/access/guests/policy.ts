// An account's guest policy (phase2.md D.1), set by its Admin through PATCH
// accounts/{id}: whether Users may issue, and the limits every pass meets.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.ts';
import { DomainError } from '../errors.ts';

export interface GuestPolicy {
  guest_users_may_issue: boolean;
  guest_max_active_per_issuer: number;
  guest_max_days: number;
  guest_max_recurring_days: number;
  guest_pin_length: number;
}

export const policyBounds = {
  guest_max_active_per_issuer: [1, 1000],
  guest_max_days: [1, 366],
  guest_max_recurring_days: [1, 366],
  guest_pin_length: [4, 8],
} as const;

/** Each given field checked (400 naming it); the columns to write. */
export function readPolicyChanges(changes: Partial<GuestPolicy>): Partial<Record<keyof GuestPolicy, number>> {
  const columns: Partial<Record<keyof GuestPolicy, number>> = {};
  if (changes.guest_users_may_issue !== undefined) columns.guest_users_may_issue = changes.guest_users_may_issue ? 1 : 0;
  for (const [field, [min, max]] of Object.entries(policyBounds) as [keyof typeof policyBounds, readonly [number, number]][]) {
    const value = changes[field];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < min || value > max) throw new DomainError('invalid', `Invalid ${field}: a whole number from ${min} to ${max}.`);
    columns[field] = value;
  }
  return columns;
}

export async function setGuestPolicy(db: Kysely<Database>, accountId: string, columns: Partial<Record<keyof GuestPolicy, number>>): Promise<void> {
  if (Object.keys(columns).length === 0) return;
  await db.updateTable('accounts').set(columns).where('id', '=', accountId).execute();
}

export function presentPolicy(row: Record<keyof GuestPolicy, number>): GuestPolicy {
  return {
    guest_users_may_issue: row.guest_users_may_issue === 1, guest_max_active_per_issuer: row.guest_max_active_per_issuer,
    guest_max_days: row.guest_max_days, guest_max_recurring_days: row.guest_max_recurring_days, guest_pin_length: row.guest_pin_length,
  };
}
