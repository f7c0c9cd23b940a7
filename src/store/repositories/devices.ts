// Controllers as the device side sees them: credentials, presence, reports.
import type { Kysely } from 'kysely';
import type { Database, DoorState } from '../database.ts';
import { ADMIN_ROLE } from '../partial-index-values.ts';
import { prepared } from '../prepared.ts';

export function findDeviceSecret(db: Kysely<Database>, deviceId: string) {
  return db.selectFrom('devices').select(['secret_hash', 'active']).where('id', '=', deviceId).executeTakeFirst();
}

/** Several controllers' credentials at once: the broker re-checks everyone connected. */
export function deviceSecrets(db: Kysely<Database>, deviceIds: string[]) {
  if (deviceIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('devices').select(['id', 'secret_hash', 'active']).where('id', 'in', deviceIds).execute();
}

export async function setDeviceSecret(db: Kysely<Database>, deviceId: string, secretHash: string): Promise<boolean> {
  const result = await db.updateTable('devices').set({ secret_hash: secretHash }).where('id', '=', deviceId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function touchDevice(db: Kysely<Database>, deviceId: string, at: number, report?: { softwareVersion: string; protocol: string }): Promise<void> {
  await db.updateTable('devices').set({ last_contact: at, ...(report ? { software_version: report.softwareVersion, protocol: report.protocol } : {}) })
    .where('id', '=', deviceId).execute();
}

// Every toggle reads its door's controller and the door's reported state: compiled once.
const deviceById = prepared((db: Kysely<Database>, deviceId: string) => db.selectFrom('devices')
  .select(['id', 'account_id', 'active', 'online', 'number_of_entities_controlled']).where('id', '=', deviceId));
const doorStateById = prepared((db: Kysely<Database>, doorId: string) => db.selectFrom('doors').select('state').where('id', '=', doorId));

export async function findDevice(db: Kysely<Database>, deviceId: string) {
  return (await deviceById(db, deviceId))[0];
}

export function doorsOfDevice(db: Kysely<Database>, deviceId: string) {
  return db.selectFrom('doors').select(['id', 'entity_number', 'state', 'last_toggled', 'kind', 'sensor']).where('device_id', '=', deviceId).execute();
}

export async function updateDoorReport(db: Kysely<Database>, doorId: string, report: { state: DoorState; last_toggled?: number; sensor?: number; sensor_battery_level?: number }): Promise<void> {
  await db.updateTable('doors').set(report).where('id', '=', doorId).execute();
}

export function listDevices(db: Kysely<Database>) {
  return db.selectFrom('devices').leftJoin('accounts', 'accounts.id', 'devices.account_id')
    .select(['devices.id', 'devices.blackbox_code', 'devices.active', 'devices.online', 'devices.last_contact', 'devices.software_version',
      'devices.number_of_entities_controlled', 'devices.is_sandbox', 'accounts.name as account_name'])
    .orderBy('devices.created_at').orderBy('devices.id').execute();
}

export function doorByEntity(db: Kysely<Database>, deviceId: string, entityNumber: number) {
  return db.selectFrom('doors').select(['id', 'kind', 'state']).where('device_id', '=', deviceId).where('entity_number', '=', entityNumber).executeTakeFirst();
}

/** The member of the controller's account who holds the claim on this keyed PIN hash there (one at most). */
export function memberByPinLookup(db: Kysely<Database>, deviceId: string, pinLookup: string) {
  return db.selectFrom('devices')
    .innerJoin('pin_claims', 'pin_claims.account_id', 'devices.account_id')
    .select(['pin_claims.person_id', 'pin_claims.guest_pass_id']).where('devices.id', '=', deviceId).where('pin_claims.pin_lookup', '=', pinLookup)
    .executeTakeFirst();
}

export function recentEventOnDoor(db: Kysely<Database>, doorId: string, channel: string, since: number) {
  return db.selectFrom('access_events').select('id').where('door_id', '=', doorId).where('channel', '=', channel).where('occurred_at', '>=', since).executeTakeFirst();
}

/** A controller's doors as its own hardware knows them (the simulator runs them). */
export function doorSetupOfDevice(db: Kysely<Database>, deviceId: string) {
  return db.selectFrom('doors').select(['entity_number', 'kind', 'sensor', 'state', 'auto_close_enabled', 'auto_close_delay'])
    .where('device_id', '=', deviceId).orderBy('entity_number').execute();
}

/** Removes those of these controllers that nobody claimed; their doors go with them. */
export async function deleteUnclaimedDevices(db: Kysely<Database>, deviceIds: string[]): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const result = await db.deleteFrom('devices').where('id', 'in', deviceIds).where('account_id', 'is', null).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The Admin of the account a door's controller belongs to. */
export async function doorOwnerId(db: Kysely<Database>, doorId: string): Promise<string | undefined> {
  const row = await db.selectFrom('doors').innerJoin('devices', 'devices.id', 'doors.device_id')
    .innerJoin('account_members', 'account_members.account_id', 'devices.account_id')
    .select('account_members.person_id').where('doors.id', '=', doorId).where('account_members.role', '=', ADMIN_ROLE).executeTakeFirst();
  return row?.person_id;
}

/** Everyone who can see a door of this controller: its account's Admin and people given access to one of its doors. */
export async function peopleOfDevice(db: Kysely<Database>, deviceId: string): Promise<string[]> {
  const admins = await db.selectFrom('devices').innerJoin('account_members', 'account_members.account_id', 'devices.account_id')
    .select('account_members.person_id').where('devices.id', '=', deviceId).where('account_members.role', '=', ADMIN_ROLE).execute();
  const users = await db.selectFrom('door_access').innerJoin('doors', 'doors.id', 'door_access.door_id')
    .select('door_access.person_id').where('doors.device_id', '=', deviceId).execute();
  return [...new Set([...admins, ...users].map((row) => row.person_id))];
}

export async function onlineDeviceIds(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('devices').select('id').where('online', '=', 1).execute()).map((row) => row.id);
}

/** Sets presence; true only for the one caller that actually changed it (several processes hear the same status). */
export async function changeDeviceOnline(db: Kysely<Database>, deviceId: string, online: boolean, at: number): Promise<boolean> {
  const result = await db.updateTable('devices').set({ online: online ? 1 : 0, last_contact: at })
    .where('id', '=', deviceId).where('online', '!=', online ? 1 : 0).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The door's state as its controller last reported it. */
export async function storedDoorState(db: Kysely<Database>, doorId: string): Promise<DoorState | undefined> {
  return (await doorStateById(db, doorId))[0]?.state;
}

/** The controllers of one account, for its Admin's page. */
export function devicesOfAccount(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('devices')
    .select(['id', 'name', 'blackbox_code', 'active', 'online', 'last_contact', 'software_version', 'time_before_door_open_alert', 'number_of_entities_controlled'])
    .where('account_id', '=', accountId).orderBy('blackbox_code').execute();
}

/** How long a door of this controller may stay open before door_left_open; only on the account's own controller. */
export async function setOpenAlertSeconds(db: Kysely<Database>, accountId: string, deviceId: string, seconds: number): Promise<boolean> {
  const result = await db.updateTable('devices').set({ time_before_door_open_alert: seconds })
    .where('id', '=', deviceId).where('account_id', '=', accountId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Names one of the account's own controllers; false when the controller is not the account's. */
export async function setDeviceName(db: Kysely<Database>, accountId: string, deviceId: string, name: string): Promise<boolean> {
  const result = await db.updateTable('devices').set({ name })
    .where('id', '=', deviceId).where('account_id', '=', accountId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
