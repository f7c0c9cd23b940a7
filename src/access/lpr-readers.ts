// A plate reader is a controller entity that sends `plate` events
// (phase2.md B.3); its settings are a row of lpr_readers, or these. The
// Admin sets them once the controller is claimed; the caller has checked the
// Admin (requireAdmin, accounts.ts).
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database, ReaderDirection } from '../store/database.ts';
import { doorsOfAccount } from '../store/repositories/doors.ts';
import { readerControllersOf, readerRowsOf, upsertReader } from '../store/repositories/lpr.ts';
import { DomainError } from './errors.ts';
import { parseId } from './ids.ts';

export interface ReaderSettings {
  /** null: the door at the reader's own entity. */
  doorId: string | null;
  direction: ReaderDirection;
  minConfidence: number;
  repeatWindowS: number;
  enabled: boolean;
}

export const readerDefaults: ReaderSettings = { doorId: null, direction: 'entry', minConfidence: 0.8, repeatWindowS: 30, enabled: true };

export const readerDirections: readonly ReaderDirection[] = ['entry', 'exit', 'both'];
export const maxRepeatWindowS = 600;

export interface Reader extends ReaderSettings {
  deviceId: string;
  /** The controller's name, as on ReaderController. */
  controllerName: string;
  entityNumber: number;
  /** The door its reads open: the one set, else the door at its entity; null when neither. */
  door: { id: string; name: string } | null;
  /** No settings saved: these are the defaults. */
  isDefault: boolean;
}

export interface ReaderController {
  deviceId: string;
  /** The Admin's name for it, else "Controller <serial>". */
  name: string;
  serial: string;
  readers: Reader[];
}

/** Every claimed controller of the account, each entity with its reader settings. */
export async function accountReaders(db: Kysely<Database>, accountId: string): Promise<ReaderController[]> {
  const [devices, rows, doors] = await Promise.all([readerControllersOf(db, accountId), readerRowsOf(db, accountId), doorsOfAccount(db, accountId)]);
  const doorById = new Map(doors.map((door) => [door.id, door]));
  return devices.map((device) => {
    const name = device.name ?? `Controller ${device.blackbox_code}`;
    return {
      deviceId: device.id, name, serial: device.blackbox_code,
      readers: Array.from({ length: device.number_of_entities_controlled }, (_, index) => {
        const entityNumber = index + 1;
        const row = rows.find((candidate) => candidate.device_id === device.id && candidate.entity_number === entityNumber);
        const settings: ReaderSettings = row
          ? { doorId: row.door_id, direction: row.direction, minConfidence: row.min_confidence, repeatWindowS: row.repeat_window_s, enabled: row.enabled === 1 }
          : readerDefaults;
        const door = settings.doorId !== null ? doorById.get(settings.doorId) : doors.find((candidate) => candidate.device_id === device.id && candidate.entity_number === entityNumber);
        return { ...settings, deviceId: device.id, controllerName: name, entityNumber, door: door ? { id: door.id, name: door.name } : null, isDefault: sameSettings(settings, readerDefaults) };
      }),
    };
  });
}

/** A reader's first read stores the defaults as its row (to lock it): still "defaults" until someone sets it. */
function sameSettings(a: ReaderSettings, b: ReaderSettings): boolean {
  return a.doorId === b.doorId && a.direction === b.direction && a.minConfidence === b.minConfidence && a.repeatWindowS === b.repeatWindowS && a.enabled === b.enabled;
}

export interface ReaderInput {
  /** Omitted or null: the door at the reader's entity. */
  doorId?: string | null;
  direction: string;
  minConfidence: number;
  repeatWindowS: number;
  enabled: boolean;
}

/** Saves one entity's settings; another account's controller or door is not found, each field out of range is refused naming it. */
export async function setReader(db: Kysely<Database>, clock: Clock, target: { accountId: string; deviceId: string; entityNumber: number; input: ReaderInput }): Promise<Reader> {
  const { accountId, input } = target;
  const deviceId = parseId(target.deviceId);
  const controllers = await accountReaders(db, accountId);
  const controller = controllers.find((candidate) => candidate.deviceId === deviceId);
  if (!controller) throw new DomainError('not_found', 'No such controller.');
  if (!Number.isInteger(target.entityNumber) || target.entityNumber < 1 || target.entityNumber > controller.readers.length) {
    throw new DomainError('invalid', `Invalid entity: this controller has entities 1 to ${controller.readers.length}.`);
  }
  const settings = readSettings(input);
  if (settings.doorId !== null && !(await doorsOfAccount(db, accountId)).some((door) => door.id === settings.doorId)) throw new DomainError('not_found', 'No such door.');
  await upsertReader(db, {
    device_id: controller.deviceId, entity_number: target.entityNumber, door_id: settings.doorId, direction: settings.direction,
    min_confidence: settings.minConfidence, repeat_window_s: settings.repeatWindowS, enabled: settings.enabled ? 1 : 0, updated_at: Math.floor(clock.now() / 1000),
  });
  const saved = (await accountReaders(db, accountId)).find((candidate) => candidate.deviceId === controller.deviceId)!;
  return saved.readers[target.entityNumber - 1]!;
}

function readSettings(input: ReaderInput): ReaderSettings {
  let doorId: string | null = null;
  if (input.doorId !== undefined && input.doorId !== null && input.doorId !== '') {
    doorId = parseId(input.doorId) ?? null;
    if (doorId === null) throw new DomainError('not_found', 'No such door.');
  }
  if (!readerDirections.includes(input.direction as ReaderDirection)) throw new DomainError('invalid', 'Invalid direction: use entry, exit or both.');
  if (typeof input.minConfidence !== 'number' || !Number.isFinite(input.minConfidence) || input.minConfidence < 0 || input.minConfidence > 1) {
    throw new DomainError('invalid', 'Invalid min_confidence: a number from 0 to 1.');
  }
  if (!Number.isInteger(input.repeatWindowS) || input.repeatWindowS < 0 || input.repeatWindowS > maxRepeatWindowS) {
    throw new DomainError('invalid', `Invalid repeat_window_s: a whole number of seconds from 0 to ${maxRepeatWindowS}.`);
  }
  if (typeof input.enabled !== 'boolean') throw new DomainError('invalid', 'Invalid enabled: true or false.');
  return { doorId, direction: input.direction as ReaderDirection, minConfidence: input.minConfidence, repeatWindowS: input.repeatWindowS, enabled: input.enabled };
}
