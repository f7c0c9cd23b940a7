// A.8 "Create an account": the person who creates it is its Admin, and the
// account reads access hours in the creator's zone unless another is given
// (A.3). Their keypad PIN is claimed there as on joining (A.5).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { addMemberIfAbsent, insertAccountIfAbsent } from '../store/repositories/accounts.ts';
import { claimOnJoining } from '../store/repositories/pin-claims.ts';
import { findPersonByEmail, findPersonById } from '../store/repositories/people.ts';
import { DomainError, FieldError } from './errors.ts';
import { canonicalTimeZone } from './schedules.ts';
import { personTimeZone } from './settings.ts';

export interface NewAccount {
  name?: string;
  /** Empty or absent: the creator's zone. */
  timeZone?: string;
}

const maxAccountName = 100;

export async function createAccount(db: Kysely<Database>, personId: string, input: NewAccount, now: number): Promise<{ accountId: string; timeZone: string }> {
  if (!(await findPersonById(db, personId))) throw new DomainError('not_found', 'No such person.');
  const name = (input.name ?? '').trim();
  if (!name) throw new FieldError('name', 'Enter a name for the account.');
  if (name.length > maxAccountName) throw new FieldError('name', `The account name is too long (${maxAccountName} characters at most).`);
  const typed = input.timeZone?.trim() ?? '';
  const timeZone = typed === '' ? await personTimeZone(db, personId) : canonicalTimeZone(typed);
  if (!timeZone) throw new FieldError('time_zone', `Unknown time zone: ${typed}. Use an IANA name such as America/New_York.`);
  const accountId = randomUUID();
  await db.transaction().execute(async (trx) => {
    await insertAccountIfAbsent(trx, { id: accountId, name, time_zone: timeZone, is_sandbox: 0, created_at: now });
    await addMemberIfAbsent(trx, { account_id: accountId, person_id: personId, role: 'admin', created_at: now });
    await claimOnJoining(trx, accountId, personId);
  });
  return { accountId, timeZone };
}

/** The operator's `parqex accounts create --admin EMAIL`: the Admin must already have a login. */
export async function createAccountForEmail(db: Kysely<Database>, email: string, input: NewAccount, now: number): Promise<{ accountId: string; timeZone: string; personId: string }> {
  const person = await findPersonByEmail(db, email.trim());
  if (!person) throw new DomainError('invalid', `No login has the address ${email.trim()}: they sign up at /signup first.`);
  return { ...(await createAccount(db, person.id, input, now)), personId: person.id };
}
