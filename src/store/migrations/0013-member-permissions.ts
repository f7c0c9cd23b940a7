import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The two permissions beside can_share (phase2.md A.7): issuing guest passes
  // and enforcing. Nobody holds them until an Admin gives them; an Admin holds
  // every permission by role, whatever these columns say.
  await db.schema.alterTable('account_members').addColumn('can_issue_guests', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('account_members').addColumn('can_enforce', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Phase 2 events name their recipients and the account they concern (phase2.md
  // section 0): the third-party switch of that account is asked at fan-out.
  await db.schema.alterTable('outbox_events').addColumn('account_id', 'text').execute();
  // The members list pages newest first within one account.
  await db.schema.createIndex('account_members_by_account').on('account_members').columns(['account_id', 'created_at', 'person_id']).execute();
}
