// Members of an account and what each may do (phase2.md A.7). Three
// permissions beside the role: `share` (give others time-boxed access to
// one's doors), `guests` (issue guest passes), `enforcement`; the Admin holds
// all of them by role. Only the Admin lists members, changes permissions and
// removes members; their own row is neither changed nor removed.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.ts';
import { appendEvent } from '../events/outbox.ts';
import type { EventFields } from '../events/types.ts';
import type { Database, Role } from '../store/database.ts';
import {
  deleteMembership, findMember, findMembership, listMemberships, membersOfAccount, setMemberPermissions, type PermissionColumns,
} from '../store/repositories/accounts.ts';
import { deleteDoorAccess } from '../store/repositories/door-access.ts';
import { deleteDoorNamesInAccount, doorsOfAccount } from '../store/repositories/doors.ts';
import { deleteInvitation, pendingInvitationsFor, setInvitationDoors } from '../store/repositories/invitations.ts';
import { findPersonById } from '../store/repositories/people.ts';
import { deleteExclusionsOfLeavingMember } from '../store/repositories/lpr.ts';
import { deleteClaim } from '../store/repositories/pin-claims.ts';
import { requireAdmin } from './accounts.ts';
import { cursorAfter, cursorOf, pageOf, rowLimit, type ListPage } from './lists.ts';
import { revokePassesOfLeavingMember } from './guests/passes.ts';
import { presentPolicy, type GuestPolicy } from './guests/policy.ts';
import { DomainError } from './errors.ts';
import { compactId, parseId } from './ids.ts';

export const permissionNames = ['share', 'guests', 'enforcement'] as const;
export type Permission = (typeof permissionNames)[number];

const columnOf: Record<Permission, keyof PermissionColumns> = { share: 'can_share', guests: 'can_issue_guests', enforcement: 'can_enforce' };

/** What a member may do, in the order of permissionNames; the Admin holds all. */
export function permissionsOf(member: { role: Role } & PermissionColumns): Permission[] {
  return permissionNames.filter((name) => member.role === 'admin' || member[columnOf[name]] === 1);
}

/** A list of permission names, each at most once; anything else is refused naming the field. */
export function readPermissions(value: unknown): Permission[] {
  if (!Array.isArray(value)) throw new DomainError('invalid', 'Invalid permissions: give a list of share, guests, enforcement.');
  for (const [index, item] of value.entries()) {
    if (!permissionNames.includes(item as Permission)) throw new DomainError('invalid', `Invalid permissions[${index}]: use share, guests or enforcement.`);
  }
  return permissionNames.filter((name) => value.includes(name));
}

export interface AccountOfPerson {
  id: string;
  name: string;
  role: Role;
  timeZone: string;
  thirdPartyAccess: boolean;
  permissions: Permission[];
  /** How many of each member's vehicles the plate readers admit; null: all. */
  lprVehicleCap: number | null;
  guestPolicy: GuestPolicy;
}

/** The accounts a person belongs to, with their role and permissions in each. */
export async function accountsOf(db: Kysely<Database>, personId: string): Promise<AccountOfPerson[]> {
  const rows = await listMemberships(db, personId);
  return rows.map((row) => ({
    id: row.account_id, name: row.account_name, role: row.role, timeZone: row.time_zone, thirdPartyAccess: row.third_party_access === 1, permissions: permissionsOf(row), lprVehicleCap: row.lpr_vehicle_cap,
    guestPolicy: presentPolicy(row),
  }));
}

export interface Member {
  personId: string;
  firstName: string;
  lastName: string;
  email: string;
  role: Role;
  permissions: Permission[];
  /** Their keypad PIN opens at this account's keypads (they hold its claim there). */
  pinActive: boolean;
}

export interface MemberPage {
  members: Member[];
  nextCursor: string | null;
}

type MemberRow = NonNullable<Awaited<ReturnType<typeof findMember>>>;

const personIdPattern = /^[0-9a-f-]{36}$/;

/** A page of the account's members, newest first (phase2.md section 0, Lists). */
export async function listMembers(db: Kysely<Database>, adminId: string, accountId: string, page: Omit<ListPage, 'all'> = {}): Promise<MemberPage> {
  await requireAdmin(db, adminId, accountId);
  const limit = rowLimit(page);
  const before = cursorOf(page, personIdPattern);
  const rows = await membersOfAccount(db, accountId, limit + 1, before && { createdAt: before.at, personId: before.id });
  const { items, nextCursor } = pageOf(rows, limit, false, (last) => cursorAfter(last.created_at, last.person_id));
  return { members: items.map(presentMember), nextCursor };
}

function presentMember(row: MemberRow): Member {
  return { personId: row.person_id, firstName: row.first_name, lastName: row.last_name, email: row.email, role: row.role, permissions: permissionsOf(row), pinActive: row.pin_lookup !== null };
}

interface MemberDeps {
  db: Kysely<Database>;
  clock: Clock;
}

/** The member a request names, never the Admin themselves (their row is not theirs to change). */
async function requireOtherMember(db: Kysely<Database>, adminId: string, accountId: string, personInput: string, doing: string) {
  await requireAdmin(db, adminId, accountId);
  const personId = parseId(personInput);
  const member = personId ? await findMembership(db, accountId, personId) : undefined;
  if (!personId || !member) throw new DomainError('not_found', 'No such member.');
  if (personId === adminId || member.role === 'admin') throw new DomainError('invalid', `The Admin's own membership cannot be ${doing}: the Admin holds every permission.`);
  return { personId, member };
}

/** Sets a member's permissions to exactly these; announced only when they change. */
export async function changeMemberPermissions(deps: MemberDeps, adminId: string, accountId: string, personInput: string, permissionsInput: unknown): Promise<Member> {
  const permissions = readPermissions(permissionsInput);
  const { personId } = await requireOtherMember(deps.db, adminId, accountId, personInput, 'changed');
  const columns: PermissionColumns = { can_share: 0, can_issue_guests: 0, can_enforce: 0 };
  for (const name of permissions) columns[columnOf[name]] = 1;
  await deps.db.transaction().execute(async (trx) => {
    // Read again inside the change: two Admins' tabs saving at once announce what each really changed.
    const before = await findMembership(trx, accountId, personId);
    if (!before || !(await setMemberPermissions(trx, accountId, personId, columns))) throw new DomainError('not_found', 'No such member.');
    if (permissionsOf(before).join() === permissions.join()) return;
    const data: EventFields['member_permissions_changed'] = { accountID: compactId(accountId), personID: compactId(personId), permissions };
    await appendEvent(trx, { type: 'member_permissions_changed', accountId, personIds: [adminId, personId], occurredAt: nowSeconds(deps.clock), data });
  });
  const row = await findMember(deps.db, accountId, personId);
  if (!row) throw new DomainError('not_found', 'No such member.');
  return presentMember(row);
}

export interface RemovedMember {
  personId: string;
  /** The doors whose access ended (one access_removed each). */
  removedDoorIds: string[];
  /** Pending invitations to them cancelled or narrowed to other accounts' doors. */
  cancelledInvitations: number;
}

/**
 * Removes a member in one transaction: their access to the account's doors
 * (access_removed each, as remove-access.ts), the invitations pending to them
 * for those doors, their PIN claim, their names for the doors, and the
 * membership (member_removed), and the exclusions of plates only they held
 * there. Their history stays: it is the account's record.
 */
export async function removeMember(deps: MemberDeps, adminId: string, accountId: string, personInput: string): Promise<RemovedMember> {
  const { personId } = await requireOtherMember(deps.db, adminId, accountId, personInput, 'removed');
  const person = await findPersonById(deps.db, personId);
  const now = nowSeconds(deps.clock);
  return deps.db.transaction().execute(async (trx) => {
    const doors = await doorsOfAccount(trx, accountId);
    const removedDoorIds = await deleteDoorAccess(trx, personId, doors.map((door) => door.id));
    for (const doorId of removedDoorIds) {
      const deviceId = doors.find((door) => door.id === doorId)!.device_id;
      const data: EventFields['access_removed'] = { doorID: compactId(doorId), deviceID: compactId(deviceId), personID: compactId(personId), removedByUserID: compactId(adminId) };
      await appendEvent(trx, { type: 'access_removed', doorId, deviceId, personIds: [personId, adminId], occurredAt: now, data });
    }
    const cancelledInvitations = person ? await cancelInvitationsTo(trx, person.email, new Set(doors.map((door) => door.id)), now) : 0;
    await revokePassesOfLeavingMember(trx, accountId, personId, adminId, now);
    await deleteExclusionsOfLeavingMember(trx, accountId, personId);
    await deleteClaim(trx, accountId, personId);
    await deleteDoorNamesInAccount(trx, accountId, personId);
    if (!(await deleteMembership(trx, accountId, personId))) throw new DomainError('not_found', 'No such member.');
    const data: EventFields['member_removed'] = { accountID: compactId(accountId), personID: compactId(personId), removedByUserID: compactId(adminId) };
    await appendEvent(trx, { type: 'member_removed', accountId, personIds: [adminId, personId], occurredAt: now, data });
    return { personId, removedDoorIds, cancelledInvitations };
  });
}

/** Invitations to the address lose the account's doors; one left with none is cancelled. */
async function cancelInvitationsTo(trx: Transaction<Database>, email: string, accountDoors: Set<string>, now: number): Promise<number> {
  let cancelled = 0;
  for (const invitation of await pendingInvitationsFor(trx, email, now)) {
    const doorIds = JSON.parse(invitation.door_ids) as string[];
    const kept = doorIds.filter((id) => !accountDoors.has(id));
    if (kept.length === doorIds.length) continue;
    if (kept.length === 0) await deleteInvitation(trx, invitation.id);
    else await setInvitationDoors(trx, invitation.id, kept);
    cancelled += 1;
  }
  return cancelled;
}

function nowSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
