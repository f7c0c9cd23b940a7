// A.8 sign-up: an address gets a single-use link (24 h) whose page takes the
// names and a password. An address that already has a login is mailed so
// instead; the page answers the same either way, so nobody learns from it
// who has a login.
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../security/passwords.ts';
import { findPersonByEmail, insertPersonIfAbsent } from '../store/repositories/people.ts';
import { alreadySignedUpMail, signUpMail } from './identity-mail.ts';
import { nowSeconds, takeMailRequest, type IdentityDeps } from './identity-deps.ts';
import { FieldError } from './errors.ts';
import { readEmail, readNewPassword, readPersonName } from './login-input.ts';
import { issueMailLink, linkPaths, useMailLink } from './mail-links.ts';

export async function requestSignUp(deps: IdentityDeps, input: { email?: string; nextPath?: string; clientAddress: string }): Promise<string> {
  const email = readEmail(input.email);
  await takeMailRequest(deps, email, input.clientAddress);
  if (await findPersonByEmail(deps.db, email)) {
    await deps.mailer.send(alreadySignedUpMail(email, deps.publicUrl));
    return email;
  }
  const link = await issueMailLink(deps.db, { purpose: 'sign_up', email, nextPath: input.nextPath }, nowSeconds(deps));
  await deps.mailer.send(signUpMail(email, `${deps.publicUrl}${linkPaths.sign_up}/${link.token}`, link.expiresAt));
  return email;
}

export interface NewLogin {
  first_name?: string;
  last_name?: string;
  password?: string;
}

/** Creates the login; returns the person and where the sign-up asked to go next. */
export async function completeSignUp(deps: Pick<IdentityDeps, 'db' | 'clock'>, token: string, input: NewLogin): Promise<{ personId: string; nextPath: string | null }> {
  const firstName = readPersonName('first_name', input.first_name);
  const lastName = readPersonName('last_name', input.last_name);
  const passwordHash = await hashPassword(readNewPassword(input.password));
  const now = nowSeconds(deps);
  const personId = randomUUID();
  const link = await deps.db.transaction().execute(async (trx) => {
    const used = await useMailLink(trx, 'sign_up', token, now);
    await insertPersonIfAbsent(trx, { id: personId, email: used.email, first_name: firstName, last_name: lastName, phone: null, password_hash: passwordHash, is_sandbox: 0, created_at: now });
    // The address got a login since the link was mailed (an invitation, another link).
    if ((await findPersonByEmail(trx, used.email))?.id !== personId) {
      throw new FieldError('email', `A login already exists for ${used.email}. Sign in, or reset its password.`);
    }
    return used;
  });
  return { personId, nextPath: link.next_path };
}
