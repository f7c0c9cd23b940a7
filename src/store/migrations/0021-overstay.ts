import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // When the overstay job (phase2.md C.3) looked at an ended pass: it looks once,
  // claiming the pass by compare-and-set, so no pass is alerted twice.
  await db.schema.alterTable('guest_passes').addColumn('overstay_checked_at', 'integer').execute();
}
