import type { Kysely } from 'kysely';

/** ISO 3166-2 subdivision (`us-ny`) or alpha-2 country (`gb`), lower case (phase2.md section 0). */
const regionPattern = /^[a-z]{2}(-[a-z0-9]{1,3})?$/;

export async function up(db: Kysely<any>): Promise<void> {
  // Regions were free text; readers match a region only when it is a code. One
  // that is not becomes '' ("not known"), which the API answers as null: an
  // empty string rather than a null column spares SQLite a table rebuild.
  const vehicles = await db.selectFrom('vehicles').select(['id', 'region']).execute() as { id: string; region: string }[];
  for (const { id, region } of vehicles) {
    const code = region.trim().toLowerCase();
    const kept = regionPattern.test(code) ? code : '';
    if (kept !== region) await db.updateTable('vehicles').set({ region: kept }).where('id', '=', id).execute();
  }
  // Readers look vehicles up by plate across an account's members.
  await db.schema.createIndex('vehicles_plate').on('vehicles').column('plate').execute();

  // How many of each member's vehicles the readers admit, in adding order (null: all).
  await db.schema.alterTable('accounts').addColumn('lpr_vehicle_cap', 'integer').execute();

  // An Admin's "not admitted as a member vehicle" for a plate at the account;
  // person_id is the member holding it when it was set.
  await db.schema.createTable('lpr_exclusions')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('plate_key', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('lpr_exclusions_pk', ['account_id', 'plate_key'])
    .execute();

  // A controller entity's reader settings; no row means the defaults (the door
  // at that entity, entry, 0.80, 30 s, enabled). The row is also what a read
  // locks, so two processes deciding reads of one reader take turns.
  await db.schema.createTable('lpr_readers')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('entity_number', 'integer', (c) => c.notNull())
    .addColumn('door_id', 'text', (c) => c.references('doors.id').onDelete('set null'))
    .addColumn('direction', 'text', (c) => c.notNull().defaultTo('entry'))
    .addColumn('min_confidence', 'real', (c) => c.notNull().defaultTo(0.8))
    .addColumn('repeat_window_s', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('lpr_readers_pk', ['device_id', 'entity_number'])
    .execute();

  // Every read a reader sent, with what was decided and why.
  await db.schema.createTable('plate_reads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('entity_number', 'integer', (c) => c.notNull())
    .addColumn('door_id', 'text', (c) => c.references('doors.id').onDelete('set null'))
    // The controller's own id for the read; a redelivered one is recognised by it.
    .addColumn('read_id', 'text')
    .addColumn('plate', 'text', (c) => c.notNull())
    .addColumn('plate_key', 'text')
    .addColumn('region', 'text')
    .addColumn('confidence', 'real', (c) => c.notNull())
    .addColumn('candidates', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('basis', 'text')
    .addColumn('basis_id', 'text')
    .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('toggle_id', 'text')
    .addColumn('near_matches', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plate_reads_read_id').on('plate_reads').columns(['device_id', 'read_id']).unique().execute();
  await db.schema.createIndex('plate_reads_account_time').on('plate_reads').columns(['account_id', 'occurred_at']).execute();
  await db.schema.createIndex('plate_reads_door_time').on('plate_reads').columns(['door_id', 'occurred_at']).execute();
  // Repeats and open stays: the latest granted reads of a plate at an account.
  await db.schema.createIndex('plate_reads_key_time').on('plate_reads').columns(['account_id', 'plate_key', 'occurred_at']).execute();

  // Who searched the reads for a plate, and when (phase2.md B.6).
  await db.schema.createTable('plate_lookups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('client_id', 'text')
    .addColumn('plate_key', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plate_lookups_account_time').on('plate_lookups').columns(['account_id', 'at']).execute();
}
