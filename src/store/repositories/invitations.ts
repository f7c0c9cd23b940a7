// Invitations to doors (spec 4, "Invite User"). The token is never stored:
// only its SHA-256, so the table holds no usable link.
import type { Kysely, Selectable } from 'kysely';
import type { Database, InvitationsTable } from '../database.ts';

export type InvitationRow = Omit<Selectable<InvitationsTable>, 'token_hash'>;

const columns = ['id', 'email', 'invited_by', 'door_ids', 'starts_at', 'ends_at', 'weekly_hours', 'created_at', 'expires_at', 'accepted_at', 'accepted_by'] as const;

export async function insertInvitation(db: Kysely<Database>, row: Database['invitations']): Promise<void> {
  await db.insertInto('invitations').values(row).execute();
}

export function findInvitationByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').select(columns).where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks it used only if it is still unused and unexpired; false: another request used it first. */
export async function markInvitationAccepted(db: Kysely<Database>, id: string, personId: string, at: number): Promise<boolean> {
  const result = await db.updateTable('invitations').set({ accepted_at: at, accepted_by: personId })
    .where('id', '=', id).where('accepted_at', 'is', null).where('expires_at', '>', at).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function pendingInvitationsFor(db: Kysely<Database>, email: string, now: number): Promise<InvitationRow[]> {
  return db.selectFrom('invitations').select(columns)
    .where('email', '=', email.toLowerCase()).where('accepted_at', 'is', null).where('expires_at', '>', now)
    .orderBy('created_at').execute();
}

export async function setInvitationDoors(db: Kysely<Database>, id: string, doorIds: string[]): Promise<void> {
  await db.updateTable('invitations').set({ door_ids: JSON.stringify(doorIds) }).where('id', '=', id).execute();
}

export async function deleteInvitation(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('invitations').where('id', '=', id).execute();
}

/** The doors an invitation names, with the account each belongs to now (unclaimed devices drop out). */
export function invitedDoors(db: Kysely<Database>, doorIds: string[]) {
  if (doorIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('doors').innerJoin('devices', 'devices.id', 'doors.device_id').innerJoin('accounts', 'accounts.id', 'devices.account_id')
    .select(['doors.id', 'doors.name', 'accounts.id as account_id', 'accounts.name as account_name', 'accounts.time_zone as account_time_zone'])
    .where('doors.id', 'in', doorIds).orderBy('accounts.name').orderBy('doors.name').execute();
}

/** Pending invitations sent by members of an account (only they can share its doors), newest first. */
export function pendingInvitationsByMembersOf(db: Kysely<Database>, accountId: string, now: number): Promise<InvitationRow[]> {
  return db.selectFrom('invitations').select(columns.map((column) => `invitations.${column}` as const))
    .where('invitations.accepted_at', 'is', null).where('invitations.expires_at', '>', now)
    .where('invitations.invited_by', 'in', (eb) => eb.selectFrom('account_members').select('account_members.person_id').where('account_members.account_id', '=', accountId))
    .orderBy('invitations.created_at', 'desc').execute();
}

export function findInvitation(db: Kysely<Database>, id: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').select(columns).where('id', '=', id).executeTakeFirst();
}

/** A fresh link for the same invitation: the old link stops working. */
export async function renewInvitationToken(db: Kysely<Database>, id: string, tokenHash: string, expiresAt: number): Promise<boolean> {
  const result = await db.updateTable('invitations').set({ token_hash: tokenHash, expires_at: expiresAt })
    .where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
