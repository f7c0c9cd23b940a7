// What the sign-up, password and email flows need from outside the rules.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Database } from '../store/database.ts';
import { DomainError } from './errors.ts';

/** Mail a visitor can make us send, counted per address and per client address before anything is sent. */
export interface MailRequestLimit {
  /** Counts one request; returns the seconds to wait when a limit is exceeded. */
  take(email: string, clientAddress: string): Promise<number | undefined>;
}

export interface IdentityDeps {
  db: Kysely<Database>;
  /** Links expire by it. */
  clock: Clock;
  mailer: Mailer;
  /** The origin links in the mail point to. */
  publicUrl: string;
  mailRequests: MailRequestLimit;
  /** Ends the authorization server's browser sessions of a person (tokens given to applications stay). */
  endBrowserSessions(personId: string): Promise<unknown>;
}

export function nowSeconds(deps: Pick<IdentityDeps, 'clock'>): number {
  return Math.floor(deps.clock.now() / 1000);
}

export async function takeMailRequest(deps: Pick<IdentityDeps, 'mailRequests'>, email: string, clientAddress: string): Promise<void> {
  const wait = await deps.mailRequests.take(email, clientAddress);
  if (wait !== undefined) {
    const minutes = Math.ceil(wait / 60);
    throw new DomainError('rate_limited', `Too many emails were asked for. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, { retryAfter: wait });
  }
}
