import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The guest policy of an account (phase2.md D.1), set by its Admin.
  await db.schema.alterTable('accounts').addColumn('guest_users_may_issue', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('accounts').addColumn('guest_max_active_per_issuer', 'integer', (c) => c.notNull().defaultTo(10)).execute();
  await db.schema.alterTable('accounts').addColumn('guest_max_days', 'integer', (c) => c.notNull().defaultTo(7)).execute();
  await db.schema.alterTable('accounts').addColumn('guest_max_recurring_days', 'integer', (c) => c.notNull().defaultTo(90)).execute();
  await db.schema.alterTable('accounts').addColumn('guest_pin_length', 'integer', (c) => c.notNull().defaultTo(6)).execute();

  // A self-registration link (D.3): its page issues or requests passes in its owner's name.
  await db.schema.createTable('unit_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('owner_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    // The owner sees the url again (sealed); the page finds the link by the hash.
    .addColumn('token_sealed', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('max_hours', 'integer', (c) => c.notNull().defaultTo(24))
    .addColumn('auto_approve', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('unit_links_owner').on('unit_links').columns(['account_id', 'owner_id']).execute();
  await db.schema.createTable('unit_link_doors')
    .addColumn('unit_link_id', 'text', (c) => c.notNull().references('unit_links.id').onDelete('cascade'))
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('unit_link_doors_pk', ['unit_link_id', 'door_id'])
    .execute();

  // A guest pass. `state` is what people decided (pending, issued, revoked,
  // declined); scheduled, active, expired and used follow from the clock and
  // first_used_at, so no job has to move them.
  await db.schema.createTable('guest_passes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('issuer_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('unit_link_id', 'text', (c) => c.references('unit_links.id').onDelete('set null'))
    .addColumn('guest_name', 'text', (c) => c.notNull())
    .addColumn('guest_email', 'text')
    .addColumn('guest_phone', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('weekly_hours', 'text')
    .addColumn('plate', 'text')
    .addColumn('plate_key', 'text')
    .addColumn('region', 'text')
    .addColumn('token_sealed', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('pin_sealed', 'text')
    .addColumn('pin_lookup', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_used_at', 'bigint')
    // Set by whoever mails first, by compare-and-set: once per pass in all processes.
    .addColumn('arrival_mailed_at', 'bigint')
    .addColumn('reminder_sent_at', 'bigint')
    // 1 when the PIN was redrawn (a member took it) and the guest is yet to be mailed the new one.
    .addColumn('pin_mail_due', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('revoked_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guest_passes_issuer').on('guest_passes').columns(['account_id', 'issuer_id', 'created_at']).execute();
  await db.schema.createIndex('guest_passes_plate').on('guest_passes').columns(['account_id', 'plate_key']).execute();
  await db.schema.createIndex('guest_passes_reminder').on('guest_passes').columns(['reminder_sent_at', 'ends_at']).execute();
  await db.schema.createTable('guest_pass_doors')
    .addColumn('guest_pass_id', 'text', (c) => c.notNull().references('guest_passes.id').onDelete('cascade'))
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('guest_pass_doors_pk', ['guest_pass_id', 'door_id'])
    .execute();
  await db.schema.createIndex('guest_pass_doors_door').on('guest_pass_doors').column('door_id').execute();

  // A guest pass's PIN is claimed under its issuer's membership (the claim goes
  // with it); guest_pass_id tells it from the issuer's own PIN (phase2.md A.5).
  await db.schema.alterTable('pin_claims').addColumn('guest_pass_id', 'text', (c) => c.references('guest_passes.id').onDelete('cascade')).execute();

  // Who an opening was for, beside the person it ran as (phase2.md B.5).
  await db.schema.alterTable('access_events').addColumn('guest_pass_id', 'text').execute();
  await db.schema.alterTable('access_events').addColumn('booking_id', 'text').execute();
}
