// Unit links (phase2.md D.3): a member's self-registration link and its doors.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { ADMIN_ROLE } from '../partial-index-values.ts';

export interface UnitLinkRow {
  id: string;
  account_id: string;
  owner_id: string;
  label: string;
  max_hours: number;
  auto_approve: number;
  active: number;
  token_hash: string;
  token_sealed: string;
  created_at: number;
  updated_at: number;
}

export interface UnitLinkWithDoors extends UnitLinkRow {
  door_ids: string[];
}

async function withDoors(db: Kysely<Database>, rows: UnitLinkRow[]): Promise<UnitLinkWithDoors[]> {
  if (rows.length === 0) return [];
  const doors = await db.selectFrom('unit_link_doors').select(['unit_link_id', 'door_id'])
    .where('unit_link_id', 'in', rows.map((row) => row.id)).orderBy('door_id').execute();
  return rows.map((row) => ({ ...row, door_ids: doors.filter((door) => door.unit_link_id === row.id).map((door) => door.door_id) }));
}

export async function insertUnitLink(db: Kysely<Database>, row: UnitLinkRow, doorIds: string[]): Promise<void> {
  await db.insertInto('unit_links').values(row).execute();
  await db.insertInto('unit_link_doors').values(doorIds.map((door_id) => ({ unit_link_id: row.id, door_id }))).execute();
}

/** The account's links, newest first; of one owner when given. */
export async function unitLinksOfAccount(db: Kysely<Database>, accountId: string, ownerId?: string): Promise<UnitLinkWithDoors[]> {
  let query = db.selectFrom('unit_links').selectAll().where('account_id', '=', accountId);
  if (ownerId !== undefined) query = query.where('owner_id', '=', ownerId);
  return withDoors(db, await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute());
}

export async function findUnitLink(db: Kysely<Database>, id: string): Promise<UnitLinkWithDoors | undefined> {
  const row = await db.selectFrom('unit_links').selectAll().where('id', '=', id).executeTakeFirst();
  return row && (await withDoors(db, [row]))[0];
}

export async function findUnitLinkByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<UnitLinkWithDoors | undefined> {
  const row = await db.selectFrom('unit_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row && (await withDoors(db, [row]))[0];
}

/** False when the link is gone (deleted since it was read): nothing is written. */
export async function updateUnitLinkRow(db: Kysely<Database>, id: string, changes: Partial<Pick<UnitLinkRow, 'label' | 'max_hours' | 'auto_approve' | 'active' | 'updated_at'>>, doorIds?: string[]): Promise<boolean> {
  const { numUpdatedRows } = await db.updateTable('unit_links').set(changes).where('id', '=', id).executeTakeFirst();
  if (numUpdatedRows === 0n) return false;
  if (doorIds === undefined) return true;
  await db.deleteFrom('unit_link_doors').where('unit_link_id', '=', id).execute();
  await db.insertInto('unit_link_doors').values(doorIds.map((door_id) => ({ unit_link_id: id, door_id }))).execute();
  return true;
}

export async function deleteUnitLinkRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('unit_links').where('id', '=', id).execute();
}

/** Passes registered through the link since an instant: the hourly limit counts them. */
export async function registrationsSince(db: Kysely<Database>, unitLinkId: string, since: number): Promise<number> {
  const row = await db.selectFrom('guest_passes').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('unit_link_id', '=', unitLinkId).where('created_at', '>', since).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The person's memberships where they may issue guest passes: Admin, or `guests` while the account lets Users issue. */
export function issuingMemberships(db: Kysely<Database>, personId: string) {
  return db.selectFrom('account_members').innerJoin('accounts', 'accounts.id', 'account_members.account_id')
    .select(['accounts.id', 'accounts.name', 'accounts.time_zone', 'account_members.role'])
    .where('account_members.person_id', '=', personId)
    .where((eb) => eb.or([eb('account_members.role', '=', ADMIN_ROLE), eb.and([eb('account_members.can_issue_guests', '=', 1), eb('accounts.guest_users_may_issue', '=', 1)])]))
    .orderBy('accounts.name').execute();
}
