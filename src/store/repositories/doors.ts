// Doors as one person meets them: every door of an account they administer,
// and every door they were given access to, with their name for it, their
// access window, its device and the account's Admin. A repository answers
// "which rows"; whether the person may see or operate them is access/'s call.
import type { Insertable, Kysely } from 'kysely';
import type { Database, DoorKind, DoorState, DoorType } from '../database.ts';
import { ADMIN_ROLE } from '../partial-index-values.ts';
import { prepared } from '../prepared.ts';

export interface PersonDoorRow {
  door_id: string;
  entity_number: number;
  admin_name: string;
  personal_name: string | null;
  kind: DoorKind;
  door_type: DoorType;
  state: DoorState;
  last_toggled: number | null;
  door_active: number;
  auto_close_enabled: number;
  auto_close_delay: number;
  sensor: number;
  sensor_mac_address: string;
  sensor_battery_level: number;
  device_id: string;
  blackbox_code: string;
  number_of_entities_controlled: number;
  device_active: number;
  /** 1 while the controller's connection is up (its last will says when it drops). */
  device_online: number;
  last_contact: number | null;
  software_version: string;
  time_before_door_open_alert: number;
  bluetooth_onboard: number;
  bluetooth_mac_address: string;
  account_id: string;
  account_name: string;
  account_time_zone: string;
  third_party_access: number;
  owner_first_name: string | null;
  owner_last_name: string | null;
  /** Non-null when the person administers the door's account. */
  admin_role: string | null;
  /** Non-null when the person was given access to the door. */
  access_person_id: string | null;
  starts_at: number | null;
  ends_at: number | null;
  weekly_hours: string | null;
}

const personDoorColumns = [
  'doors.id as door_id', 'doors.entity_number', 'doors.name as admin_name', 'door_names.name as personal_name',
  'doors.kind', 'doors.door_type', 'doors.state', 'doors.last_toggled', 'doors.active as door_active',
  'doors.auto_close_enabled', 'doors.auto_close_delay', 'doors.sensor', 'doors.sensor_mac_address', 'doors.sensor_battery_level',
  'devices.id as device_id', 'devices.blackbox_code', 'devices.number_of_entities_controlled', 'devices.active as device_active', 'devices.online as device_online',
  'devices.last_contact', 'devices.software_version', 'devices.time_before_door_open_alert', 'devices.bluetooth_onboard',
  'devices.bluetooth_mac_address', 'accounts.id as account_id', 'accounts.name as account_name', 'accounts.third_party_access', 'accounts.time_zone as account_time_zone',
  'owner.first_name as owner_first_name', 'owner.last_name as owner_last_name', 'mine.role as admin_role',
  'door_access.person_id as access_person_id', 'door_access.starts_at', 'door_access.ends_at', 'door_access.weekly_hours',
] as const;

// A person's doors are read by every sync and toggle; the query is compiled once per shape. It is the
// doors shared with the person, then the other doors of the accounts they administer, each part driven
// by its own index: one `or` over both would read every door on the server to find a person's few.
const personDoorsQuery = (db: Kysely<Database>, personId: string, doorId?: string) => {
  const shared = db.selectFrom('door_access')
    .innerJoin('doors', 'doors.id', 'door_access.door_id')
    .innerJoin('devices', 'devices.id', 'doors.device_id')
    .innerJoin('accounts', 'accounts.id', 'devices.account_id')
    .leftJoin('account_members as mine', (join) => join
      .onRef('mine.account_id', '=', 'accounts.id').on('mine.person_id', '=', personId).on('mine.role', '=', ADMIN_ROLE))
    .leftJoin('door_names', (join) => join.onRef('door_names.door_id', '=', 'doors.id').on('door_names.person_id', '=', personId))
    .leftJoin('account_members as admin', (join) => join.onRef('admin.account_id', '=', 'accounts.id').on('admin.role', '=', ADMIN_ROLE))
    .leftJoin('people as owner', 'owner.id', 'admin.person_id')
    .select(personDoorColumns)
    .where('door_access.person_id', '=', personId)
    .$castTo<PersonDoorRow>();
  const administered = db.selectFrom('account_members as mine')
    .innerJoin('accounts', 'accounts.id', 'mine.account_id')
    .innerJoin('devices', 'devices.account_id', 'accounts.id')
    .innerJoin('doors', 'doors.device_id', 'devices.id')
    .leftJoin('door_access', (join) => join.onRef('door_access.door_id', '=', 'doors.id').on('door_access.person_id', '=', personId))
    .leftJoin('door_names', (join) => join.onRef('door_names.door_id', '=', 'doors.id').on('door_names.person_id', '=', personId))
    .leftJoin('account_members as admin', (join) => join.onRef('admin.account_id', '=', 'accounts.id').on('admin.role', '=', ADMIN_ROLE))
    .leftJoin('people as owner', 'owner.id', 'admin.person_id')
    .select(personDoorColumns)
    .where('mine.person_id', '=', personId).where('mine.role', '=', ADMIN_ROLE)
    // Shared with them as well: the first part has it.
    .where('door_access.person_id', 'is', null)
    .$castTo<PersonDoorRow>();
  const both = doorId === undefined ? shared.unionAll(administered) : shared.where('doors.id', '=', doorId).unionAll(administered.where('doors.id', '=', doorId));
  return both.orderBy('account_name').orderBy('blackbox_code').orderBy('entity_number');
};
const allDoorsOfPerson = prepared((db: Kysely<Database>, personId: string) => personDoorsQuery(db, personId));
const oneDoorOfPerson = prepared((db: Kysely<Database>, personId: string, doorId: string) => personDoorsQuery(db, personId, doorId));

export function doorsOfPerson(db: Kysely<Database>, personId: string, doorId?: string): Promise<PersonDoorRow[]> {
  return doorId ? oneDoorOfPerson(db, personId, doorId) : allDoorsOfPerson(db, personId);
}

/** One door by id, with what a command to it needs: for openings decided without a person's view (keypad, plate readers). */
export function findDoor(db: Kysely<Database>, doorId: string) {
  return db.selectFrom('doors').select(['id', 'name', 'device_id', 'entity_number', 'kind', 'sensor']).where('id', '=', doorId).executeTakeFirst();
}

export async function insertDevice(db: Kysely<Database>, device: Insertable<Database['devices']>): Promise<void> {
  await db.insertInto('devices').values(device).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function insertDoor(db: Kysely<Database>, door: Insertable<Database['doors']>): Promise<void> {
  await db.insertInto('doors').values(door).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export function findDeviceByBlackbox(db: Kysely<Database>, blackboxCode: string) {
  return db.selectFrom('devices').select(['id', 'account_id', 'claim_code_hash', 'active']).where('blackbox_code', '=', blackboxCode).executeTakeFirst();
}

export async function assignDevice(db: Kysely<Database>, deviceId: string, accountId: string): Promise<boolean> {
  const result = await db.updateTable('devices').set({ account_id: accountId }).where('id', '=', deviceId).where('account_id', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setDeviceActive(db: Kysely<Database>, deviceId: string, active: boolean): Promise<boolean> {
  const result = await db.updateTable('devices').set({ active: active ? 1 : 0 }).where('id', '=', deviceId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setPersonalDoorName(db: Kysely<Database>, personId: string, doorId: string, name: string): Promise<void> {
  await db.insertInto('door_names').values({ person_id: personId, door_id: doorId, name })
    .onConflict((oc) => oc.columns(['person_id', 'door_id']).doUpdateSet({ name })).execute();
}

/** The doors of the accounts a person administers, with each account's zone; every door, or those listed. */
export function doorsAdministeredBy(db: Kysely<Database>, personId: string, doorIds?: readonly string[]) {
  if (doorIds?.length === 1) return oneDoorAdministeredBy(db, personId, doorIds[0]!);
  let query = administeredDoors(db, personId);
  if (doorIds) {
    if (doorIds.length === 0) return Promise.resolve([]);
    query = query.where('doors.id', 'in', [...doorIds]);
  }
  return query.execute();
}

const administeredDoors = (db: Kysely<Database>, personId: string) => db.selectFrom('doors')
  .innerJoin('devices', 'devices.id', 'doors.device_id')
  .innerJoin('accounts', 'accounts.id', 'devices.account_id')
  .innerJoin('account_members', (join) => join.onRef('account_members.account_id', '=', 'accounts.id')
    .on('account_members.person_id', '=', personId).on('account_members.role', '=', ADMIN_ROLE))
  .select(['doors.id as door_id', 'accounts.id as account_id', 'accounts.time_zone']);
// Every toggle asks about its one door: compiled once.
const oneDoorAdministeredBy = prepared((db: Kysely<Database>, personId: string, doorId: string) => administeredDoors(db, personId).where('doors.id', '=', doorId));

/** Every door of an account's controllers, with its controller. */
export function doorsOfAccount(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('doors').innerJoin('devices', 'devices.id', 'doors.device_id')
    .select(['doors.id', 'doors.name', 'doors.device_id', 'doors.entity_number', 'doors.door_type', 'doors.kind', 'doors.state', 'doors.sensor',
      'doors.sensor_battery_level', 'doors.auto_close_enabled', 'doors.auto_close_delay', 'doors.active'])
    .where('devices.account_id', '=', accountId).orderBy('devices.blackbox_code').orderBy('doors.entity_number').execute();
}

/** The door's own name, everyone's unless they chose one; only a door of one of the account's controllers. */
export async function setAccountDoorName(db: Kysely<Database>, accountId: string, doorId: string, name: string): Promise<boolean> {
  const result = await db.updateTable('doors').set({ name })
    .where('id', '=', doorId)
    .where('device_id', 'in', (eb) => eb.selectFrom('devices').select('devices.id').where('devices.account_id', '=', accountId))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A person's own names for the account's doors go when they leave it. */
export async function deleteDoorNamesInAccount(db: Kysely<Database>, accountId: string, personId: string): Promise<void> {
  await db.deleteFrom('door_names').where('person_id', '=', personId)
    .where('door_id', 'in', (eb) => eb.selectFrom('doors').innerJoin('devices', 'devices.id', 'doors.device_id').select('doors.id').where('devices.account_id', '=', accountId))
    .execute();
}
