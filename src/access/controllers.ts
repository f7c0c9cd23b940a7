// An account's controllers as its Admin sees them: presence, firmware, the
// doors each drives with their sensor battery and auto-close, and the time a
// door may stay open before the Admin is alerted (the one setting the
// platform, not the controller, applies: door_left_open is decided here).
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { devicesOfAccount, setDeviceName, setOpenAlertSeconds } from '../store/repositories/devices.ts';
import { doorsOfAccount, setAccountDoorName } from '../store/repositories/doors.ts';
import { requireAdmin } from './accounts.ts';
import { readName } from './door-names.ts';
import { doorCapabilities } from './door-policy.ts';
import { DomainError } from './errors.ts';
import { parseId } from './ids.ts';

export interface ControllerDoor {
  id: string;
  name: string;
  entityNumber: number;
  doorType: string;
  sensor: boolean;
  /** Percent; null without a sensor. */
  battery: number | null;
  /** Seconds; null when the controller does not close it by itself. */
  autoCloseSeconds: number | null;
  stateKnown: boolean;
}

export interface Controller {
  id: string;
  /** The Admin's name for it, else "Controller <serial>". */
  name: string;
  /** Whether the Admin named it (the form starts empty otherwise). */
  named: boolean;
  serial: string;
  online: boolean;
  active: boolean;
  /** Unix seconds; null before its first message. */
  lastContact: number | null;
  firmware: string;
  openAlertSeconds: number;
  doors: ControllerDoor[];
}

export async function accountControllers(db: Kysely<Database>, adminId: string, accountId: string): Promise<Controller[]> {
  await requireAdmin(db, adminId, accountId);
  const [devices, doors] = await Promise.all([devicesOfAccount(db, accountId), doorsOfAccount(db, accountId)]);
  return devices.map((device) => ({
    id: device.id, name: device.name ?? `Controller ${device.blackbox_code}`, named: device.name !== null, serial: device.blackbox_code, online: device.online === 1, active: device.active === 1, lastContact: device.last_contact,
    firmware: device.software_version, openAlertSeconds: device.time_before_door_open_alert,
    doors: doors.filter((door) => door.device_id === device.id).map((door) => ({
      id: door.id, name: door.name, entityNumber: door.entity_number, doorType: door.door_type, sensor: door.sensor === 1,
      battery: door.sensor === 1 ? door.sensor_battery_level : null,
      autoCloseSeconds: door.auto_close_enabled === 1 ? door.auto_close_delay : null,
      stateKnown: doorCapabilities(door).stateKnown,
    })),
  }));
}

export const maxOpenAlertMinutes = 24 * 60;

/** Minutes as typed (1 to 1,440), stored as seconds. */
export async function changeOpenAlertTime(db: Kysely<Database>, adminId: string, accountId: string, deviceInput: string, minutesInput: string): Promise<number> {
  await requireAdmin(db, adminId, accountId);
  const minutes = /^\s*\d{1,5}\s*$/.test(minutesInput) ? Number(minutesInput) : NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > maxOpenAlertMinutes) {
    throw new DomainError('invalid', `Invalid open_alert_minutes: a whole number of minutes from 1 to ${maxOpenAlertMinutes}.`);
  }
  const deviceId = parseId(deviceInput);
  if (!deviceId || !(await setOpenAlertSeconds(db, accountId, deviceId, minutes * 60))) throw new DomainError('not_found', 'No such controller.');
  return minutes;
}

/** Names one of the account's controllers; the name as stored (trimmed). */
export async function renameController(db: Kysely<Database>, adminId: string, accountId: string, deviceInput: string, nameInput: string): Promise<string> {
  await requireAdmin(db, adminId, accountId);
  const name = readName(nameInput, 'controller');
  const deviceId = parseId(deviceInput);
  if (!deviceId || !(await setDeviceName(db, accountId, deviceId, name))) throw new DomainError('not_found', 'No such controller.');
  return name;
}

/**
 * Renames a door of the account for everyone: the name the API and the pages
 * give every person who has not chosen one of their own (parqex-api.md, Door
 * "name": "default: the name the Admin gave it"). Personal names stay.
 */
export async function renameDoorForEveryone(db: Kysely<Database>, adminId: string, accountId: string, doorInput: string, nameInput: string): Promise<string> {
  await requireAdmin(db, adminId, accountId);
  const name = readName(nameInput, 'door');
  const doorId = parseId(doorInput);
  if (!doorId || !(await setAccountDoorName(db, accountId, doorId, name))) throw new DomainError('not_found', 'No such door.');
  return name;
}
