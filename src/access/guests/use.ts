// A guest using a pass (phase2.md D.1, D.2): by its link, its PIN at a keypad
// or its plate at a reader. Each use is decided at that instant as the pass's
// own window intersected with its issuer's access through `decide` (A.2), so
// a User who loses a door takes it from their guests at once, in every process.
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { appendEvent } from '../../events/outbox.ts';
import type { Database } from '../../store/database.ts';
import { accountAdmins } from '../../store/repositories/accounts.ts';
import { countUse, findGuestPass, guestPassDoorIds, guestPassesForPlate, type GuestPassRow } from '../../store/repositories/guest-passes.ts';
import { unionAt, type RefusalReason } from '../access-union.ts';
import { decide, type Decision } from '../decide.ts';
import { DomainError } from '../errors.ts';
import { compactId } from '../ids.ts';
import { platesMatch } from '../plates.ts';
import { completeToggle, recordRefusal, startDecidedToggle, toggleTarget, type ToggleDeps, type ToggleOutcome } from '../toggle-door.ts';
import { passWindow } from './status.ts';

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
      await recordRefusal(toggle, door, row.issuer_id, { channel: 'Keypad', state: 'OPEN' }, 'forbidden', passRefusal(door.name, decision.reason));
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
