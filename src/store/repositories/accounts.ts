import type { Kysely } from 'kysely';
import type { Database, Role } from '../database.ts';
import { ADMIN_ROLE } from '../partial-index-values.ts';

export async function insertAccountIfAbsent(db: Kysely<Database>, account: { id: string; name: string; time_zone: string; is_sandbox: number; created_at: number; third_party_access?: number }): Promise<void> {
  await db.insertInto('accounts').values({ third_party_access: 1, ...account }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function addMemberIfAbsent(db: Kysely<Database>, member: { account_id: string; person_id: string; role: Role; created_at: number }): Promise<void> {
  await db.insertInto('account_members').values(member)
    .onConflict((oc) => oc.columns(['account_id', 'person_id']).doNothing()).execute();
}

export function listMemberships(db: Kysely<Database>, personId: string) {
  return db.selectFrom('account_members')
    .innerJoin('accounts', 'accounts.id', 'account_members.account_id')
    .select(['accounts.id as account_id', 'accounts.name as account_name', 'account_members.role', 'account_members.can_share', 'account_members.can_issue_guests', 'account_members.can_enforce', 'accounts.third_party_access', 'accounts.time_zone', 'accounts.lpr_vehicle_cap',
      'accounts.guest_users_may_issue', 'accounts.guest_max_active_per_issuer', 'accounts.guest_max_days', 'accounts.guest_max_recurring_days', 'accounts.guest_pin_length'])
    .where('account_members.person_id', '=', personId)
    .orderBy('accounts.name')
    .execute();
}

export function findMembership(db: Kysely<Database>, accountId: string, personId: string) {
  return db.selectFrom('account_members').select(['role', 'can_share', 'can_issue_guests', 'can_enforce'])
    .where('account_id', '=', accountId).where('person_id', '=', personId).executeTakeFirst();
}

/** The Admin of each of these accounts (an account has one). */
export function accountAdmins(db: Kysely<Database>, accountIds: string[]): Promise<{ account_id: string; person_id: string }[]> {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('account_members').select(['account_id', 'person_id'])
    .where('account_id', 'in', accountIds).where('role', '=', ADMIN_ROLE).execute();
}

/** GuestAccess: whether a User may share the doors they use (spec 1). */
export async function setMemberSharing(db: Kysely<Database>, accountId: string, personId: string, canShare: boolean): Promise<void> {
  await db.updateTable('account_members').set({ can_share: canShare ? 1 : 0 })
    .where('account_id', '=', accountId).where('person_id', '=', personId).execute();
}

export async function setAccountTimeZone(db: Kysely<Database>, accountId: string, timeZone: string): Promise<void> {
  await db.updateTable('accounts').set({ time_zone: timeZone }).where('id', '=', accountId).execute();
}

export async function setThirdPartyAccessFlag(db: Kysely<Database>, accountId: string, enabled: boolean): Promise<void> {
  await db.updateTable('accounts').set({ third_party_access: enabled ? 1 : 0 }).where('id', '=', accountId).execute();
}

export function findAccount(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('accounts').select(['id', 'name', 'time_zone', 'third_party_access']).where('id', '=', accountId).executeTakeFirst();
}

export async function renameAccount(db: Kysely<Database>, accountId: string, name: string): Promise<void> {
  await db.updateTable('accounts').set({ name }).where('id', '=', accountId).execute();
}

/** The three permission columns of one member (phase2.md A.7). */
export interface PermissionColumns {
  can_share: number;
  can_issue_guests: number;
  can_enforce: number;
}

export async function setMemberPermissions(db: Kysely<Database>, accountId: string, personId: string, columns: PermissionColumns): Promise<boolean> {
  const result = await db.updateTable('account_members').set(columns)
    .where('account_id', '=', accountId).where('person_id', '=', personId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function memberRows(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('account_members')
    .innerJoin('people', 'people.id', 'account_members.person_id')
    .leftJoin('pin_claims', (join) => join.onRef('pin_claims.account_id', '=', 'account_members.account_id')
      .onRef('pin_claims.person_id', '=', 'account_members.person_id').on('pin_claims.guest_pass_id', 'is', null))
    .select(['people.id as person_id', 'people.first_name', 'people.last_name', 'people.email', 'account_members.role', 'account_members.can_share',
      'account_members.can_issue_guests', 'account_members.can_enforce', 'account_members.created_at', 'pin_claims.pin_lookup'])
    .where('account_members.account_id', '=', accountId);
}

/** A page of an account's members, newest first; `before` is the last row of the previous page. */
export function membersOfAccount(db: Kysely<Database>, accountId: string, limit: number, before?: { createdAt: number; personId: string }) {
  let query = memberRows(db, accountId);
  if (before) {
    query = query.where((eb) => eb.or([
      eb('account_members.created_at', '<', before.createdAt),
      eb.and([eb('account_members.created_at', '=', before.createdAt), eb('account_members.person_id', '<', before.personId)]),
    ]));
  }
  return query.orderBy('account_members.created_at', 'desc').orderBy('account_members.person_id', 'desc').limit(limit).execute();
}

export function findMember(db: Kysely<Database>, accountId: string, personId: string) {
  return memberRows(db, accountId).where('account_members.person_id', '=', personId).executeTakeFirst();
}

export async function deleteMembership(db: Kysely<Database>, accountId: string, personId: string): Promise<boolean> {
  const result = await db.deleteFrom('account_members').where('account_id', '=', accountId).where('person_id', '=', personId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
