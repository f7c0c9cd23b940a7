import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The opening (its last_toggled) already announced as left open: every
  // platform process sweeps, and only the one whose update moves this column
  // to the current opening announces it. Null: no opening announced yet.
  await db.schema.alterTable('doors').addColumn('open_alert_for', 'bigint').execute();
}
