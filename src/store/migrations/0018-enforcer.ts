import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The tables no statement may change once written (phase2.md C.2): the database itself refuses, whatever the code does. */
const appendOnly = ['notice_status_log', 'notice_remarks', 'notice_evidence'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // "DO NOT TOW": a plate the account lets stay, and optionally lets in at some doors.
  await db.schema.createTable('allowances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    // Filled once properties exist (Marketplace); the account scopes everything until then.
    .addColumn('property_id', 'text')
    .addColumn('plate_key', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('resident', 'employee', 'vendor', 'guest', 'service', 'other')`))
    .addColumn('holder_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('unit', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint')
    // JSON array of door ids the plate's reads open, as the system.
    .addColumn('admit_door_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('allowances_account_plate').on('allowances').columns(['account_id', 'plate_key']).execute();

  await db.schema.createTable('watchlist')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('plate_key', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('watchlist_account_plate').on('watchlist').columns(['account_id', 'plate_key']).unique().execute();

  // The last notice number of each account; issuing locks its row, so two patrollers never share a number.
  await db.schema.createTable('notice_counters')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('enforcement_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('unauthorized_vehicle', 'watchlist_hit', 'wrong_pin', 'forced_open', 'overstay')`))
    .addColumn('door_id', 'text', (c) => c.references('doors.id').onDelete('set null'))
    .addColumn('plate_key', 'text')
    .addColumn('read_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'accepted', 'rejected')`))
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('resolved_at', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('notice_id', 'text')
    .execute();
  await db.schema.createIndex('enforcement_alerts_account_time').on('enforcement_alerts').columns(['account_id', 'opened_at']).execute();

  await db.schema.createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('property_id', 'text')
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('warning', 'violation', 'tow_authorization')`))
    .addColumn('plate_key', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('make', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('model', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('color', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('observed_at', 'bigint', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer')
    .addColumn('alert_id', 'text', (c) => c.references('enforcement_alerts.id').onDelete('set null'))
    .addColumn('override_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notices_account_number').on('notices').columns(['account_id', 'number']).unique().execute();
  await db.schema.createIndex('notices_account_plate').on('notices').columns(['account_id', 'plate_key']).execute();

  // Append-only: no cascade from a notice (the triggers would refuse it anyway).
  await db.schema.createTable('notice_status_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('previous_status', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('person_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notice_status_log_notice').on('notice_status_log').columns(['notice_id', 'at']).execute();
  await db.schema.createTable('notice_remarks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notice_remarks_notice').on('notice_remarks').columns(['notice_id', 'at']).execute();
  await db.schema.createTable('notice_evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notice_evidence_notice').on('notice_evidence').columns(['notice_id', 'at']).execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function parqex_append_only() returns trigger language plpgsql as $$
      begin raise exception '% is append-only', tg_table_name; end $$`.execute(db);
    for (const table of appendOnly) {
      await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function parqex_append_only()`.execute(db);
    }
  } else {
    for (const table of appendOnly) {
      for (const action of ['update', 'delete']) {
        await sql`create trigger ${sql.raw(`${table}_no_${action}`)} before ${sql.raw(action)} on ${sql.table(table)} begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
      }
    }
  }
}
