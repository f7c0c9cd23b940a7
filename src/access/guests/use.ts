// A guest using a pass (phase2.md D.1, D.2): by its link, its PIN at a keypad
// or its plate at a reader. Each use is decided at that instant as the pass's
// own window intersected with its issuer's access through `decide` (A.2), so
// a User who loses a door takes it from their guests at once, in every process.
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { appendEvent } from '../../events/outbox.ts';
import type { Database } from '../../store/database.ts';
import { accountAdmins } from '../../store/repositories/accounts.ts';
import { countUse, findGuestPass, findGuestPassByToken, guestOpenings, guestPassDoorIds, guestPassesForPlate, type GuestPassRow } from '../../store/repositories/guest-passes.ts';
import { unionAt, type RefusalReason } from '../access-union.ts';
import { decide, type Decision } from '../decide.ts';
import { DomainError } from '../errors.ts';
import { compactId, parseId } from '../ids.ts';
import { platesMatch } from '../plates.ts';
import { completeToggle, recordRefusal, startDecidedToggle, toggleTarget, type ToggleDeps, type ToggleOutcome } from '../toggle-door.ts';
import { linkTokenHash } from './credentials.ts';
import { passStatus, passWindow } from './status.ts';

export type Credential = 'link' | 'pin' | 'plate';

async function accountZone(db: Kysely<Database>, accountId: string): Promise<string> {
  return (await db.selectFrom('accounts').select('time_zone').where('id', '=', accountId).executeTakeFirstOrThrow()).time_zone;
}

/** May this pass open this door at `at` (epoch ms)? The pass's window ∩ the issuer's access; `until` the earlier end. */
export async function decidePass(db: Kysely<Database>, clock: Clock, row: GuestPassRow, doorId: string, at = clock.now()): Promise<Decision> {
  if (row.state !== 'issued') return { allowed: false, reason: 'ended', next: null };
  const doors = (await guestPassDoorIds(db, [row.id])).get(row.id) ?? [];
  if (!doors.includes(doorId)) return { allowed: false, reason: 'no_access', next: null };
  const basis = { kind: 'guest_pass' as const, id: row.id, personId: row.issuer_id };
  const own = unionAt([{ basis, rank: 0, window: passWindow(row), timeZone: await accountZone(db, row.account_id) }], at);
  if (!own.allowed) return own;
  const issuer = await decide(db, clock, { subject: { personId: row.issuer_id }, doorId, at: new Date(at) });
  if (!issuer.allowed) return issuer;
  const until = own.until === null ? issuer.until : issuer.until === null ? own.until : Math.min(own.until, issuer.until);
  return { allowed: true, until, basis };
}

/** What the guest is told when a pass does not open a door now. */
export function passRefusal(doorName: string, reason: RefusalReason): string {
  switch (reason) {
    case 'not_started': return `This guest pass does not open ${doorName} yet.`;
    case 'ended': return `This guest pass no longer opens ${doorName}.`;
    case 'outside_hours': return `This guest pass does not open ${doorName} at this time of day.`;
    case 'no_access': return `This guest pass does not open ${doorName}.`;
  }
}

/**
 * Opens a door the caller decided the pass may open now (B.5): the issuer is
 * the actor, the history row names the pass; a done opening is a use.
 */
export async function openWithPass(toggle: ToggleDeps, row: GuestPassRow, doorId: string, credential: Credential, channel: string): Promise<ToggleOutcome> {
  const pending = await startDecidedToggle(toggle, { personId: row.issuer_id }, { doorId, state: 'OPEN', channel });
  const outcome = await completeToggle(toggle, { personId: row.issuer_id, guestPassId: row.id }, pending, channel);
  await recordUse(toggle.db, toggle.clock, row, doorId, credential, outcome.toggleId);
  return outcome;
}

/** Counts the use and announces it (guest_pass_used) to the issuer and the Admin; the arrival mail is the guest mail job's. */
export async function recordUse(db: Kysely<Database>, clock: Clock, row: GuestPassRow, doorId: string, credential: Credential, toggleId: string): Promise<void> {
  const now = Math.floor(clock.now() / 1000);
  await db.transaction().execute(async (trx) => {
    await countUse(trx, row.id, now);
    const admins = (await accountAdmins(trx, [row.account_id])).map((admin) => admin.person_id);
    await appendEvent(trx, {
      type: 'guest_pass_used', accountId: row.account_id, personIds: [...new Set([row.issuer_id, ...admins])], occurredAt: now,
      data: { guestPassID: row.id, doorID: compactId(doorId), credential, toggleID: toggleId },
    });
  });
}

/** A pass's PIN typed at a keypad: opens when the pass may open the door now; else the refusal is recorded for the issuer, quietly. */
export async function guestAtKeypad(toggle: ToggleDeps, guestPassId: string, doorId: string): Promise<void> {
  const row = await findGuestPass(toggle.db, guestPassId);
  if (!row) return;
  try {
    const decision = await decidePass(toggle.db, toggle.clock, row, doorId);
    if (!decision.allowed) {
      const door = await toggleTarget(toggle.db, doorId);
      await recordRefusal(toggle, door, row.issuer_id, { channel: 'Keypad', state: 'OPEN', guestPassId: row.id }, 'forbidden', passRefusal(door.name, decision.reason));
      return;
    }
    await openWithPass(toggle, row, doorId, 'pin', 'Keypad');
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}

/**
 * The LPR basis (B.4): an issued pass with this plate on the reader's door
 * that may open it now. Returns it, or undefined (the read goes on to the
 * other bases).
 */
export async function guestPassForPlate(db: Kysely<Database>, clock: Clock, read: { doorId: string; key: string; region: string | null; now: number }): Promise<GuestPassRow | undefined> {
  for (const row of await guestPassesForPlate(db, read.doorId, read.key, read.now)) {
    if (!platesMatch({ key: row.plate_key!, region: row.region }, { key: read.key, region: read.region })) continue;
    if ((await decidePass(db, clock, row, read.doorId)).allowed) return row;
  }
  return undefined;
}

/** A granted read that opened the door: a use of the pass. */
export async function guestPlateUsed(toggle: ToggleDeps, guestPassId: string, doorId: string, toggleId: string): Promise<void> {
  const row = await findGuestPass(toggle.db, guestPassId);
  if (row) await recordUse(toggle.db, toggle.clock, row, doorId, 'plate', toggleId);
}

/** A guest page's pass: unknown tokens are undefined (404). */
export async function passOfToken(db: Kysely<Database>, token: string): Promise<GuestPassRow | undefined> {
  return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? findGuestPassByToken(db, linkTokenHash(token)) : undefined;
}

export interface GuestPageDoor {
  id: string;
  name: string;
  decision: Decision;
}

/** Every door of the pass, with what `decide` (through the pass) says now. */
export async function guestPageDoors(db: Kysely<Database>, clock: Clock, row: GuestPassRow): Promise<GuestPageDoor[]> {
  const ids = (await guestPassDoorIds(db, [row.id])).get(row.id) ?? [];
  const names = await db.selectFrom('doors').select(['id', 'name']).where('id', 'in', ids.length ? ids : ['']).orderBy('name').execute();
  return Promise.all(names.map(async (door) => ({ id: door.id, name: door.name, decision: await decidePass(db, clock, row, door.id) })));
}

export const guestOpenLimits = { perDoorSeconds: 10, perHour: 60 } as const;

/**
 * POST /g/{token}/open (D.2): the pass usable now (403), the door in the pass
 * (404), decide (403), then the door's own steps by B.5 with the issuer as
 * actor, channel "Guest Link". One opening per door per 10 s and 60 per pass
 * an hour (429), counted from the pass's history rows, so every process sees them.
 */
export async function openAsGuest(toggle: ToggleDeps, row: GuestPassRow, doorInput: string | undefined): Promise<ToggleOutcome> {
  const now = Math.floor(toggle.clock.now() / 1000);
  const status = passStatus(row, now);
  if (status !== 'active') throw new DomainError('forbidden', status === 'scheduled' ? 'This guest pass has not started yet.' : `This guest pass is ${status}.`);
  const doorId = parseId(doorInput);
  const doors = (await guestPassDoorIds(toggle.db, [row.id])).get(row.id) ?? [];
  if (!doorId || !doors.includes(doorId)) throw new DomainError('not_found', 'No such door.');
  const decision = await decidePass(toggle.db, toggle.clock, row, doorId);
  const door = await toggleTarget(toggle.db, doorId);
  if (!decision.allowed) {
    await recordRefusal(toggle, door, row.issuer_id, { channel: 'Guest Link', state: 'OPEN', guestPassId: row.id }, 'forbidden', passRefusal(door.name, decision.reason));
    throw new DomainError('forbidden', passRefusal(door.name, decision.reason), { doorName: door.name });
  }
  const recent = await guestOpenings(toggle.db, row.id, now - 3600);
  const lastHere = recent.find((opening) => opening.door_id === doorId && Number(opening.occurred_at) > now - guestOpenLimits.perDoorSeconds);
  if (lastHere) {
    const wait = Number(lastHere.occurred_at) + guestOpenLimits.perDoorSeconds - now;
    throw new DomainError('rate_limited', `${door.name} was opened a moment ago. Try again in ${wait} seconds.`, { retryAfter: wait });
  }
  if (recent.length >= guestOpenLimits.perHour) {
    const wait = Number(recent[guestOpenLimits.perHour - 1]!.occurred_at) + 3600 - now;
    throw new DomainError('rate_limited', `This guest pass opened doors ${guestOpenLimits.perHour} times in the last hour. Try again in ${Math.ceil(wait / 60)} minutes.`, { retryAfter: wait });
  }
  return openWithPass(toggle, row, doorId, 'link', 'Guest Link');
}
