import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Secret attempts still being checked, apart from the failures: only a
  // checked failure may lock a key, so right secrets sent at once never do.
  await db.schema.alterTable('login_failures').addColumn('in_flight', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
