import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A controller signs in to MQTT with its id and this secret (stored hashed).
  await db.schema.alterTable('devices').addColumn('secret_hash', 'text').execute();
  // Set by the controller's retained status and last will.
  await db.schema.alterTable('devices').addColumn('online', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.createTable('door_commands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('entity_number', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('requested_state', 'text', (c) => c.notNull().check(sql`requested_state in ('OPEN', 'CLOSED')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('reason', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  // One unanswered command per door at a time, whichever process sent it (409 otherwise).
  await db.schema.createIndex('door_commands_one_pending').on('door_commands').column('door_id').unique()
    .where(sql.ref('status'), '=', 'pending').execute();
  // A retried request with the same Idempotency-Key finds the first outcome (keys are scoped to who sent them).
  await db.schema.createIndex('door_commands_idempotency').on('door_commands').column('idempotency_key').unique().execute();
  await db.schema.createIndex('door_commands_door_time').on('door_commands').columns(['door_id', 'created_at']).execute();
}
