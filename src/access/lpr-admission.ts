// Which of its members' vehicles an account's plate readers admit
// (phase2.md B.2): each member's vehicles in the order they were added,
// the plates the Admin excluded skipped, the first `cap` of the rest admitted.
// The readers' decision (plate-entry.ts) and the Admin's list both ask here.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { exclusionsOf, memberVehicles, vehicleCapOf } from '../store/repositories/lpr.ts';

export type NotAdmittedReason = 'excluded' | 'over_cap';

export interface VehicleAdmission {
  vehicleId: string;
  personId: string;
  plate: string;
  /** null when not known. */
  region: string | null;
  admitted: boolean;
  reason: NotAdmittedReason | null;
}

interface MemberVehicle { id: string; person_id: string; plate: string; region: string }

/** `vehicles` grouped by member, each group in adding order. */
export function admissionOf(vehicles: MemberVehicle[], excluded: ReadonlySet<string>, cap: number | null): VehicleAdmission[] {
  const admittedSoFar = new Map<string, number>();
  return vehicles.map((vehicle) => {
    const base = { vehicleId: vehicle.id, personId: vehicle.person_id, plate: vehicle.plate, region: vehicle.region === '' ? null : vehicle.region };
    if (excluded.has(vehicle.plate)) return { ...base, admitted: false, reason: 'excluded' as const };
    const count = admittedSoFar.get(vehicle.person_id) ?? 0;
    if (cap !== null && count >= cap) return { ...base, admitted: false, reason: 'over_cap' as const };
    admittedSoFar.set(vehicle.person_id, count + 1);
    return { ...base, admitted: true, reason: null };
  });
}

/** The account's vehicles as its readers see them; `personIds` narrows to those members (the cap still counts all of theirs). */
export async function accountVehicleAdmission(db: Kysely<Database>, accountId: string, personIds?: string[]): Promise<VehicleAdmission[]> {
  const [vehicles, exclusions, cap] = await Promise.all([memberVehicles(db, accountId, personIds), exclusionsOf(db, accountId), vehicleCapOf(db, accountId)]);
  return admissionOf(vehicles, new Set(exclusions.map((row) => row.plate_key)), cap);
}
