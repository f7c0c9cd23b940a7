// Accepting an invitation (spec 4, "Invite User"): only as the invited
// address, once, before it expires. Marking it used, the membership, the
// door access and its events are one transaction, so access starts at once
// and a link never works twice. The inviter's right to share is checked again at this moment:
// a door they can no longer share is left out.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { utcSecondsOrNull } from '../events/time.ts';
import type { EventFields } from '../events/types.ts';
import { compactId } from './ids.ts';
import { hashPassword } from '../security/passwords.ts';
import type { Database } from '../store/database.ts';
import { addMemberIfAbsent } from '../store/repositories/accounts.ts';
import { findDoorAccess, upsertDoorAccess } from '../store/repositories/door-access.ts';
import { claimOnJoining } from '../store/repositories/pin-claims.ts';
import { markInvitationAccepted, type InvitationRow } from '../store/repositories/invitations.ts';
import { findPersonByEmail, insertPersonIfAbsent } from '../store/repositories/people.ts';
import type { VisibleDoor } from './door-policy.ts';
import { DomainError } from './errors.ts';
import { invalidLink, requireUsableInvitation, shareableDoors } from './invitations.ts';
import { personProfile } from './people.ts';
import type { WeeklyHours } from './schedules.ts';
import type { ShareWindow } from './share-window.ts';
import type { Clock } from '../clock.ts';

export interface AcceptDeps {
  db: Kysely<Database>;
  clock: Clock;
}

export interface SignUp {
  first_name?: string;
  last_name?: string;
  password?: string;
}

export const minPasswordLength = 10;

/** Returns the doors the person now has access to. */
export async function acceptInvitation(deps: AcceptDeps, token: string, personId: string, at = new Date(deps.clock.now())): Promise<string[]> {
  const invitation = await requireUsableInvitation(deps.db, token, seconds(at));
  const person = await personProfile(deps.db, personId);
  if (person.email.toLowerCase() !== invitation.email) {
    throw new DomainError('forbidden', `This invitation was sent to ${invitation.email}. Sign out, then sign in as that address to accept it.`);
  }
  return deps.db.transaction().execute((trx) => grantInvitedAccess(trx, invitation, personId, at));
}

/** Creates the login of the invited address (only when it has none) and accepts; returns the new person's id. */
export async function signUpAndAccept(deps: AcceptDeps, token: string, input: SignUp, at = new Date(deps.clock.now())): Promise<string> {
  const now = seconds(at);
  const invitation = await requireUsableInvitation(deps.db, token, now);
  const taken = new DomainError('invalid', `A login already exists for ${invitation.email}: sign in to accept the invitation.`);
  if (await findPersonByEmail(deps.db, invitation.email)) throw taken;
  const firstName = readName('first_name', input.first_name);
  const lastName = readName('last_name', input.last_name);
  const password = input.password ?? '';
  if (password.length < minPasswordLength) throw new DomainError('invalid', `The password must be at least ${minPasswordLength} characters.`);
  if (password.length > 1024) throw new DomainError('invalid', 'The password must be at most 1024 characters.');
  const passwordHash = await hashPassword(password);
  const personId = randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    await insertPersonIfAbsent(trx, { id: personId, email: invitation.email, first_name: firstName, last_name: lastName, phone: null, password_hash: passwordHash, is_sandbox: 0, created_at: now });
    if ((await findPersonByEmail(trx, invitation.email))?.id !== personId) throw taken;
    await grantInvitedAccess(trx, invitation, personId, at);
  });
  return personId;
}

async function grantInvitedAccess(trx: Transaction<Database>, invitation: InvitationRow, personId: string, at: Date): Promise<string[]> {
  const now = seconds(at);
  if (!(await markInvitationAccepted(trx, invitation.id, personId, now))) throw new DomainError('not_found', invalidLink);
  const window: ShareWindow = {
    startsAt: invitation.starts_at,
    endsAt: invitation.ends_at,
    weeklyHours: invitation.weekly_hours ? JSON.parse(invitation.weekly_hours) as WeeklyHours : null,
  };
  const checked = await shareableDoors(trx, { personId: invitation.invited_by }, JSON.parse(invitation.door_ids) as string[], window, at);
  const doors = checked.filter((door): door is VisibleDoor => !(door instanceof DomainError));
  if (doors.length === 0) throw new DomainError('not_found', invalidLink);
  for (const accountId of new Set(doors.map((door) => door.row.account_id))) {
    await addMemberIfAbsent(trx, { account_id: accountId, person_id: personId, role: 'user', created_at: now });
    // Their PIN works there only if no member holds it already (then they are told: src/access/pin-notices.ts).
    await claimOnJoining(trx, accountId, personId);
  }
  for (const door of doors) {
    // Read before the upsert replaces it: a new window is a change, the same one no news.
    const before = await findDoorAccess(trx, door.id, personId);
    await upsertDoorAccess(trx, {
      door_id: door.id,
      person_id: personId,
      granted_by: invitation.invited_by,
      starts_at: window.startsAt,
      ends_at: window.endsAt,
      weekly_hours: invitation.weekly_hours,
      created_at: now,
    });
    if (before && sameWindow(before, invitation)) continue;
    const ids = { doorID: compactId(door.id), deviceID: compactId(door.row.device_id), personID: compactId(personId) };
    const bounds = { startsAt: utcSecondsOrNull(window.startsAt), endsAt: utcSecondsOrNull(window.endsAt) };
    const event = { doorId: door.id, deviceId: door.row.device_id, personIds: [personId, invitation.invited_by], occurredAt: now };
    if (before) {
      const data: EventFields['access_changed'] = { ...ids, changedByUserID: compactId(invitation.invited_by), ...bounds };
      await appendEvent(trx, { type: 'access_changed', ...event, data });
    } else {
      const data: EventFields['access_granted'] = { ...ids, grantedByUserID: compactId(invitation.invited_by), ...bounds };
      await appendEvent(trx, { type: 'access_granted', ...event, data });
    }
  }
  return doors.map((door) => door.id);
}

type StoredWindow = Pick<Database['door_access'], 'starts_at' | 'ends_at' | 'weekly_hours'>;

/** The whole window counts, weekly hours included, though the events show only its bounds. */
function sameWindow(a: StoredWindow, b: StoredWindow): boolean {
  const hours = (text: string | null) => (text === null ? null : JSON.stringify(JSON.parse(text)));
  return a.starts_at === b.starts_at && a.ends_at === b.ends_at && hours(a.weekly_hours) === hours(b.weekly_hours);
}

function readName(field: string, value: string | undefined): string {
  const name = (value ?? '').trim();
  if (!name) throw new DomainError('invalid', `Enter your ${field === 'first_name' ? 'first' : 'last'} name.`);
  if (name.length > 100) throw new DomainError('invalid', `Your ${field === 'first_name' ? 'first' : 'last'} name is too long (100 characters at most).`);
  return name;
}

function seconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
