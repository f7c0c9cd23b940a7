import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per Idempotency-Key (phase2.md A.6). key_hash covers the key, the
  // client and the person, so one caller's key never meets another's. A
  // `running` row expires when it may be taken over (its request died); a
  // `done` one when its answer is no longer replayed.
  await db.schema.createTable('idempotency_records')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('running', 'done')`))
    .addColumn('status', 'integer')
    .addColumn('body_sealed', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idempotency_records_expiry').on('idempotency_records').column('expires_at').execute();
}
