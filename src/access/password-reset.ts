// A forgotten password: a single-use link (1 h) mailed to the address of a
// login. An address without one is mailed that no login uses it, so the page's
// answer, and the time it takes, are the same either way. A new password ends
// every other session of the person.
import { hashPassword } from '../security/passwords.ts';
import { retireMailLinks } from '../store/repositories/mail-links.ts';
import { findPersonByEmail, setPasswordHash } from '../store/repositories/people.ts';
import { deleteWebSessionsOfPerson } from '../store/repositories/web-sessions.ts';
import { noLoginMail, passwordResetMail } from './identity-mail.ts';
import { nowSeconds, takeMailRequest, type IdentityDeps } from './identity-deps.ts';
import { readEmail, readNewPassword } from './login-input.ts';
import { issueMailLink, linkPaths, useMailLink } from './mail-links.ts';
import { DomainError } from './errors.ts';

export async function requestPasswordReset(deps: IdentityDeps, input: { email?: string; clientAddress: string }): Promise<string> {
  const email = readEmail(input.email);
  await takeMailRequest(deps, email, input.clientAddress);
  const person = await findPersonByEmail(deps.db, email);
  if (!person) {
    await deps.mailer.send(noLoginMail(email, deps.publicUrl));
    return email;
  }
  const link = await issueMailLink(deps.db, { purpose: 'password_reset', email, personId: person.id }, nowSeconds(deps));
  await deps.mailer.send(passwordResetMail(email, `${deps.publicUrl}${linkPaths.password_reset}/${link.token}`, link.expiresAt));
  return email;
}

/** Sets the new password and ends every session of the person; returns the person, for the caller to sign in. */
export async function resetPassword(deps: IdentityDeps, token: string, input: { password?: string }): Promise<string> {
  const passwordHash = await hashPassword(readNewPassword(input.password));
  const now = nowSeconds(deps);
  const personId = await deps.db.transaction().execute(async (trx) => {
    const link = await useMailLink(trx, 'password_reset', token, now);
    if (!link.person_id) throw new DomainError('not_found', 'This link is not valid.', { detail: 'password reset link without a person' });
    await setPasswordHash(trx, link.person_id, passwordHash);
    // Older reset links would otherwise still set a password within their hour.
    await retireMailLinks(trx, 'password_reset', link.person_id, now);
    await deleteWebSessionsOfPerson(trx, link.person_id);
    return link.person_id;
  });
  await deps.endBrowserSessions(personId);
  return personId;
}
