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
