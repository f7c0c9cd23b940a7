// The window of access an invitation gives (spec 4, "Invite User"): when it
// starts and ends, and its weekly hours. A User who shares a door they were
// given access to can give no more than they have themselves.
import { DateTime } from 'luxon';
import { offsetOutOfRange, timeOutOfRange } from './date-bounds.ts';
import { DomainError } from './errors.ts';
import { weekdays, weeklyHoursProblem, type AccessWindow, type WeeklyHours } from './schedules.ts';

export interface ShareWindowInput {
  starts_at?: string | null;
  ends_at?: string | null;
  weekly_hours?: unknown;
}

/** Validated, in Unix seconds; null: no limit. */
export interface ShareWindow {
  startsAt: number | null;
  endsAt: number | null;
  weeklyHours: WeeklyHours | null;
}

export function readShareWindow(input: ShareWindowInput, now: number): ShareWindow {
  const startsAt = readTime('starts_at', input.starts_at);
  const endsAt = readTime('ends_at', input.ends_at);
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) throw new DomainError('invalid', 'ends_at must be after starts_at.');
  if (endsAt !== null && endsAt <= now) throw new DomainError('invalid', 'ends_at must be in the future.');
  let weeklyHours: WeeklyHours | null = null;
  if (input.weekly_hours !== undefined && input.weekly_hours !== null) {
    const problem = weeklyHoursProblem(input.weekly_hours);
    if (problem) throw new DomainError('invalid', `Invalid weekly_hours: ${problem}.`);
    weeklyHours = (input.weekly_hours as WeeklyHours).length > 0 ? input.weekly_hours as WeeklyHours : null;
  }
  return { startsAt, endsAt, weeklyHours };
}

/**
 * Accepts ISO 8601 (a time without an offset is UTC) or the API's own
 * "YYYY-MM-DD HH:MM:SS" in UTC, within the accepted range (date-bounds.ts).
 */
export function readTime(field: string, value: string | null | undefined): number | null {
  if (value === undefined || value === null || value === '') return null;
  const text = value.trim();
  // setZone keeps the offset the text gave, so it can be checked.
  const parsed = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)
    ? DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone: 'utc' })
    : DateTime.fromISO(text, { zone: 'utc', setZone: true });
  if (!parsed.isValid) throw new DomainError('invalid', `Invalid ${field}: use ISO 8601 or "YYYY-MM-DD HH:MM:SS" (UTC).`);
  const seconds = Math.floor(parsed.toSeconds());
  const problem = offsetOutOfRange(field, parsed.offset) ?? timeOutOfRange(field, seconds);
  if (problem) throw new DomainError('invalid', problem);
  return seconds;
}

/** A search's `from` (inclusive) and `to` (exclusive), as readTime reads them; `to` must be after `from`. */
export function readTimeRange(range: { from?: string; to?: string }): { from: number | undefined; to: number | undefined } {
  const from = readTime('from', range.from) ?? undefined;
  const to = readTime('to', range.to) ?? undefined;
  if (from !== undefined && to !== undefined && to <= from) throw new DomainError('invalid', 'Invalid to: it must be after from.');
  return { from, to };
}

/**
 * For a User sharing a door they were given: an end is mandatory and the
 * window must fit inside their own. Returns a message naming the field, or
 * undefined when it fits.
 */
export function exceedsOwnAccess(shared: ShareWindow, own: AccessWindow, doorName: string, now: number): string | undefined {
  if (shared.endsAt === null) return `ends_at is required when you share ${doorName}, a door you were given access to.`;
  if (own.startsAt !== null && (shared.startsAt ?? now) < own.startsAt) return `starts_at is before your own access to ${doorName} starts.`;
  if (own.endsAt !== null && shared.endsAt > own.endsAt) return `ends_at is after your own access to ${doorName} ends.`;
  if (own.weeklyHours && own.weeklyHours.length > 0) {
    if (!shared.weeklyHours) return `weekly_hours is required: your own access to ${doorName} is limited to certain hours.`;
    if (!withinHours(shared.weeklyHours, own.weeklyHours)) return `weekly_hours goes beyond your own hours for ${doorName}.`;
  }
  return undefined;
}

const minutesPerDay = 24 * 60;

/** Every minute of the week `inner` allows, `outer` allows too. */
function withinHours(inner: WeeklyHours, outer: WeeklyHours): boolean {
  const allowed = minutesOfWeek(outer);
  const wanted = minutesOfWeek(inner);
  return wanted.every((on, minute) => !on || allowed[minute] === 1);
}

function minutesOfWeek(hours: WeeklyHours): Uint8Array {
  const week = new Uint8Array(7 * minutesPerDay);
  const mark = (day: number, from: number, to: number) => week.fill(1, day * minutesPerDay + from, day * minutesPerDay + to);
  for (const slot of hours) {
    const start = minutes(slot.start);
    const end = minutes(slot.end);
    for (const name of slot.days) {
      const day = weekdays.indexOf(name);
      if (start < end) {
        mark(day, start, end);
      } else {
        // Overnight: the morning part belongs to the next day (as schedules.ts reads it).
        mark(day, start, minutesPerDay);
        mark((day + 1) % 7, 0, end);
      }
    }
  }
  return week;
}

function minutes(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}
