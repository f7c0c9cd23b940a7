// Mailed single-use links: sign-up (24 h), password reset (1 h) and email
// change (24 h). The token goes into the mail only; its hash is stored. A link
// is used by marking it in the same transaction as what it does, and only if
// it is still unused and unexpired, so two clicks never both act.
import type { Kysely } from 'kysely';
import { generateSecret, hashSecret } from '../security/secrets.ts';
import type { Database, MailLinkPurpose } from '../store/database.ts';
import { findMailLink, insertMailLink, markMailLinkUsed, type MailLinkRow } from '../store/repositories/mail-links.ts';
import { DomainError } from './errors.ts';

export const linkLifetimeSeconds: Record<MailLinkPurpose, number> = {
  sign_up: 24 * 3600,
  password_reset: 3600,
  email_change: 24 * 3600,
};

/** Where each kind of link leads; logging.ts redacts the token after these. */
export const linkPaths: Record<MailLinkPurpose, string> = {
  sign_up: '/signup',
  password_reset: '/password-reset',
  email_change: '/account/email',
};

export const usedLinkMessage = 'This link was already used. Each link works once.';
export const expiredLinkMessage = 'This link has expired.';
export const unknownLinkMessage = 'This link is not valid. Check that it was copied whole.';

export interface IssuedLink {
  token: string;
  expiresAt: number;
}

export async function issueMailLink(db: Kysely<Database>, link: { purpose: MailLinkPurpose; email: string; personId?: string; nextPath?: string }, now: number): Promise<IssuedLink> {
  const token = generateSecret();
  const expiresAt = now + linkLifetimeSeconds[link.purpose];
  await insertMailLink(db, {
    token_hash: hashSecret(token),
    purpose: link.purpose,
    email: link.email.toLowerCase(),
    person_id: link.personId ?? null,
    next_path: link.nextPath ?? null,
    created_at: now,
    expires_at: expiresAt,
  });
  return { token, expiresAt };
}

/** The link behind a token, if it can still be used; otherwise `not_found` saying why. */
export async function usableMailLink(db: Kysely<Database>, purpose: MailLinkPurpose, token: string, now: number): Promise<MailLinkRow> {
  const row = await findMailLink(db, purpose, hashSecret(token));
  if (!row) throw new DomainError('not_found', unknownLinkMessage);
  if (row.used_at !== null) throw new DomainError('not_found', usedLinkMessage);
  if (row.expires_at <= now) throw new DomainError('not_found', expiredLinkMessage);
  return row;
}

/** Uses the link inside the caller's transaction; a link used or expired meanwhile refuses. */
export async function useMailLink(trx: Kysely<Database>, purpose: MailLinkPurpose, token: string, now: number): Promise<MailLinkRow> {
  const row = await usableMailLink(trx, purpose, token, now);
  if (!(await markMailLinkUsed(trx, row.token_hash, now))) throw new DomainError('not_found', usedLinkMessage);
  return row;
}
