// The account's vehicle cap (phase2.md B.2): how many of each member's
// vehicles its plate readers admit, in adding order; null admits them all.
// The caller has checked the Admin (requireAdmin, accounts.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { setVehicleCapOf } from '../store/repositories/lpr.ts';
import { DomainError } from './errors.ts';
import { maxVehicles } from './vehicles.ts';

export function readVehicleCap(cap: unknown): number | null {
  if (cap === null) return null;
  if (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 1 || cap > maxVehicles) {
    throw new DomainError('invalid', `Invalid lpr_vehicle_cap: a whole number from 1 to ${maxVehicles}, or null for no cap.`);
  }
  return cap;
}

export async function setVehicleCap(db: Kysely<Database>, accountId: string, cap: number | null): Promise<void> {
  await setVehicleCapOf(db, accountId, readVehicleCap(cap));
}
