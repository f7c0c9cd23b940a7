// Who sees which door and who may operate it now (spec 1 and 4): the single
// place those rules live. A door the caller cannot see is "not found", never
// "forbidden", so nothing about other people's doors leaks.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { doorsOfPerson, type PersonDoorRow } from '../store/repositories/doors.ts';
import { DomainError } from './errors.ts';
import { checkSchedule, type AccessWindow, type ScheduleVerdict, type WeeklyHours } from './schedules.ts';
import { systemClock } from '../clock.ts';
import { refusalMessage } from './decide.ts';

/** The person asking, and for an application the doors its grant covers. */
export interface Viewer {
  personId: string;
  /** `thirdParty`: an application not ParqEx's own, which an Admin's switch can shut out. */
  grant?: { allDoors: boolean; doorIds: ReadonlySet<string>; thirdParty: boolean };
}

export type Relationship = 'Owner' | 'Has Access';

export interface VisibleDoor {
  row: PersonDoorRow;
  id: string;
  /** This person's name for the door. */
  name: string;
  relationship: Relationship;
  /** null for the Admin, who may always operate the account's doors. */
  window: AccessWindow | null;
}

export async function visibleDoors(db: Kysely<Database>, viewer: Viewer, at: Date): Promise<VisibleDoor[]> {
  const rows = await doorsOfPerson(db, viewer.personId);
  return rows.flatMap((row) => {
    const door = toVisibleDoor(row, viewer, at);
    return door ? [door] : [];
  });
}

// `at` falls back to real time only until the door-moves merge: toggle-door.ts does not pass it yet.
export async function requireVisibleDoor(db: Kysely<Database>, viewer: Viewer, doorId: string | undefined, at: Date): Promise<VisibleDoor> {
  const rows = doorId ? await doorsOfPerson(db, viewer.personId, doorId) : [];
  const door = rows[0] && toVisibleDoor(rows[0], viewer, at);
  if (!door) throw new DomainError('not_found', 'No such door.');
  return door;
}

function toVisibleDoor(row: PersonDoorRow, viewer: Viewer, at: Date): VisibleDoor | undefined {
  const owner = row.admin_role !== null;
  // An access window that has ended is over: the door is gone from this person's view.
  if (!owner && row.ends_at !== null && row.ends_at * 1000 <= at.getTime()) return undefined;
  if (viewer.grant) {
    if (viewer.grant.thirdParty && row.third_party_access !== 1) return undefined;
    if (!viewer.grant.allDoors && !viewer.grant.doorIds.has(row.door_id)) return undefined;
  }
  return {
    row,
    id: row.door_id,
    name: row.personal_name ?? row.admin_name,
    relationship: owner ? 'Owner' : 'Has Access',
    window: owner ? null : {
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      weeklyHours: row.weekly_hours ? JSON.parse(row.weekly_hours) as WeeklyHours : null,
    },
  };
}

/** Spec 2, Extension: what a toggle may ask of this door, by its kind and sensor (so clients can predict 428 and 501). */
export function doorCapabilities(row: Pick<PersonDoorRow, 'kind' | 'sensor'>) {
  const sensorless = row.kind === 'stateful' && row.sensor !== 1;
  return {
    canOpen: !sensorless,
    canClose: row.kind === 'stateful' && !sensorless,
    stateKnown: row.kind === 'momentary' || row.sensor === 1,
  };
}
