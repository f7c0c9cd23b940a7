import type { Kysely } from 'kysely';
import type { Database, NewPerson, Person } from '../database.ts';
import { prepared } from '../prepared.ts';
import { writeUnlessTaken } from '../unique-violation.ts';

export type PublicPerson = Omit<Person, 'password_hash'>;

const publicColumns = ['id', 'email', 'first_name', 'last_name', 'phone', 'is_sandbox', 'created_at'] as const;

// Every user-info request reads one person: compiled once.
const personById = prepared((db: Kysely<Database>, id: string) => db.selectFrom('people').select(publicColumns).where('id', '=', id));

export async function findPersonById(db: Kysely<Database>, id: string): Promise<PublicPerson | undefined> {
  return (await personById(db, id))[0];
}

export function findPersonByEmail(db: Kysely<Database>, email: string): Promise<PublicPerson | undefined> {
  return db.selectFrom('people').select(publicColumns).where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** The one query that selects the password hash, for login only. */
export function findLoginByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('people').select(['id', 'password_hash']).where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function insertPersonIfAbsent(db: Kysely<Database>, person: NewPerson): Promise<void> {
  await db.insertInto('people').values({ ...person, email: person.email.toLowerCase() })
    .onConflict((oc) => oc.column('email').doNothing()).execute();
}

export async function countSandboxPeople(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('is_sandbox', '=', 1).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The password hash of one person, for checking their current password only. */
export function findLoginById(db: Kysely<Database>, id: string) {
  return db.selectFrom('people').select(['id', 'password_hash']).where('id', '=', id).executeTakeFirst();
}

export async function setPasswordHash(db: Kysely<Database>, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('people').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function setNames(db: Kysely<Database>, id: string, names: { first_name: string; last_name: string }): Promise<void> {
  await db.updateTable('people').set(names).where('id', '=', id).execute();
}

/** False when another login holds the address, also one that took it at the same instant (the unique index on email answers). */
export async function setEmail(db: Kysely<Database>, id: string, email: string): Promise<boolean> {
  return writeUnlessTaken(() => db.updateTable('people').set({ email: email.toLowerCase() }).where('id', '=', id).execute());
}
