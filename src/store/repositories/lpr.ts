// What the plate readers of an account work from: its members' vehicles, the
// Admin's exclusions and vehicle cap, and each reader's settings.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Every member's vehicles, each member's in adding order (the order the cap counts in). */
export function memberVehicles(db: Kysely<Database>, accountId: string, personIds?: string[]) {
  let query = db.selectFrom('account_members')
    .innerJoin('vehicles', 'vehicles.person_id', 'account_members.person_id')
    .select(['vehicles.id', 'vehicles.person_id', 'vehicles.plate', 'vehicles.region', 'vehicles.created_at'])
    .where('account_members.account_id', '=', accountId);
  if (personIds) query = query.where('account_members.person_id', 'in', personIds.length > 0 ? personIds : ['']);
  return query.orderBy('vehicles.person_id').orderBy('vehicles.created_at').orderBy('vehicles.id').execute();
}

/** The members holding a vehicle with this plate key. */
export async function holdersOfPlate(db: Kysely<Database>, accountId: string, plateKey: string): Promise<string[]> {
  const rows = await db.selectFrom('account_members')
    .innerJoin('vehicles', 'vehicles.person_id', 'account_members.person_id')
    .select('account_members.person_id').distinct()
    .where('account_members.account_id', '=', accountId).where('vehicles.plate', '=', plateKey)
    .execute();
  return rows.map((row) => row.person_id);
}

export function exclusionsOf(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('lpr_exclusions').selectAll().where('account_id', '=', accountId).orderBy('plate_key').execute();
}

export async function vehicleCapOf(db: Kysely<Database>, accountId: string): Promise<number | null> {
  const row = await db.selectFrom('accounts').select('lpr_vehicle_cap').where('id', '=', accountId).executeTakeFirst();
  return row?.lpr_vehicle_cap ?? null;
}

export function findExclusion(db: Kysely<Database>, accountId: string, plateKey: string) {
  return db.selectFrom('lpr_exclusions').selectAll().where('account_id', '=', accountId).where('plate_key', '=', plateKey).executeTakeFirst();
}

/** Sets the exclusion, or its reason when the plate was excluded already. */
export async function upsertExclusion(db: Kysely<Database>, row: Database['lpr_exclusions']): Promise<void> {
  await db.insertInto('lpr_exclusions').values(row)
    .onConflict((oc) => oc.columns(['account_id', 'plate_key']).doUpdateSet({ reason: row.reason })).execute();
}

export async function deleteExclusion(db: Kysely<Database>, accountId: string, plateKey: string): Promise<boolean> {
  const result = await db.deleteFrom('lpr_exclusions').where('account_id', '=', accountId).where('plate_key', '=', plateKey).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A leaving member's exclusions go with them: those on plates no other member of the account holds. */
export async function deleteExclusionsOfLeavingMember(db: Kysely<Database>, accountId: string, personId: string): Promise<void> {
  await db.deleteFrom('lpr_exclusions').where('account_id', '=', accountId)
    .where('plate_key', 'in', (eb) => eb.selectFrom('vehicles').select('plate').where('person_id', '=', personId))
    .where('plate_key', 'not in', (eb) => eb.selectFrom('vehicles').innerJoin('account_members', 'account_members.person_id', 'vehicles.person_id')
      .select('vehicles.plate').where('account_members.account_id', '=', accountId).where('account_members.person_id', '!=', personId))
    .execute();
}

export async function setVehicleCapOf(db: Kysely<Database>, accountId: string, cap: number | null): Promise<void> {
  await db.updateTable('accounts').set({ lpr_vehicle_cap: cap }).where('id', '=', accountId).execute();
}

/** The account's claimed controllers with how many entities each drives. */
export function readerControllersOf(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('devices').select(['id', 'name', 'blackbox_code', 'number_of_entities_controlled'])
    .where('account_id', '=', accountId).orderBy('blackbox_code').execute();
}

/** The reader rows of the account's controllers. */
export function readerRowsOf(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('lpr_readers').innerJoin('devices', 'devices.id', 'lpr_readers.device_id')
    .selectAll('lpr_readers').where('devices.account_id', '=', accountId).execute();
}

export async function upsertReader(db: Kysely<Database>, row: Database['lpr_readers']): Promise<void> {
  const { device_id: _device, entity_number: _entity, ...settings } = row;
  await db.insertInto('lpr_readers').values(row)
    .onConflict((oc) => oc.columns(['device_id', 'entity_number']).doUpdateSet(settings)).execute();
}

export interface ReadFilter {
  accountId: string;
  doorId?: string;
  plateKey?: string;
  decision?: string;
  from?: number;
  to?: number;
  /** Older than this read (the cursor), newest first. */
  before?: { occurredAt: number; id: string };
}

/** The account's reads, newest first, with the door's and the person's names. */
export function plateReadsOf(db: Kysely<Database>, filter: ReadFilter, limit: number) {
  let query = db.selectFrom('plate_reads')
    .leftJoin('doors', 'doors.id', 'plate_reads.door_id')
    .leftJoin('people', 'people.id', 'plate_reads.person_id')
    .selectAll('plate_reads')
    .select(['doors.name as door_name', 'people.first_name', 'people.last_name'])
    .where('plate_reads.account_id', '=', filter.accountId);
  if (filter.doorId !== undefined) query = query.where('plate_reads.door_id', '=', filter.doorId);
  if (filter.plateKey !== undefined) query = query.where('plate_reads.plate_key', '=', filter.plateKey);
  if (filter.decision !== undefined) query = query.where('plate_reads.decision', '=', filter.decision as Database['plate_reads']['decision']);
  if (filter.from !== undefined) query = query.where('plate_reads.occurred_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('plate_reads.occurred_at', '<', filter.to);
  const before = filter.before;
  if (before) {
    query = query.where((eb) => eb.or([
      eb('plate_reads.occurred_at', '<', before.occurredAt),
      eb.and([eb('plate_reads.occurred_at', '=', before.occurredAt), eb('plate_reads.id', '<', before.id)]),
    ]));
  }
  return query.orderBy('plate_reads.occurred_at', 'desc').orderBy('plate_reads.id', 'desc').limit(limit).execute();
}

export async function insertPlateLookup(db: Kysely<Database>, row: Database['plate_lookups']): Promise<void> {
  await db.insertInto('plate_lookups').values(row).execute();
}

/** The account's members, for naming who holds each vehicle. */
export function membersOfAccountPeople(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('account_members').innerJoin('people', 'people.id', 'account_members.person_id')
    .select(['people.id', 'people.first_name', 'people.last_name', 'people.email'])
    .where('account_members.account_id', '=', accountId).execute();
}
