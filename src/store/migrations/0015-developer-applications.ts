import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Applications made in the developer console belong to the person who made
  // them; the operator's (the command line's, the sandbox's) have no owner.
  // A departed owner's applications fall back to the operator rather than
  // vanish under the people who authorized them.
  await db.schema.alterTable('clients').addColumn('owner_id', 'text', (c) => c.references('people.id').onDelete('set null')).execute();
  await db.schema.alterTable('clients').addColumn('company', 'text', (c) => c.notNull().defaultTo('')).execute();
  // Production credentials from the console wait for the platform's approval;
  // every client that exists already was made by the operator, so is approved.
  await db.schema.alterTable('clients').addColumn('approval', 'text', (c) => c.notNull().defaultTo('approved').check(sql`approval in ('pending', 'approved')`)).execute();
  await db.schema.alterTable('clients').addColumn('approved_at', 'bigint').execute();
  await db.schema.createIndex('clients_owner').on('clients').column('owner_id').execute();
}
