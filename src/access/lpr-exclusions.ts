// The Admin's exclusions (phase2.md B.2): a plate the account's readers no
// longer admit as a member vehicle (guest passes, allowances and bookings
// still count). Each change and its events are one transaction; the events go
// to the Admin and the members holding the plate.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.ts';
import { appendEvent } from '../events/outbox.ts';
import type { EventFields } from '../events/types.ts';
import type { Database } from '../store/database.ts';
import { findMembership } from '../store/repositories/accounts.ts';
import { deleteExclusion, findExclusion, holdersOfPlate, upsertExclusion } from '../store/repositories/lpr.ts';
import { requireAdmin } from './accounts.ts';
import { DomainError } from './errors.ts';
import { compactId } from './ids.ts';
import { plateKey } from './plates.ts';

export const maxReasonLength = 200;

export interface Exclusion {
  plate: string;
  reason: string;
  /** The members holding the plate when the change was made. */
  personIds: string[];
}

/** A plate as typed, folded to its key; anything that folds to none is refused naming the field. */
export function readPlateKey(value: string | undefined, field = 'plate'): string {
  const key = plateKey(value ?? '');
  if (!key) throw new DomainError('invalid', `Invalid ${field}: a licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.`);
  return key;
}

function readReason(value: string | undefined): string {
  const reason = (value ?? '').normalize('NFC').trim();
  if ([...reason].length > maxReasonLength) throw new DomainError('invalid', `Invalid reason: at most ${maxReasonLength} characters.`);
  if (/\p{Cc}/u.test(reason)) throw new DomainError('invalid', 'Invalid reason: it cannot contain control characters.');
  return reason;
}

/** Excludes a plate a member of the account holds; excluding it again changes only the reason (announced only if it changed). */
export async function excludePlate(db: Kysely<Database>, clock: Clock, input: { accountId: string; actorId: string; plate: string; reason?: string }): Promise<Exclusion> {
  await requireAdmin(db, input.actorId, input.accountId);
  const key = readPlateKey(input.plate);
  const reason = readReason(input.reason);
  const now = Math.floor(clock.now() / 1000);
  return db.transaction().execute(async (trx) => {
    const personIds = await holdersOfPlate(trx, input.accountId, key);
    if (personIds.length === 0) throw new DomainError('not_found', `No member of the account has a vehicle with the plate ${key}.`);
    const before = await findExclusion(trx, input.accountId, key);
    await upsertExclusion(trx, { account_id: input.accountId, plate_key: key, person_id: before?.person_id ?? personIds[0]!, reason, created_by: input.actorId, created_at: before?.created_at ?? now });
    if (before?.reason !== reason) await announce(trx, 'vehicle_exclusion_added', input, personIds, key, reason, now);
    return { plate: key, reason, personIds };
  });
}

/** Ends an exclusion; a plate that is not excluded is not found. */
export async function readmitPlate(db: Kysely<Database>, clock: Clock, input: { accountId: string; actorId: string; plate: string }): Promise<Exclusion> {
  await requireAdmin(db, input.actorId, input.accountId);
  const key = readPlateKey(input.plate);
  const now = Math.floor(clock.now() / 1000);
  return db.transaction().execute(async (trx) => {
    const before = await findExclusion(trx, input.accountId, key);
    if (!before || !(await deleteExclusion(trx, input.accountId, key))) throw new DomainError('not_found', `The plate ${key} is not excluded.`);
    const holders = await holdersOfPlate(trx, input.accountId, key);
    // The member it was set for hears of it too, unless they have since left the account.
    const stillMember = before.person_id !== null && (await findMembership(trx, input.accountId, before.person_id)) !== undefined;
    const personIds = holders.length > 0 ? holders : stillMember ? [before.person_id!] : [];
    await announce(trx, 'vehicle_exclusion_removed', input, personIds, key, before.reason, now);
    return { plate: key, reason: before.reason, personIds };
  });
}

/** One event per member holding the plate, each to the Admin and that member. */
async function announce(trx: Transaction<Database>, type: 'vehicle_exclusion_added' | 'vehicle_exclusion_removed', input: { accountId: string; actorId: string }, personIds: string[], plate: string, reason: string, now: number): Promise<void> {
  for (const personId of personIds.length > 0 ? personIds : [null]) {
    const data: EventFields[typeof type] = { accountID: compactId(input.accountId), personID: personId === null ? '' : compactId(personId), plate, reason };
    await appendEvent(trx, { type, accountId: input.accountId, personIds: [...new Set([input.actorId, ...(personId === null ? [] : [personId])])], occurredAt: now, data });
  }
}
