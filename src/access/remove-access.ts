// Removing access (spec 4, `DELETE invite`): takes effect at once. An Admin
// removes anyone's access to the account's doors; a User with the sharing
// permission removes only the access they gave. Pending invitations to the
// address for those doors are cancelled too.
import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { EventFields } from '../events/types.ts';
import { compactId } from './ids.ts';
import type { Database } from '../store/database.ts';
import { findMembership } from '../store/repositories/accounts.ts';
import { deleteDoorAccess, deleteDoorAccessGrantedBy } from '../store/repositories/door-access.ts';
import { deleteInvitation, pendingInvitationsFor, setInvitationDoors } from '../store/repositories/invitations.ts';
import { findPersonByEmail, findPersonById } from '../store/repositories/people.ts';
import { visibleDoors, type Viewer, type VisibleDoor } from './door-policy.ts';
import { DomainError } from './errors.ts';
import { readDoorIds, readEmail, readUserId } from './invitation-input.ts';
import type { Clock } from '../clock.ts';

export interface RemoveAccessInput {
  email_address?: string;
  user_id?: string;
  door_ids?: unknown;
}

export interface RemovedAccess {
  /** Door access rows deleted. */
  removedAccess: number;
  /** Pending invitations cancelled (or narrowed to the doors left). */
  cancelledInvitations: number;
}

export async function removeAccess(deps: { db: Kysely<Database>; clock: Clock }, viewer: Viewer, input: RemoveAccessInput, at = new Date(deps.clock.now())): Promise<RemovedAccess> {
  const now = Math.floor(at.getTime() / 1000);
  const who = readTarget(input);
  const requested = input.door_ids === undefined ? undefined : readDoorIds(input.door_ids);
  const target = await findTarget(deps.db, who);
  const scope = await managedDoors(deps.db, viewer, requested, at);

  return deps.db.transaction().execute(async (trx) => {
    const personId = target.personId;
    const removedDoorIds = personId
      ? [...await deleteDoorAccess(trx, personId, scope.owned), ...await deleteDoorAccessGrantedBy(trx, personId, scope.shared, viewer.personId)]
      : [];
    const removedAccess = removedDoorIds.length;
    let cancelledInvitations = 0;
    for (const invitation of target.email ? await pendingInvitationsFor(trx, target.email, now) : []) {
      const doorIds = JSON.parse(invitation.door_ids) as string[];
      const mine = invitation.invited_by === viewer.personId;
      const kept = doorIds.filter((id) => !scope.owned.includes(id) && !(mine && scope.shared.includes(id)));
      if (kept.length === doorIds.length) continue;
      if (kept.length === 0) await deleteInvitation(trx, invitation.id);
      else await setInvitationDoors(trx, invitation.id, kept);
      cancelledInvitations += 1;
    }
    if (removedAccess + cancelledInvitations === 0) throw new DomainError('not_found', 'No access or pending invitation matched.');
    // One event per door whose access row was really deleted, not per door asked for.
    if (personId) {
      for (const doorId of removedDoorIds) {
        const deviceId = scope.devices.get(doorId)!;
        const data: EventFields['access_removed'] = {
          doorID: compactId(doorId), deviceID: compactId(deviceId), personID: compactId(personId), removedByUserID: compactId(viewer.personId),
        };
        await appendEvent(trx, { type: 'access_removed', doorId, deviceId, personIds: [personId, viewer.personId], occurredAt: now, data });
      }
    }
    return { removedAccess, cancelledInvitations };
  });
}

/** Whose access: exactly one of email_address and user_id. */
function readTarget(input: RemoveAccessInput): { email: string } | { userId: string } {
  const hasEmail = input.email_address !== undefined && input.email_address !== null;
  const hasUser = input.user_id !== undefined && input.user_id !== null;
  if (hasEmail === hasUser) throw new DomainError('invalid', hasEmail ? 'Give email_address or user_id, not both.' : 'email_address or user_id is required.');
  return hasEmail ? { email: readEmail(input.email_address) } : { userId: readUserId(input.user_id) };
}

/** An address may have no login yet (only invitations); an unknown user id matches nothing. */
async function findTarget(db: Kysely<Database>, who: { email: string } | { userId: string }): Promise<{ personId?: string; email?: string }> {
  if ('email' in who) return { email: who.email, personId: (await findPersonByEmail(db, who.email))?.id };
  const person = await findPersonById(db, who.userId);
  return person ? { personId: person.id, email: person.email } : {};
}

/**
 * The doors whose access the viewer may remove: `owned` (they are the Admin)
 * and `shared` (a sharing User: only the access they gave). Without a list,
 * every such door; with one, a door they cannot see is not found and one
 * they may not manage is forbidden.
 */
async function managedDoors(db: Kysely<Database>, viewer: Viewer, requested: string[] | undefined, at: Date): Promise<{ owned: string[]; shared: string[]; devices: Map<string, string> }> {
  const visible = await visibleDoors(db, viewer, at);
  const byId = new Map(visible.map((door) => [door.id, door]));
  const sharing = new Map<string, boolean>();
  const canShare = async (door: VisibleDoor) => {
    if (!sharing.has(door.row.account_id)) sharing.set(door.row.account_id, (await findMembership(db, door.row.account_id, viewer.personId))?.can_share === 1);
    return sharing.get(door.row.account_id)!;
  };
  const owned: string[] = [];
  const shared: string[] = [];
  for (const id of requested ?? visible.map((door) => door.id)) {
    const door = byId.get(id);
    if (!door) throw new DomainError('not_found', 'No such door.');
    if (door.relationship === 'Owner') owned.push(id);
    else if (await canShare(door)) shared.push(id);
    else if (requested) throw new DomainError('forbidden', 'You may not manage access to this door.');
  }
  return { owned, shared, devices: new Map(visible.map((door) => [door.id, door.row.device_id])) };
}
