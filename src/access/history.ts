// Access history (spec 4, "Get Access History"): by door, device or person,
// in the person's time zone, newest first; the Admin sees every event of the
// account's doors, a User only their own. Paging is opt-in and a documented
// client's unpaged window is never cut short silently.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, DoorState } from '../store/database.ts';
import { findAccessEvents, insertAccessEvent, peopleInEventsOf } from '../store/repositories/access-events.ts';
import { requireVisibleDoor, visibleDoors, type Viewer, type VisibleDoor } from './door-policy.ts';
import { dateOutOfRange } from './date-bounds.ts';
import { DomainError } from './errors.ts';
import { parseId } from './ids.ts';
import { isLocalDate, localDateRange, localToday, shiftLocalDate } from './schedules.ts';
import { personTimeZone } from './settings.ts';
import { systemClock } from '../clock.ts';

export interface HistoryQuery {
  history_type?: string;
  door_id?: string;
  device_id?: string;
  start_date?: string;
  end_date?: string;
  limit?: number;
  cursor?: string;
}

export interface HistoryEvent {
  id: string;
  doorId: string;
  doorName: string;
  doorState: DoorState;
  channel: string;
  person: { id: string; firstName: string; lastName: string; email: string } | null;
  /** The guest the person (the pass's issuer) opened for (phase2.md B.5). */
  guest: { name: string; guestPassId: string } | null;
  wasSuccess: boolean;
  occurredAt: number;
}

const UNPAGED_LIMIT = 10_000;
const DEFAULT_DAYS = 30;

/** Narrowing the pages offer beyond the API's: who, outcome, channel (`API: ` for every application). */
export interface HistoryFilters {
  /** Without a door: every event the viewer may see on all their doors (an Admin's whole account), not only their own. */
  everyDoor?: boolean;
  personId?: string;
  wasSuccess?: boolean;
  channel?: string;
}

export async function accessHistory(db: Kysely<Database>, viewer: Viewer, query: HistoryQuery, at: Date, filters: HistoryFilters = {}): Promise<{ events: HistoryEvent[]; nextCursor?: string }> {
  const type = query.history_type ?? (query.door_id !== undefined ? 'door' : query.device_id !== undefined ? 'device' : 'user');
  const doors = await doorsFor(db, viewer, type, query, at);
  const timeZone = await personTimeZone(db, viewer.personId);
  const { from, to } = dateWindow(query, timeZone, at);
  const paged = query.limit !== undefined || query.cursor !== undefined;
  const pageSize = query.limit ?? 100;
  const before = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;

  const own = type === 'user' && !filters.everyDoor;
  const rows = await findAccessEvents(db, {
    allEventsOf: own ? [] : doors.filter((door) => door.relationship === 'Owner').map((door) => door.id),
    ownEventsOf: own ? doors.map((door) => door.id) : doors.filter((door) => door.relationship !== 'Owner').map((door) => door.id),
    personId: viewer.personId,
    from,
    to,
    before,
    limit: (paged ? pageSize : UNPAGED_LIMIT) + 1,
    onlyPersonId: filters.personId,
    wasSuccess: filters.wasSuccess,
    channel: filters.channel,
  });
  if (!paged && rows.length > UNPAGED_LIMIT) {
    throw new DomainError('invalid', `More than ${UNPAGED_LIMIT} events fall in this window: narrow start_date and end_date, or page with limit and cursor.`);
  }
  const page = rows.slice(0, paged ? pageSize : UNPAGED_LIMIT);
  const events = toEvents(page, doors);
  const last = page.at(-1);
  return paged && rows.length > pageSize && last ? { events, nextCursor: encodeCursor(last.occurred_at, last.id) } : { events };
}

/**
 * Events of the viewer's history (the same rows as "user" history) that
 * happened at or after `since` (epoch seconds), newest first, at most `limit`:
 * what the Doors page's live stream adds to its list.
 */
export async function recentHistory(db: Kysely<Database>, viewer: Viewer, since: number, at: Date, limit = 20): Promise<HistoryEvent[]> {
  const doors = await visibleDoors(db, viewer, at);
  const rows = await findAccessEvents(db, {
    allEventsOf: doors.filter((door) => door.relationship === 'Owner').map((door) => door.id),
    ownEventsOf: doors.filter((door) => door.relationship !== 'Owner').map((door) => door.id),
    personId: viewer.personId,
    from: since,
    // Reports may carry the controller's own clock, a little ahead of ours.
    to: Math.floor(at.getTime() / 1000) + 3600,
    limit,
  });
  return toEvents(rows, doors);
}

function toEvents(page: Awaited<ReturnType<typeof findAccessEvents>>, doors: VisibleDoor[]): HistoryEvent[] {
  const names = new Map(doors.map((door) => [door.id, door.name]));
  return page.map((row) => ({
    id: row.id,
    doorId: row.door_id,
    doorName: names.get(row.door_id) ?? '',
    doorState: row.door_state,
    channel: row.channel,
    person: row.person_id ? { id: row.person_id, firstName: row.first_name ?? '', lastName: row.last_name ?? '', email: row.email ?? '' } : null,
    guest: row.guest_pass_id ? { name: row.guest_name ?? '', guestPassId: row.guest_pass_id } : null,
    wasSuccess: row.was_success === 1,
    occurredAt: row.occurred_at,
  }));
}

async function doorsFor(db: Kysely<Database>, viewer: Viewer, type: string, query: HistoryQuery, at: Date): Promise<VisibleDoor[]> {
  switch (type) {
    case 'door': {
      if (query.door_id === undefined) throw new DomainError('invalid', 'door_id is required when history_type is door.');
      const id = parseId(query.door_id);
      if (!id) throw new DomainError('invalid', 'door_id is not a valid id.');
      return [await requireVisibleDoor(db, viewer, id, at)];
    }
    case 'device': {
      if (query.device_id === undefined) throw new DomainError('invalid', 'device_id is required when history_type is device.');
      const id = parseId(query.device_id);
      if (!id) throw new DomainError('invalid', 'device_id is not a valid id.');
      const doors = (await visibleDoors(db, viewer, at)).filter((door) => door.row.device_id === id);
      if (doors.length === 0) throw new DomainError('not_found', 'No such device.');
      return doors;
    }
    case 'user':
      return visibleDoors(db, viewer, at);
    default:
      throw new DomainError('invalid', 'history_type must be door, device or user.');
  }
}

function dateWindow(query: HistoryQuery, timeZone: string, at: Date): { from: number; to: number } {
  for (const field of ['start_date', 'end_date'] as const) {
    const value = query[field];
    if (value !== undefined && !isLocalDate(value)) throw new DomainError('invalid', `${field} must be a date as YYYY-MM-DD.`);
    const problem = value === undefined ? undefined : dateOutOfRange(field, value);
    if (problem) throw new DomainError('invalid', problem);
  }
  const end = query.end_date ?? (query.start_date !== undefined ? shiftLocalDate(query.start_date, DEFAULT_DAYS - 1) : localToday(at, timeZone));
  const start = query.start_date ?? shiftLocalDate(end, -(DEFAULT_DAYS - 1));
  if (start > end) throw new DomainError('invalid', 'start_date must not be after end_date.');
  return localDateRange(start, end, timeZone);
}

function encodeCursor(occurredAt: number, id: string): string {
  return Buffer.from(JSON.stringify([occurredAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: number; id: string } {
  try {
    const [occurredAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(occurredAt) && typeof id === 'string') return { occurredAt: occurredAt as number, id };
  } catch {
    // fall through
  }
  throw new DomainError('invalid', 'cursor is not one this server gave out.');
}

export interface NewAccessEvent {
  doorId: string;
  deviceId: string;
  personId: string | null;
  guestPassId?: string;
  channel: string;
  doorState: DoorState;
  wasSuccess: boolean;
  occurredAt?: number;
}

export async function recordAccessEvent(db: Kysely<Database>, event: NewAccessEvent): Promise<string> {
  const id = randomUUID();
  await insertAccessEvent(db, {
    id,
    door_id: event.doorId,
    device_id: event.deviceId,
    person_id: event.personId,
    guest_pass_id: event.guestPassId ?? null,
    channel: event.channel,
    door_state: event.doorState,
    was_success: event.wasSuccess ? 1 : 0,
    // Real time only until the door-moves merge: toggle-door.ts and devices/ do not pass it yet.
    occurred_at: event.occurredAt ?? Math.floor(systemClock.now() / 1000),
  });
  return id;
}

/** The people an Admin may filter their doors' history by: everyone named in it. A User's history is theirs alone. */
export async function historyPeople(db: Kysely<Database>, viewer: Viewer, at: Date): Promise<{ id: string; name: string }[]> {
  const owned = (await visibleDoors(db, viewer, at)).filter((door) => door.relationship === 'Owner').map((door) => door.id);
  const rows = await peopleInEventsOf(db, owned);
  return rows.map((row) => ({ id: row.id, name: `${row.first_name} ${row.last_name}`.trim() || row.email }));
}
