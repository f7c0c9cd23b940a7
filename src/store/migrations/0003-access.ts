import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account_members').addColumn('can_share', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('blackbox_code', 'text', (c) => c.notNull().unique())
    .addColumn('claim_code_hash', 'text', (c) => c.notNull())
    .addColumn('number_of_entities_controlled', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_contact', 'bigint')
    .addColumn('software_version', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('time_before_door_open_alert', 'integer', (c) => c.notNull().defaultTo(900))
    .addColumn('bluetooth_onboard', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bluetooth_mac_address', 'text', (c) => c.notNull().defaultTo('000000000000'))
    .addColumn('is_sandbox', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_account').on('devices').column('account_id').execute();

  await db.schema.createTable('doors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('entity_number', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('momentary', 'stateful')`))
    .addColumn('door_type', 'text', (c) => c.notNull().check(sql`door_type in ('garage', 'gate', 'pedestrian', 'elevator')`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('CLOSED').check(sql`state in ('OPEN', 'CLOSED')`))
    .addColumn('last_toggled', 'bigint')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('auto_close_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auto_close_delay', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sensor', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sensor_mac_address', 'text', (c) => c.notNull().defaultTo('000000000000'))
    .addColumn('sensor_battery_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('doors_device_entity', ['device_id', 'entity_number'])
    .execute();

  await db.schema.createTable('door_names')
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('door_names_pk', ['person_id', 'door_id'])
    .execute();

  await db.schema.createTable('door_access')
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('granted_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('weekly_hours', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('door_access_pk', ['door_id', 'person_id'])
    .execute();
  await db.schema.createIndex('door_access_person').on('door_access').column('person_id').execute();

  await db.schema.createTable('person_settings')
    .addColumn('person_id', 'text', (c) => c.primaryKey().references('people.id').onDelete('cascade'))
    .addColumn('notifications_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('notification_tone', 'text', (c) => c.notNull().defaultTo('door_open'))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('America/New_York'))
    .addColumn('pin_sealed', 'text')
    .addColumn('pin_lookup', 'text')
    .addColumn('share_pin_with_apps', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('person_settings_pin_lookup').on('person_settings').column('pin_lookup').execute();

  await db.schema.createTable('vehicles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('plate', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('make', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('model', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('color', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // What a person authorized an application to do: the OAuth grant's doors.
  await db.schema.createTable('authorizations')
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('all_doors', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('authorizations_person').on('authorizations').column('person_id').execute();
  await db.schema.createTable('authorization_doors')
    .addColumn('grant_id', 'text', (c) => c.notNull().references('authorizations.grant_id').onDelete('cascade'))
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('authorization_doors_pk', ['grant_id', 'door_id'])
    .execute();

  await db.schema.createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('door_ids', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('weekly_hours', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('accepted_by', 'text')
    .execute();
  await db.schema.createIndex('invitations_email').on('invitations').column('email').execute();

  await db.schema.createTable('access_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('door_state', 'text', (c) => c.notNull())
    .addColumn('was_success', 'integer', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_events_door_time').on('access_events').columns(['door_id', 'occurred_at']).execute();
  await db.schema.createIndex('access_events_person_time').on('access_events').columns(['person_id', 'occurred_at']).execute();

  await db.schema.createTable('mail')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
