import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { listMemberships } from '../store/repositories/accounts.ts';
import { findPersonById } from '../store/repositories/people.ts';
import { vehiclesOfPerson } from '../store/repositories/vehicles.ts';
import { DomainError } from './errors.ts';
import { compactId } from './ids.ts';

export interface PersonProfile {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
}

export async function personProfile(db: Kysely<Database>, personId: string): Promise<PersonProfile> {
  const person = await findPersonById(db, personId);
  if (!person) throw new DomainError('not_found', 'person not found');
  return { id: person.id, email: person.email, firstName: person.first_name, lastName: person.last_name, phone: person.phone };
}

export async function personAccounts(db: Kysely<Database>, personId: string) {
  const rows = await listMemberships(db, personId);
  return rows.map((row) => ({ accountId: row.account_id, name: row.account_name, role: row.role, enforces: row.role === 'admin' || row.can_enforce === 1, thirdPartyAccess: row.third_party_access === 1, timeZone: row.time_zone }));
}

export async function listVehicles(db: Kysely<Database>, personId: string) {
  const rows = await vehiclesOfPerson(db, personId);
  return rows.map(({ id, plate, region, make, model, color }) => ({ id: compactId(id), plate, region, make, model, color }));
}
