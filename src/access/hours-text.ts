// Access hours and window bounds as people read them: always in the zone of
// the account whose doors they concern, and naming it, so nobody has to guess
// whose "22:00" it is.
import { DateTime } from 'luxon';
import { weekdays, type AccessWindow, type WeeklySlot } from './schedules.ts';

/** "every day 06:00–22:00 Europe/Berlin time", "mon, tue 22:00–06:00 UTC time". */
function hoursText(slot: WeeklySlot, timeZone: string): string {
  const days = weekdays.every((day) => slot.days.includes(day)) ? 'every day' : slot.days.join(', ');
  return `${days} ${slot.start}–${slot.end} ${timeZone} time`;
}

/** "2026-03-04 18:00 America/New_York": a time as a person reads it, naming the zone. */
export function zonedTime(seconds: number, timeZone: string): string {
  return `${DateTime.fromSeconds(seconds, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')} ${timeZone}`;
}

/**
 * An access window as lines for the person given it, in the zone of each
 * account whose doors it opens (grouped by zone when the doors' accounts differ).
 */
export function windowText(window: AccessWindow, doors: { accountName: string; timeZone: string }[]): string[] {
  const accountsByZone = new Map<string, Set<string>>();
  for (const door of doors) accountsByZone.set(door.timeZone, (accountsByZone.get(door.timeZone) ?? new Set()).add(door.accountName));
  const several = accountsByZone.size > 1;
  return [...accountsByZone].flatMap(([timeZone, accounts]) => {
    const at = several ? `At ${[...accounts].join(', ')}: ` : '';
    return [
      ...(window.startsAt !== null ? [`${at}from ${zonedTime(window.startsAt, timeZone)}`] : []),
      ...(window.endsAt !== null ? [`${at}until ${zonedTime(window.endsAt, timeZone)}`] : []),
      ...(window.weeklyHours ?? []).map((slot) => `${at}${hoursText(slot, timeZone)}`),
    ];
  });
}
