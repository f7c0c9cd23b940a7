import type { Kysely } from 'kysely';
import type { Database, Role } from '../database.ts';

export async function insertAccountIfAbsent(db: Kysely<Database>, account: { id: string; name: string; is_sandbox: number; created_at: number; third_party_access?: number }): Promise<void> {
  await db.insertInto('accounts').values({ third_party_access: 1, ...account }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function addMemberIfAbsent(db: Kysely<Database>, member: { account_id: string; person_id: string; role: Role; created_at: number }): Promise<void> {
  await db.insertInto('account_members').values(member)
    .onConflict((oc) => oc.columns(['account_id', 'person_id']).doNothing()).execute();
}

export function listMemberships(db: Kysely<Database>, personId: string) {
  return db.selectFrom('account_members')
    .innerJoin('accounts', 'accounts.id', 'account_members.account_id')
    .select(['accounts.id as account_id', 'accounts.name as account_name', 'account_members.role'])
    .where('account_members.person_id', '=', personId)
    .orderBy('accounts.name')
    .execute();
}
