import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { findPersonById } from '../store/repositories/people.ts';
import { nobody, type PersonRef } from './types.ts';

/** A person as webhook events name them (`userThatToggled`); empty strings when nobody acted. */
export async function personRef(db: Kysely<Database>, personId: string | null): Promise<PersonRef> {
  const person = personId ? await findPersonById(db, personId) : undefined;
  return person ? { firstName: person.first_name, lastName: person.last_name, emailAddress: person.email } : nobody;
}
