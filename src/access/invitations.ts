// Invite User (spec 4, internal): an Admin shares the account's doors by
// email; a User with the sharing permission shares doors they may use, for a
// limited time within their own access. The person invited gets a
// single-use link that expires after 7 days; only its hash is stored.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { utcSeconds, utcSecondsOrNull } from '../events/time.ts';
import type { EventFields } from '../events/types.ts';
import type { Mailer } from '../mail/mailer.ts';
import { generateSecret, hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { accountAdmins, findMembership } from '../store/repositories/accounts.ts';
import { findInvitationByTokenHash, insertInvitation, invitedDoors, type InvitationRow } from '../store/repositories/invitations.ts';
import { findPersonByEmail } from '../store/repositories/people.ts';
import { visibleDoors, type Viewer, type VisibleDoor } from './door-policy.ts';
import { DomainError } from './errors.ts';
import { compactId } from './ids.ts';
import { readDoorIds, readEmail } from './invitation-input.ts';
import { invitationMail } from './invitation-mail.ts';
import { personProfile } from './people.ts';
import type { WeeklyHours } from './schedules.ts';
import { exceedsOwnAccess, readShareWindow, type ShareWindow, type ShareWindowInput } from './share-window.ts';
import type { Clock } from '../clock.ts';

export interface InvitationDeps {
  db: Kysely<Database>;
  clock: Clock;
  mailer: Mailer;
  /** The origin links in the mail point to. */
  publicUrl: string;
}

export interface InviteInput extends ShareWindowInput {
  email_address?: string;
  door_ids?: unknown;
}

export interface Invitation extends ShareWindow {
  id: string;
  email: string;
  doorIds: string[];
  expiresAt: number;
}

export const invitationSeconds = 7 * 86400;

export async function inviteToDoors(deps: InvitationDeps, viewer: Viewer, input: InviteInput, at = new Date(deps.clock.now())): Promise<Invitation> {
  const now = Math.floor(at.getTime() / 1000);
  const email = readEmail(input.email_address);
  const doorIds = readDoorIds(input.door_ids);
  const window = readShareWindow(input, now);
  const doors = await shareableDoors(deps.db, viewer, doorIds, window, at);
  const refused = doors.find((door) => door instanceof DomainError);
  if (refused) throw refused;
  const inviter = await personProfile(deps.db, viewer.personId);
  if (inviter.email.toLowerCase() === email) throw new DomainError('invalid', 'Invalid email_address: you cannot invite yourself.');

  const token = generateSecret();
  const invitation: Invitation = { id: randomUUID(), email, doorIds, ...window, expiresAt: now + invitationSeconds };
  const shared = doors as VisibleDoor[];
  // The mail goes first: an invitation nobody was told about must not exist,
  // nor be announced (webhooks cannot take a person_invited back). Should the
  // write below fail after the mail, its link answers "no longer valid".
  await deps.mailer.send(invitationMail({
    to: email,
    inviter,
    doors: shared.map((door) => ({ name: door.row.admin_name, accountName: door.row.account_name, timeZone: door.row.account_time_zone })),
    window,
    link: `${deps.publicUrl}/invitations/${token}`,
    expiresAt: invitation.expiresAt,
  }));
  await deps.db.transaction().execute(async (trx) => {
    await insertInvitation(trx, {
      id: invitation.id,
      token_hash: hashSecret(token),
      email,
      invited_by: viewer.personId,
      door_ids: JSON.stringify(doorIds),
      starts_at: window.startsAt,
      ends_at: window.endsAt,
      weekly_hours: window.weeklyHours ? JSON.stringify(window.weeklyHours) : null,
      created_at: now,
      expires_at: invitation.expiresAt,
      accepted_at: null,
      accepted_by: null,
    });
    await announceInvitation(trx, invitation, viewer.personId, shared, now);
  });
  return invitation;
}

/** person_invited, one per door: to the inviter and the Admin of that door's account. */
async function announceInvitation(trx: Transaction<Database>, invitation: Invitation, inviterId: string, doors: VisibleDoor[], now: number): Promise<void> {
  const admins = await accountAdmins(trx, [...new Set(doors.map((door) => door.row.account_id))]);
  for (const door of doors) {
    const doorAdmins = admins.filter((admin) => admin.account_id === door.row.account_id).map((admin) => admin.person_id);
    const data: EventFields['person_invited'] = {
      doorID: compactId(door.id), deviceID: compactId(door.row.device_id), emailAddress: invitation.email, invitedByUserID: compactId(inviterId),
      startsAt: utcSecondsOrNull(invitation.startsAt), endsAt: utcSecondsOrNull(invitation.endsAt), expiresAt: utcSeconds(invitation.expiresAt),
    };
    await appendEvent(trx, { type: 'person_invited', doorId: door.id, deviceId: door.row.device_id, personIds: [...new Set([inviterId, ...doorAdmins])], occurredAt: now, data });
  }
}

/**
 * Each door in order, or the error that refuses it: a door the person cannot
 * see is not found; one they see but may not share is forbidden; a window
 * beyond a sharing User's own is invalid, naming the field.
 */
export async function shareableDoors(db: Kysely<Database>, viewer: Viewer, doorIds: string[], window: ShareWindow, at: Date): Promise<(VisibleDoor | DomainError)[]> {
  const now = Math.floor(at.getTime() / 1000);
  const visible = new Map((await visibleDoors(db, viewer, at)).map((door) => [door.id, door]));
  const sharing = new Map<string, boolean>();
  const results: (VisibleDoor | DomainError)[] = [];
  for (const id of doorIds) {
    const door = visible.get(id);
    if (!door) {
      results.push(new DomainError('not_found', 'No such door.'));
      continue;
    }
    if (door.relationship === 'Owner') {
      results.push(door);
      continue;
    }
    if (!sharing.has(door.row.account_id)) {
      sharing.set(door.row.account_id, (await findMembership(db, door.row.account_id, viewer.personId))?.can_share === 1);
    }
    if (!sharing.get(door.row.account_id)) {
      results.push(new DomainError('forbidden', 'You may not share this door.'));
      continue;
    }
    const problem = exceedsOwnAccess(window, door.window!, door.name, now);
    results.push(problem ? new DomainError('invalid', problem) : door);
  }
  return results;
}

export const invalidLink = 'This invitation link is no longer valid.';

/** The invitation behind a link, if it can still be used. */
export async function requireUsableInvitation(db: Kysely<Database>, token: string, now: number): Promise<InvitationRow> {
  const invitation = token ? await findInvitationByTokenHash(db, hashSecret(token)) : undefined;
  if (!invitation || invitation.accepted_at !== null || invitation.expires_at <= now) throw new DomainError('not_found', invalidLink);
  return invitation;
}

export interface InvitationView {
  email: string;
  inviter: { firstName: string; lastName: string; email: string };
  doors: { name: string; accountName: string; timeZone: string }[];
  startsAt: number | null;
  endsAt: number | null;
  weeklyHours: WeeklyHours | null;
  expiresAt: number;
  /** Whether the invited address already has a login. */
  loginExists: boolean;
}

/** What the invitation page shows the holder of a link. */
export async function describeInvitation(db: Kysely<Database>, token: string, at: Date): Promise<InvitationView> {
  const invitation = await requireUsableInvitation(db, token, Math.floor(at.getTime() / 1000));
  const [inviter, doors, login] = await Promise.all([
    personProfile(db, invitation.invited_by),
    invitedDoors(db, JSON.parse(invitation.door_ids) as string[]),
    findPersonByEmail(db, invitation.email),
  ]);
  return {
    email: invitation.email,
    inviter: { firstName: inviter.firstName, lastName: inviter.lastName, email: inviter.email },
    doors: doors.map((door) => ({ name: door.name, accountName: door.account_name, timeZone: door.account_time_zone })),
    startsAt: invitation.starts_at,
    endsAt: invitation.ends_at,
    weeklyHours: invitation.weekly_hours ? JSON.parse(invitation.weekly_hours) as WeeklyHours : null,
    expiresAt: invitation.expires_at,
    loginExists: login !== undefined,
  };
}
