import type { Kysely } from 'kysely';
import type { Database, NewPerson, Person } from '../database.ts';
import { prepared } from '../prepared.ts';

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
