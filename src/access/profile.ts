// A person changing who they are (the Settings page): names, email address
// (proven by a link mailed to the new one; the old one is told once it
// changes), password (the current one first), and signing out everywhere.
import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../security/passwords.ts';
import { hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { retireMailLinks } from '../store/repositories/mail-links.ts';
import { findLoginById, findPersonByEmail, findPersonById, setEmail, setNames, setPasswordHash } from '../store/repositories/people.ts';
import { deleteWebSessionsOfPerson } from '../store/repositories/web-sessions.ts';
import { DomainError, FieldError } from './errors.ts';
import { emailChangedMail, emailChangeMail, emailTakenMail } from './identity-mail.ts';
import { nowSeconds, takeMailRequest, type IdentityDeps } from './identity-deps.ts';
import { readEmail, readNewPassword, readPersonName } from './login-input.ts';
import { countLoginAttempt, loginKeys, recordLoginOutcome, type ThrottlePolicy } from './login-throttle.ts';
import { systemClock } from '../clock.ts';
import { issueMailLink, linkPaths, usableMailLink, useMailLink } from './mail-links.ts';

export async function changeNames(db: Kysely<Database>, personId: string, input: { first_name?: string; last_name?: string }): Promise<void> {
  await setNames(db, personId, { first_name: readPersonName('first_name', input.first_name), last_name: readPersonName('last_name', input.last_name) });
}

/** Mails the new address a link; the email stays until it is followed. Returns the new address. */
export async function requestEmailChange(deps: IdentityDeps, personId: string, input: { email?: string; clientAddress: string }): Promise<string> {
  const email = readEmail(input.email);
  const person = await findPersonById(deps.db, personId);
  if (!person) throw new DomainError('not_found', 'person not found');
  if (person.email === email) throw new FieldError('email', `${email} is already your email address.`);
  await takeMailRequest(deps, email, input.clientAddress);
  // Told the same as for a free address: the form must not reveal who has a login.
  if (await findPersonByEmail(deps.db, email)) {
    await deps.mailer.send(emailTakenMail(email));
    return email;
  }
  const link = await issueMailLink(deps.db, { purpose: 'email_change', email, personId }, nowSeconds(deps));
  await deps.mailer.send(emailChangeMail(email, `${deps.publicUrl}${linkPaths.email_change}/${link.token}`, link.expiresAt));
  return email;
}

/** What the confirmation page shows before the person confirms (a mail scanner opening the link changes nothing). */
export async function describeEmailChange(deps: Pick<IdentityDeps, 'db' | 'clock'>, token: string): Promise<{ newEmail: string }> {
  const link = await usableMailLink(deps.db, 'email_change', token, nowSeconds(deps));
  return { newEmail: link.email };
}

/** Makes the change; the old address is told. Returns the person whose address changed. */
export async function confirmEmailChange(deps: IdentityDeps, token: string): Promise<{ personId: string; newEmail: string }> {
  const now = nowSeconds(deps);
  const { personId, oldEmail, newEmail } = await deps.db.transaction().execute(async (trx) => {
    const link = await useMailLink(trx, 'email_change', token, now);
    const person = link.person_id ? await findPersonById(trx, link.person_id) : undefined;
    if (!person) throw new DomainError('not_found', 'This link is not valid.');
    if (!(await setEmail(trx, person.id, link.email))) {
      throw new DomainError('invalid', `${link.email} now belongs to another login, so your address was not changed.`);
    }
    await retireMailLinks(trx, 'email_change', person.id, now);
    // A reset link mailed to the old address must not outlive the change.
    await retireMailLinks(trx, 'password_reset', person.id, now);
    return { personId: person.id, oldEmail: person.email, newEmail: link.email };
  });
  await deps.mailer.send(emailChangedMail(oldEmail, newEmail));
  return { personId, newEmail };
}

/**
 * Checks the current password, sets the new one, and ends every other web
 * session (the one asking is kept). A wrong current password counts as a
 * failed sign-in, so a session left open cannot be used to guess it.
 */
export async function changePassword(deps: { db: Kysely<Database>; throttle: ThrottlePolicy }, personId: string, input: { current_password?: string; new_password?: string }, asking: { sessionId: string | undefined; clientAddress: string }, now = Math.floor(systemClock.now() / 1000)): Promise<void> {
  const { db } = deps;
  const person = await findPersonById(db, personId);
  if (!person) throw new DomainError('not_found', 'person not found');
  const keys = loginKeys(person.email, asking.clientAddress);
  const wait = await countLoginAttempt(db, keys, deps.throttle, now);
  if (wait > 0) throw new DomainError('rate_limited', `Too many wrong passwords. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}.`, { retryAfter: wait });
  let verified = false;
  try {
    const login = await findLoginById(db, personId);
    verified = await verifyPassword(input.current_password ?? '', login?.password_hash ?? null);
  } finally {
    await recordLoginOutcome(db, keys, deps.throttle, verified, now);
  }
  if (!verified) throw new FieldError('current_password', 'Your current password is not correct.');
  const password = readNewPassword(input.new_password, 'new_password');
  if (password === input.current_password) throw new FieldError('new_password', 'Choose a password different from the current one.');
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, personId, passwordHash);
    await deleteWebSessionsOfPerson(trx, personId, asking.sessionId === undefined ? undefined : hashSecret(asking.sessionId));
  });
}

/** Every web session and authorization-server browser session of the person ends; application tokens stay. */
export async function signOutEverywhere(deps: Pick<IdentityDeps, 'db' | 'endBrowserSessions'>, personId: string): Promise<void> {
  await deleteWebSessionsOfPerson(deps.db, personId);
  await deps.endBrowserSessions(personId);
}
