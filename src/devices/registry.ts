// The controllers the platform knows (`parqex devices`): registering one as it
// leaves the factory (unclaimed, with the serial printed on it, the claim code
// in its box and the secret it signs in to MQTT with), listing them, rotating
// a secret, and switching one off. Secrets are shown once and kept as hashes.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { readDoorName } from '../access/door-names.ts';
import { DomainError } from '../access/errors.ts';
import { parseId } from '../access/ids.ts';
import { generateSecret, hashSecret, randomDigits } from '../security/secrets.ts';
import type { Database, DoorKind, DoorType } from '../store/database.ts';
import { listDevices, setDeviceSecret } from '../store/repositories/devices.ts';
import { findDeviceByBlackbox, insertDevice, insertDoor, setDeviceActive } from '../store/repositories/doors.ts';

/** Entity numbers run from 1; the protocol carries at most 100. */
export const maxEntities = 100;
const doorKinds: readonly DoorKind[] = ['momentary', 'stateful'];
const doorTypes: readonly DoorType[] = ['garage', 'gate', 'pedestrian', 'elevator'];

export interface DoorSpec {
  name: string;
  kind: DoorKind;
  type: DoorType;
  sensor: boolean;
}

export interface NewController {
  entities: number;
  /** 16 hex digits; generated when absent. */
  blackboxCode?: string;
  /** Given entity numbers 1, 2, ... in this order. */
  doors?: DoorSpec[];
}

/** What the factory prints and puts in the box: the two secrets are never shown again. */
export interface IssuedController {
  device_id: string;
  blackbox_code: string;
  claim_code: string;
  secret: string;
}

export async function createController(db: Kysely<Database>, input: NewController, now = Math.floor(Date.now() / 1000)): Promise<IssuedController> {
  const entities = requireEntities(input.entities);                       // invalid
  const doors = requireDoorsFit(input.doors ?? [], entities);              // invalid
  const blackboxCode = input.blackboxCode === undefined ? await freeBlackboxCode(db) : await requireFreeBlackboxCode(db, input.blackboxCode);
  const issued: IssuedController = { device_id: randomUUID(), blackbox_code: blackboxCode, claim_code: randomDigits(16), secret: generateSecret() };
  await db.transaction().execute(async (trx) => {
    await insertDevice(trx, {
      id: issued.device_id,
      account_id: null,
      blackbox_code: issued.blackbox_code,
      claim_code_hash: hashSecret(issued.claim_code),
      secret_hash: hashSecret(issued.secret),
      number_of_entities_controlled: entities,
      active: 1,
      last_contact: null,
      software_version: '0',
      time_before_door_open_alert: 900,
      bluetooth_onboard: 0,
      bluetooth_mac_address: '000000000000',
      is_sandbox: 0,
      created_at: now,
    });
    for (const [index, door] of doors.entries()) {
      await insertDoor(trx, {
        id: randomUUID(),
        device_id: issued.device_id,
        entity_number: index + 1,
        name: door.name,
        kind: door.kind,
        door_type: door.type,
        state: 'CLOSED',
        last_toggled: null,
        active: 1,
        auto_close_enabled: 0,
        auto_close_delay: 0,
        sensor: door.sensor ? 1 : 0,
        sensor_mac_address: '000000000000',
        sensor_battery_level: 0,
        created_at: now,
      });
    }
  });
  return issued;
}

/** `NAME:kind:type[:sensor]`, as `parqex devices create --door` takes it; the name may itself hold colons. */
export function parseDoorSpec(text: string): DoorSpec {
  const bad = (why: string) => new DomainError('invalid', `--door "${text}": ${why}`);
  const parts = text.split(':');
  const sensor = parts.length > 3 && parts.at(-1) === 'sensor';
  if (sensor) parts.pop();
  if (parts.length < 3) throw bad('expected NAME:kind:type[:sensor]');
  const type = parts.pop() as DoorType;
  const kind = parts.pop() as DoorKind;
  if (!doorKinds.includes(kind)) throw bad(`the kind must be ${doorKinds.join(' or ')}`);
  if (!doorTypes.includes(type)) throw bad(`the type must be ${doorTypes.slice(0, -1).join(', ')} or ${doorTypes.at(-1)} (then optionally :sensor)`);
  try {
    return { name: readDoorName(parts.join(':')), kind, type, sensor };
  } catch (error) {
    throw error instanceof DomainError ? bad(error.message) : error;
  }
}

export interface ControllerView {
  device_id: string;
  blackbox_code: string;
  /** The account that claimed it; null while unclaimed (the API then calls it not registered). */
  account: string | null;
  active: boolean;
  online: boolean;
  last_contact: number | null;
  software_version: string;
  entities: number;
  is_sandbox: boolean;
}

export async function listControllers(db: Kysely<Database>): Promise<ControllerView[]> {
  return (await listDevices(db)).map((row) => ({
    device_id: row.id,
    blackbox_code: row.blackbox_code,
    account: row.account_name,
    active: row.active === 1,
    online: row.online === 1,
    last_contact: row.last_contact,
    software_version: row.software_version,
    entities: row.number_of_entities_controlled,
    is_sandbox: row.is_sandbox === 1,
  }));
}

/** A new secret, shown once; the old one stops signing in at once, and the embedded broker closes a session opened with it within seconds. */
export async function rotateControllerSecret(db: Kysely<Database>, deviceIdInput: string): Promise<{ device_id: string; secret: string }> {
  const deviceId = requireDeviceId(deviceIdInput);
  const secret = generateSecret();
  if (!(await setDeviceSecret(db, deviceId, hashSecret(secret)))) throw noController(deviceIdInput);
  return { device_id: deviceId, secret };
}

/** The platform's switch: a disabled controller is signed out of the embedded broker, cannot sign in again, and its doors answer "offline". */
export async function setControllerEnabled(db: Kysely<Database>, deviceIdInput: string, enabled: boolean): Promise<{ device_id: string; active: boolean }> {
  const deviceId = requireDeviceId(deviceIdInput);
  if (!(await setDeviceActive(db, deviceId, enabled))) throw noController(deviceIdInput);
  return { device_id: deviceId, active: enabled };
}

export function requireDeviceId(input: string): string {
  const id = parseId(input);
  if (!id) throw new DomainError('invalid', `"${input}" is not a controller id (a UUID, dashed or 32 hex digits)`);
  return id;
}

export function noController(input: string): DomainError {
  return new DomainError('not_found', `no controller ${input}`);
}

function requireEntities(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > maxEntities) throw new DomainError('invalid', `--entities must be a whole number from 1 to ${maxEntities}`);
  return value;
}

function requireDoorsFit(doors: DoorSpec[], entities: number): DoorSpec[] {
  if (doors.length > entities) throw new DomainError('invalid', `${doors.length} doors do not fit a controller of ${entities} entities`);
  return doors.map((door) => {
    if (!doorKinds.includes(door.kind)) throw new DomainError('invalid', `a door's kind must be ${doorKinds.join(' or ')}`);
    if (!doorTypes.includes(door.type)) throw new DomainError('invalid', `a door's type must be ${doorTypes.join(', ')}`);
    return { ...door, name: readDoorName(door.name) };
  });
}

async function requireFreeBlackboxCode(db: Kysely<Database>, input: string): Promise<string> {
  const code = input.trim().toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(code)) throw new DomainError('invalid', '--blackbox must be 16 hexadecimal digits');
  if (await findDeviceByBlackbox(db, code)) throw new DomainError('invalid', `a controller with the serial ${code} already exists`);
  return code;
}

async function freeBlackboxCode(db: Kysely<Database>): Promise<string> {
  for (;;) {
    const code = randomBytes(8).toString('hex');
    if (!(await findDeviceByBlackbox(db, code))) return code;
  }
}
