import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Every mailed single-use link (sign-up, password reset, email change) in
  // one table: only the token's SHA-256 is kept, so the table holds no usable
  // link. `email` is the address the link was mailed to (for an email change,
  // the new one); `person_id` whose login it acts on (null for a sign-up).
  await db.schema.createTable('mail_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('sign_up', 'password_reset', 'email_change')`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('cascade'))
    .addColumn('next_path', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('mail_links_expiry').on('mail_links').column('expires_at').execute();
  await db.schema.createIndex('web_sessions_person').on('web_sessions').column('person_id').ifNotExists().execute();
}
