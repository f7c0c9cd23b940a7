// The Admin's list of what the account's readers admit (phase2.md B.2): each
// member vehicle with its holder and whether it is admitted, newest first.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { memberVehicles, membersOfAccountPeople } from '../store/repositories/lpr.ts';
import { requireAdmin } from './accounts.ts';
import { cursorAfter, cursorOf, pageOf, rowLimit, type ListPage } from './lists.ts';
import { accountVehicleAdmission, type NotAdmittedReason } from './lpr-admission.ts';

export interface AccountVehicle {
  vehicleId: string;
  person: { id: string; firstName: string; lastName: string; email: string };
  plate: string;
  region: string | null;
  admitted: boolean;
  reason: NotAdmittedReason | null;
}

const vehicleIdPattern = /^[0-9a-f-]{36}$/;

/** A page of the account's vehicles (or, with `all`, every one, at most 10,000), newest first. */
export async function listAccountVehicles(db: Kysely<Database>, adminId: string, accountId: string, page: ListPage): Promise<{ items: AccountVehicle[]; nextCursor: string | null }> {
  await requireAdmin(db, adminId, accountId);
  const limit = rowLimit(page);
  const before = cursorOf(page, vehicleIdPattern);
  const [admission, vehicles, people] = await Promise.all([accountVehicleAdmission(db, accountId), memberVehicles(db, accountId), membersOfAccountPeople(db, accountId)]);
  const addedAt = new Map(vehicles.map((vehicle) => [vehicle.id, vehicle.created_at]));
  const personById = new Map(people.map((person) => [person.id, person]));
  const newestFirst = admission
    .map((vehicle) => ({ vehicle, at: addedAt.get(vehicle.vehicleId)! }))
    .sort((a, b) => b.at - a.at || (a.vehicle.vehicleId < b.vehicle.vehicleId ? 1 : -1))
    .filter(({ vehicle, at }) => !before || at < before.at || (at === before.at && vehicle.vehicleId < before.id));
  const shown = pageOf(newestFirst, limit, page.all, (last) => cursorAfter(last.at, last.vehicle.vehicleId));
  return {
    items: shown.items.map(({ vehicle }) => {
      const person = personById.get(vehicle.personId)!;
      return {
        vehicleId: vehicle.vehicleId, person: { id: person.id, firstName: person.first_name, lastName: person.last_name, email: person.email },
        plate: vehicle.plate, region: vehicle.region, admitted: vehicle.admitted, reason: vehicle.reason,
      };
    }),
    nextCursor: shown.nextCursor,
  };
}
