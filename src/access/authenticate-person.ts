import type { Kysely } from 'kysely';
import { verifyPassword } from '../security/passwords.ts';
import type { Database } from '../store/database.ts';
import { findLoginByEmail } from '../store/repositories/people.ts';
import { DomainError } from './errors.ts';
import { countLoginAttempt, loginKeys, recordLoginOutcome, type ThrottlePolicy } from './login-throttle.ts';
import { systemClock } from '../clock.ts';

export interface Credentials {
  email: string;
  password: string;
  /** The client's address, for per-address throttling. */
  address: string;
}

/** Email and password to a person id, or `unauthenticated` / `rate_limited`. */
export async function authenticatePerson(db: Kysely<Database>, policy: ThrottlePolicy, credentials: Credentials, now = Math.floor(systemClock.now() / 1000)): Promise<string> {
  const keys = loginKeys(credentials.email, credentials.address);
  const wait = await countLoginAttempt(db, keys, policy, now);
  if (wait > 0) {
    throw new DomainError('rate_limited', `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}.`, { retryAfter: wait });
  }
  let personId: string | undefined;
  try {
    const login = await findLoginByEmail(db, credentials.email.trim());
    if (await verifyPassword(credentials.password, login?.password_hash ?? null) && login) personId = login.id;
  } finally {
    await recordLoginOutcome(db, keys, policy, personId !== undefined, now);
  }
  if (personId !== undefined) return personId;
  throw new DomainError('unauthenticated', 'The email address or password is not correct.');
}
