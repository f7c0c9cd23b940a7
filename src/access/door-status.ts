// What a person is told about each of their doors: its state in words (never
// "closed" for a door nobody can see), the hours they may use it, read in the
// zone of the door's account and naming it. One rule for the Doors page and
// its live updates, so a reload and the stream always agree.
import type { Kysely } from 'kysely';
import type { Database, DoorState } from '../store/database.ts';
import type { PersonDoorRow } from '../store/repositories/doors.ts';
import { movesUnderWay } from '../store/repositories/door-commands.ts';
import { systemClock } from '../clock.ts';
import { doorCapabilities, visibleDoors, type Viewer, type VisibleDoor } from './door-policy.ts';
import { windowText } from './hours-text.ts';

export type DoorStatus = 'open' | 'closed' | 'opening' | 'closing' | 'unknown' | 'offline';

export const doorStatusText: Record<DoorStatus, string> = {
  open: 'Open',
  closed: 'Closed',
  opening: 'Opening…',
  closing: 'Closing…',
  unknown: 'State unknown',
  offline: 'Offline',
};

/** Said under the state, for the states that need a reason. */
export const doorStatusDetail: Partial<Record<DoorStatus, string>> = {
  unknown: 'This door has no sensor, so ParqEx cannot see whether it is open.',
  offline: 'The controller cannot be reached; the state shown last may be out of date.',
};

/**
 * An offline controller's last report cannot be trusted, so offline wins; a
 * move under way is said as such until the controller reports the door there;
 * a door without a sensor is unknown, whatever its stored state says.
 */
export function doorStatus(row: Pick<PersonDoorRow, 'kind' | 'sensor' | 'state' | 'device_active' | 'device_online'>, moving: DoorState | undefined): DoorStatus {
  if (row.device_active !== 1 || row.device_online !== 1) return 'offline';
  if (moving !== undefined && moving !== row.state) return moving === 'OPEN' ? 'opening' : 'closing';
  if (!doorCapabilities(row).stateKnown) return 'unknown';
  return row.state === 'OPEN' ? 'open' : 'closed';
}

/** The person's hours at a door: always for an Admin; their window otherwise, in the account's zone. */
export function hoursLines(door: VisibleDoor): string[] {
  if (door.window === null) return [`Any time: you are an Admin of ${door.row.account_name}`];
  const lines = windowText(door.window, [{ accountName: door.row.account_name, timeZone: door.row.account_time_zone }]);
  return lines.length > 0 ? lines : ['Any time'];
}

export interface DoorView {
  door: VisibleDoor;
  status: DoorStatus;
}

/** The person's doors with their state now. `realNow` (epoch ms) judges moves, as their deadlines are real time. */
export async function doorViews(db: Kysely<Database>, viewer: Viewer, at: Date, realNow = systemClock.now()): Promise<DoorView[]> {
  const doors = await visibleDoors(db, viewer, at);
  const moving = await movesUnderWay(db, doors.map((door) => door.id), realNow);
  return doors.map((door) => ({ door, status: doorStatus(door.row, moving.get(door.id)) }));
}
