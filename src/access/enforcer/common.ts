// What the Enforcer's domain files share: who may act, who hears of it, and
// how typed text is read (phase2.md C).
import type { Kysely, Transaction } from 'kysely';
import { systemClock, type Clock } from '../../clock.ts';
import { appendEvent, type FieldsOf } from '../../events/outbox.ts';
import type { Database } from '../../store/database.ts';
import { findMembership } from '../../store/repositories/accounts.ts';
import { readWatchers } from '../../store/repositories/lpr-reads.ts';
import { DomainError } from '../errors.ts';
import { compactId, parseId, timeOrderedUuid } from '../ids.ts';

export interface EnforcerDeps {
  db: Kysely<Database>;
  /** Domain time: what is valid, when a notice was observed or issued. */
  clock: Clock;
  /** Where evidence files are kept (PARQEX_EVIDENCE_DIR, by default <data dir>/evidence). */
  evidenceDir: string;
}

/** Who acts, at which account; `clientId` when through an application (look-ups record it). */
export interface EnforcerActor {
  personId: string;
  accountId: string;
  clientId?: string;
}

/** The account's Admin (true) or an enforcement member (false); anyone else at the account 403, a stranger 404. */
export async function enforcerRole(db: Kysely<Database>, actor: EnforcerActor): Promise<{ admin: boolean }> {
  const membership = await findMembership(db, actor.accountId, actor.personId);
  if (!membership) throw new DomainError('not_found', 'No such account.');
  if (membership.role === 'admin') return { admin: true };
  if (membership.can_enforce !== 1) throw new DomainError('forbidden', 'Only the account\'s Admin and members with the enforcement permission can do this.');
  return { admin: false };
}

export function seconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

/** Optional text: NFC, trimmed, at most `max` characters; line breaks only where `multiline`. */
export function readText(field: string, value: string | null | undefined, max: number, options: { multiline?: boolean; required?: boolean } = {}): string {
  const text = (value ?? '').normalize('NFC').trim();
  if (options.required && text === '') throw new DomainError('invalid', `Invalid ${field}: it is required.`);
  if ([...text].length > max) throw new DomainError('invalid', `Invalid ${field}: at most ${max} characters.`);
  const control = options.multiline ? /[\p{Cc}--[\n\r\t]]/v : /\p{Cc}/u;
  if (control.test(text)) throw new DomainError('invalid', `Invalid ${field}: it cannot contain control characters.`);
  return text;
}

/** One of a closed list, naming the field and the choices when it is not. */
export function readChoice<Choice extends string>(field: string, value: string | undefined, choices: readonly Choice[]): Choice {
  if (value === undefined || !(choices as readonly string[]).includes(value)) throw new DomainError('invalid', `Invalid ${field}: use ${choices.join(', ')}.`);
  return value as Choice;
}

/** An id of ours; one that is not an id at all is simply not found. */
export function readId(value: string, what: string): string {
  const id = parseId(value);
  if (!id) throw new DomainError('not_found', `No such ${what}.`);
  return compactId(id);
}

/** A new Enforcer id: 32 hex, sorting in the order this process made it (log rows of one second stay in order); real time, as ids are no domain instants. */
export function newId(): string {
  return compactId(timeOrderedUuid(systemClock.now()));
}

type EnforcerEvent = 'allowance_added' | 'allowance_ended' | 'parking_notice_issued' | 'parking_notice_status_changed' | 'enforcement_alert_opened' | 'enforcement_alert_resolved';

/** To the account's Admins and enforcement members (phase2.md C: they "receive the events"). */
export async function announce<Type extends EnforcerEvent>(trx: Transaction<Database>, type: Type, accountId: string, data: FieldsOf<Type>, at: number): Promise<void> {
  await appendEvent(trx, { type, accountId, personIds: await readWatchers(trx, accountId), occurredAt: at, data });
}
