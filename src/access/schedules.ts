// When a User may operate a door: an optional window (starts, ends) and
// optional weekly hours, read in the time zone of the door's account, so
// "06:00–22:00" means what it says on both sides of a daylight-saving change.
import { DateTime } from 'luxon';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export interface WeeklySlot {
  days: Weekday[];
  /** "HH:MM", inclusive. */
  start: string;
  /** "HH:MM", exclusive; "24:00" is the end of the day; earlier than start runs past midnight. */
  end: string;
}

export type WeeklyHours = WeeklySlot[];

export interface AccessWindow {
  startsAt: number | null;
  endsAt: number | null;
  weeklyHours: WeeklyHours | null;
}

export type ScheduleVerdict = { allowed: true } | { allowed: false; reason: 'not_started' | 'ended' | 'outside_hours' };

export function checkSchedule(window: AccessWindow, at: Date, timeZone: string): ScheduleVerdict {
  const seconds = Math.floor(at.getTime() / 1000);
  if (window.startsAt !== null && seconds < window.startsAt) return { allowed: false, reason: 'not_started' };
  if (window.endsAt !== null && seconds >= window.endsAt) return { allowed: false, reason: 'ended' };
  if (!window.weeklyHours || window.weeklyHours.length === 0) return { allowed: true };
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  const today = weekdays[local.weekday - 1]!;
  const yesterday = weekdays[(local.weekday + 5) % 7]!;
  const open = window.weeklyHours.some((slot) => {
    const start = minutes(slot.start);
    const end = minutes(slot.end);
    if (start < end) return slot.days.includes(today) && minute >= start && minute < end;
    // Overnight: the evening part belongs to the slot's day, the morning part to the day after.
    return (slot.days.includes(today) && minute >= start) || (slot.days.includes(yesterday) && minute < end);
  });
  return open ? { allowed: true } : { allowed: false, reason: 'outside_hours' };
}

/** How far ahead `nextChange` looks: past it, the answer is "not soon" (null). */
export const CHANGE_HORIZON_MS = 8 * 24 * 3600_000;

/**
 * The first instant after `at` (epoch ms) when `checkSchedule` answers
 * otherwise than it does at `at`, or null when that is beyond the horizon.
 * The answer can change only where the window starts or ends, where the
 * local clock crosses a slot's start or end, or where it jumps (daylight
 * saving): those candidates are checked in order, so a local time that a
 * change skips or repeats is handled by the same rule `checkSchedule` applies.
 */
export function nextChange(window: AccessWindow, at: Date, timeZone: string, horizonMs = CHANGE_HORIZON_MS): number | null {
  const from = at.getTime();
  const limit = from + horizonMs;
  const allowedNow = checkSchedule(window, at, timeZone).allowed;
  for (const batch of changeCandidates(window, from, limit, timeZone)) {
    for (const candidate of batch) {
      if (candidate <= from || candidate > limit) continue;
      if (checkSchedule(window, new Date(candidate), timeZone).allowed !== allowedNow) return candidate;
    }
  }
  return null;
}

/** Instants where the answer of `checkSchedule` may change, a sorted batch per local day, earliest day first. */
function* changeCandidates(window: AccessWindow, from: number, limit: number, timeZone: string): Generator<number[]> {
  const dated = [window.startsAt, window.endsAt].flatMap((seconds) => (seconds === null ? [] : [seconds * 1000]));
  if (!window.weeklyHours || window.weeklyHours.length === 0) {
    yield dated.sort((a, b) => a - b);
    return;
  }
  const boundaries = new Set(window.weeklyHours.flatMap((slot) => [minutes(slot.start), minutes(slot.end) % 1440]));
  // From the day before: a slot of yesterday may still run, a jump may sit at either end.
  let day = DateTime.fromMillis(from, { zone: timeZone }).startOf('day').minus({ days: 1 });
  const lastDay = DateTime.fromMillis(limit, { zone: timeZone }).startOf('day');
  while (day <= lastDay) {
    const next = day.plus({ days: 1 });
    const found = new Set(dated.filter((instant) => instant >= day.toMillis() && instant < next.toMillis()));
    const offsets = new Set([day.offset, next.offset]);
    for (const minute of boundaries) {
      // Every instant whose local time is that minute of that day: none in a gap, two in a repeated hour.
      for (const offset of offsets) {
        const instant = Date.UTC(day.year, day.month - 1, day.day, 0, minute) - offset * 60_000;
        const local = DateTime.fromMillis(instant, { zone: timeZone });
        if (local.hasSame(day, 'day') && local.hour * 60 + local.minute === minute) found.add(instant);
      }
    }
    if (day.offset !== next.offset) found.add(offsetJump(day.toMillis(), next.toMillis(), timeZone));
    yield [...found].sort((a, b) => a - b);
    day = next;
  }
}

/** The first minute in [start, end) whose offset is the one at end: where the local clock jumps. */
function offsetJump(start: number, end: number, timeZone: string): number {
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).offset;
  const after = offsetAt(end);
  let low = start;
  let high = end;
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (offsetAt(middle) === after) high = middle;
    else low = middle;
  }
  return high;
}

function minutes(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Validates weekly hours from a request; returns a message naming the problem, or undefined. */
export function weeklyHoursProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'weekly_hours must be an array of {days, start, end}';
  for (const [i, slot] of value.entries()) {
    if (!slot || typeof slot !== 'object') return `weekly_hours[${i}] must be an object`;
    const { days, start, end, ...extra } = slot as Record<string, unknown>;
    const unknown = Object.keys(extra);
    if (unknown.length) return `weekly_hours[${i}].${unknown[0]} is not a known field`;
    if (!Array.isArray(days) || days.length === 0 || days.some((d) => !weekdays.includes(d as Weekday))) {
      return `weekly_hours[${i}].days must list days among ${weekdays.join(', ')}`;
    }
    if (typeof start !== 'string' || !HHMM.test(start) || start === '24:00') return `weekly_hours[${i}].start must be HH:MM`;
    if (typeof end !== 'string' || !HHMM.test(end)) return `weekly_hours[${i}].end must be HH:MM (24:00 for midnight)`;
    if (start === end) return `weekly_hours[${i}] is empty: start equals end`;
  }
  return undefined;
}

/** The IANA name in its usual spelling, or undefined: no offsets, no "local" or "system" (they would mean the server's zone). */
export function canonicalTimeZone(value: string): string | undefined {
  const name = value.trim();
  if (name !== 'UTC' && !/^[A-Za-z]+(\/[A-Za-z0-9_+-]+)+$/.test(name)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // ICU may answer an older alias (America/Buenos_Aires); keep the person's valid name, in standard case.
    return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  } catch {
    return undefined;
  }
}

/** Inclusive local dates to a UTC half-open range [from, to) in seconds. */
export function localDateRange(startDate: string, endDate: string, timeZone: string): { from: number; to: number } {
  const from = DateTime.fromISO(startDate, { zone: timeZone }).startOf('day');
  const to = DateTime.fromISO(endDate, { zone: timeZone }).plus({ days: 1 }).startOf('day');
  return { from: Math.floor(from.toSeconds()), to: Math.floor(to.toSeconds()) };
}

export function localToday(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
}

export function shiftLocalDate(date: string, days: number): string {
  return DateTime.fromISO(date).plus({ days }).toISODate()!;
}

export function isLocalDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
}
