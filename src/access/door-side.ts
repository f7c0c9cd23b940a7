// The domain's side of the door-side port (door-side-port.ts): what the
// platform does with each thing a controller tells it.
import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { Database } from '../store/database.ts';
import * as devices from '../store/repositories/devices.ts';
import { applyDoorReport } from './door-moves.ts';
import type { AtDoor, DoorSidePort, KeypadGuesses } from './door-side-port.ts';
import { recordAccessEvent } from './history.ts';
import { compactId } from './ids.ts';
import { keypadEntry } from './keypad-entry.ts';
import { announceMisbehaving } from './misbehaving.ts';
import { plateEntry } from './plate-entry.ts';
import { refusedAtDoor } from './refused-at-door.ts';
import type { ToggleDeps } from './toggle-door.ts';

export interface DoorSideDeps {
  /** How doors are moved for people identified at the door; also the database and the clock. */
  toggle: ToggleDeps;
  pinKey: Buffer;
  /** Wrong keypad PINs per controller: shared by every process when the rate limits are (Redis). */
  keypadGuesses: KeypadGuesses;
}

export function doorSide(deps: DoorSideDeps): DoorSidePort {
  const { db, clock } = deps.toggle;
  const now = () => seconds(clock.now());
  /** The door an event names, once the controller's contact is noted; undefined for a door it does not have. */
  const doorAt = async (deviceId: string, event: AtDoor) => {
    await devices.touchDevice(db, deviceId, now());
    const door = await devices.doorByEntity(db, deviceId, event.entityNumber);
    return door ? { id: door.id, deviceId } : undefined;
  };
  return {
    presence: (deviceId, online) => presence(db, deviceId, online, now()),
    doorReport: (deviceId, report) => applyDoorReport(deps.toggle, deviceId, report),
    async keypadEntry(deviceId, entry) {
      const door = await doorAt(deviceId, entry);
      if (door) await keypadEntry(deps, door, { pin: entry.pin, occurredAt: seconds(entry.at) });
    },
    async plateRead(deviceId, read) {
      await devices.touchDevice(db, deviceId, now());
      await plateEntry(deps.toggle, deviceId, read);
    },
    async forcedOpen(deviceId, event) {
      const door = await doorAt(deviceId, event);
      if (door) await refusedAtDoor(db, { doorId: door.id, deviceId, channel: 'Door Sensor', reason: 'door forced open', occurredAt: seconds(event.at), alert: 'forced_open' });
    },
    async autoClose(deviceId, event) {
      const door = await doorAt(deviceId, event);
      if (door) await recordAccessEvent(db, { doorId: door.id, deviceId, personId: null, channel: 'Auto Close', doorState: 'CLOSED', wasSuccess: true, occurredAt: seconds(event.at) });
    },
    misbehaving: (deviceId, reason) => announceMisbehaving(db, deviceId, reason, now()),
  };
}

async function presence(db: Kysely<Database>, deviceId: string, online: boolean, at: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Every platform process hears the retained status; only the one whose update changed it announces it.
    if (!(await devices.changeDeviceOnline(trx, deviceId, online, at))) return;
    await appendEvent(trx, { type: online ? 'controller_online' : 'controller_offline', deviceId, occurredAt: at, personIds: await devices.peopleOfDevice(trx, deviceId), data: { deviceID: compactId(deviceId) } });
  });
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
