// Access to an account's doors as its Admin manages it: who may use each
// door and when, invitations still pending, and the changes an Admin makes to
// them. Inviting and removing reuse the API's rules (invitations.ts,
// remove-access.ts); this file adds the account's frame around them.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.ts';
import { appendEvent } from '../events/outbox.ts';
import { utcSecondsOrNull } from '../events/time.ts';
import type { EventFields } from '../events/types.ts';
import { generateSecret, hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findAccount } from '../store/repositories/accounts.ts';
import { accessToDoors, findDoorAccess, updateDoorAccessWindow } from '../store/repositories/door-access.ts';
import { doorsOfAccount } from '../store/repositories/doors.ts';
import { deleteInvitation, findInvitation, pendingInvitationsByMembersOf, renewInvitationToken, setInvitationDoors, type InvitationRow } from '../store/repositories/invitations.ts';
import { requireAdmin } from './accounts.ts';
import { DomainError } from './errors.ts';
import { windowText } from './hours-text.ts';
import { compactId, parseId } from './ids.ts';
import { invitationMail } from './invitation-mail.ts';
import { invitationSeconds, inviteToDoors, type Invitation, type InvitationDeps } from './invitations.ts';
import { localWindow, type LocalWindowForm } from './local-window.ts';
import { personProfile } from './people.ts';
import { removeAccess } from './remove-access.ts';
import type { AccessWindow, WeeklyHours } from './schedules.ts';
import { readShareWindow } from './share-window.ts';

export interface AccessEntry {
  personId: string;
  name: string;
  email: string;
  window: AccessWindow;
  /** The window as lines in the account's zone, named; none: any time. */
  lines: string[];
}

export interface DoorAccessView {
  id: string;
  name: string;
  people: AccessEntry[];
}

export interface PendingInvitation {
  id: string;
  email: string;
  doorNames: string[];
  lines: string[];
  expiresAt: number;
}

export interface AccountAccessView {
  account: { id: string; name: string; timeZone: string };
  doors: DoorAccessView[];
  invitations: PendingInvitation[];
}

/** Who may use each of the account's doors and when, and the invitations pending for them. */
export async function accountAccess(db: Kysely<Database>, adminId: string, accountId: string, now: number): Promise<AccountAccessView> {
  const account = await requireAccount(db, adminId, accountId);
  const doors = await doorsOfAccount(db, accountId);
  const rows = await accessToDoors(db, doors.map((door) => door.id));
  const zone = [{ accountName: account.name, timeZone: account.timeZone }];
  const doorNames = new Map(doors.map((door) => [door.id, door.name]));
  const invitations = (await pendingInvitationsByMembersOf(db, accountId, now)).flatMap((invitation) => {
    const names = (JSON.parse(invitation.door_ids) as string[]).flatMap((id) => doorNames.get(id) ?? []);
    return names.length === 0 ? [] : [{ id: invitation.id, email: invitation.email, doorNames: names, lines: windowText(storedWindow(invitation), zone), expiresAt: invitation.expires_at }];
  });
  return {
    account,
    doors: doors.map((door) => ({
      id: door.id,
      name: door.name,
      people: rows.filter((row) => row.door_id === door.id).map((row) => {
        const window = storedWindow(row);
        return { personId: row.person_id, name: `${row.first_name} ${row.last_name}`.trim(), email: row.email, window, lines: windowText(window, zone) };
      }),
    })),
    invitations,
  };
}

async function requireAccount(db: Kysely<Database>, adminId: string, accountId: string) {
  await requireAdmin(db, adminId, accountId);
  const account = await findAccount(db, accountId);
  if (!account) throw new DomainError('not_found', 'No such account.');
  return { id: account.id, name: account.name, timeZone: account.time_zone };
}

async function requireAccountDoor(db: Kysely<Database>, accountId: string, doorInput: string) {
  const doorId = parseId(doorInput);
  const door = doorId ? (await doorsOfAccount(db, accountId)).find((candidate) => candidate.id === doorId) : undefined;
  if (!door) throw new DomainError('not_found', 'No such door.');
  return door;
}

function storedWindow(row: { starts_at: number | null; ends_at: number | null; weekly_hours: string | null }): AccessWindow {
  return { startsAt: row.starts_at, endsAt: row.ends_at, weeklyHours: row.weekly_hours ? JSON.parse(row.weekly_hours) as WeeklyHours : null };
}

export interface InviteForm extends LocalWindowForm {
  email_address?: string;
  door_ids?: string | string[];
}

/** The Admin invites by email to some of the account's doors, the window typed in the account's zone. */
export async function inviteToAccount(deps: InvitationDeps, adminId: string, accountId: string, form: InviteForm): Promise<Invitation> {
  const account = await requireAccount(deps.db, adminId, accountId);
  const doorIds = [form.door_ids ?? []].flat();
  if (doorIds.length === 0) throw new DomainError('invalid', 'Invalid door_ids: tick at least one door.');
  for (const id of doorIds) await requireAccountDoor(deps.db, accountId, id);
  return inviteToDoors(deps, { personId: adminId }, { email_address: form.email_address, door_ids: doorIds, ...localWindow(form, account.timeZone) });
}

/** A new window for someone's access to one door, typed in the account's zone; access_changed when it differs. */
export async function changeAccess(deps: { db: Kysely<Database>; clock: Clock }, adminId: string, accountId: string, doorInput: string, personInput: string, form: LocalWindowForm): Promise<void> {
  const account = await requireAccount(deps.db, adminId, accountId);
  const door = await requireAccountDoor(deps.db, accountId, doorInput);
  const personId = parseId(personInput);
  const now = Math.floor(deps.clock.now() / 1000);
  const window = readShareWindow(localWindow(form, account.timeZone), now);
  await deps.db.transaction().execute(async (trx) => {
    const before = personId ? await findDoorAccess(trx, door.id, personId) : undefined;
    if (!personId || !before) throw new DomainError('not_found', 'No such access.');
    const weeklyHours = window.weeklyHours ? JSON.stringify(window.weeklyHours) : null;
    await updateDoorAccessWindow(trx, door.id, personId, { starts_at: window.startsAt, ends_at: window.endsAt, weekly_hours: weeklyHours });
    if (before.starts_at === window.startsAt && before.ends_at === window.endsAt && (before.weekly_hours ?? null) === weeklyHours) return;
    const data: EventFields['access_changed'] = {
      doorID: compactId(door.id), deviceID: compactId(door.device_id), personID: compactId(personId), changedByUserID: compactId(adminId),
      startsAt: utcSecondsOrNull(window.startsAt), endsAt: utcSecondsOrNull(window.endsAt),
    };
    await appendEvent(trx, { type: 'access_changed', doorId: door.id, deviceId: door.device_id, personIds: [personId, adminId], occurredAt: now, data });
  });
}

/** Removes one person's access to one of the account's doors, as DELETE invite does. */
export async function removeAccountAccess(deps: { db: Kysely<Database>; clock: Clock }, adminId: string, accountId: string, doorInput: string, personInput: string): Promise<void> {
  await requireAccount(deps.db, adminId, accountId);
  const door = await requireAccountDoor(deps.db, accountId, doorInput);
  await removeAccess(deps, { personId: adminId }, { user_id: personInput, door_ids: [door.id] });
}

/** The pending invitation, if it names a door of the account. */
async function requirePendingInvitation(db: Kysely<Database>, accountId: string, invitationInput: string, now: number) {
  const id = parseId(invitationInput);
  const invitation = id ? await findInvitation(db, id) : undefined;
  const doors = await doorsOfAccount(db, accountId);
  const ids = new Set(doors.map((door) => door.id));
  if (!invitation || invitation.accepted_at !== null || invitation.expires_at <= now || !(JSON.parse(invitation.door_ids) as string[]).some((doorId) => ids.has(doorId))) {
    throw new DomainError('not_found', 'No such invitation: it was accepted, cancelled or has expired.');
  }
  return { invitation, doors };
}

/** A fresh link by mail for a pending invitation; the old link stops working and the 7 days start again. */
export async function resendInvitation(deps: InvitationDeps, adminId: string, accountId: string, invitationInput: string): Promise<string> {
  const account = await requireAccount(deps.db, adminId, accountId);
  const now = Math.floor(deps.clock.now() / 1000);
  const { invitation, doors } = await requirePendingInvitation(deps.db, accountId, invitationInput, now);
  const inviter = await personProfile(deps.db, invitation.invited_by);
  const token = generateSecret();
  const expiresAt = now + invitationSeconds;
  const invited = JSON.parse(invitation.door_ids) as string[];
  // As inviteToDoors: the mail first, then the link it carries is made valid.
  await deps.mailer.send(invitationMail({
    to: invitation.email,
    inviter,
    doors: doors.filter((door) => invited.includes(door.id)).map((door) => ({ name: door.name, accountName: account.name, timeZone: account.timeZone })),
    window: storedWindow(invitation),
    link: `${deps.publicUrl}/invitations/${token}`,
    expiresAt,
  }));
  if (!(await renewInvitationToken(deps.db, invitation.id, hashSecret(token), expiresAt))) throw new DomainError('not_found', 'No such invitation: it was accepted meanwhile.');
  return invitation.email;
}

/** Cancels the invitation for the account's doors; one naming other accounts' doors too keeps those. */
export async function cancelInvitation(deps: { db: Kysely<Database>; clock: Clock }, adminId: string, accountId: string, invitationInput: string): Promise<string> {
  await requireAccount(deps.db, adminId, accountId);
  const now = Math.floor(deps.clock.now() / 1000);
  const { invitation, doors } = await requirePendingInvitation(deps.db, accountId, invitationInput, now);
  await deps.db.transaction().execute((trx) => narrow(trx, invitation, new Set(doors.map((door) => door.id))));
  return invitation.email;
}

async function narrow(trx: Transaction<Database>, invitation: InvitationRow, accountDoors: Set<string>): Promise<void> {
  const kept = (JSON.parse(invitation.door_ids) as string[]).filter((id) => !accountDoors.has(id));
  if (kept.length === 0) await deleteInvitation(trx, invitation.id);
  else await setInvitationDoors(trx, invitation.id, kept);
}

/** One pending invitation as the cancel confirmation names it. */
export async function describePendingInvitation(db: Kysely<Database>, adminId: string, accountId: string, invitationInput: string, now: number): Promise<PendingInvitation> {
  const view = await accountAccess(db, adminId, accountId, now);
  const id = parseId(invitationInput);
  const invitation = view.invitations.find((candidate) => candidate.id === id);
  if (!invitation) throw new DomainError('not_found', 'No such invitation: it was accepted, cancelled or has expired.');
  return invitation;
}
