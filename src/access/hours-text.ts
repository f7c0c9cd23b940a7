// Access hours and window bounds as people read them: always in the zone of
// the account whose doors they concern, and naming it, so nobody has to guess
// whose "22:00" it is.
import { DateTime } from 'luxon';
import { weekdays, type WeeklySlot } from './schedules.ts';

/** "every day 06:00–22:00 Europe/Berlin time", "mon, tue 22:00–06:00 UTC time". */
export function hoursText(slot: WeeklySlot, timeZone: string): string {
  const days = weekdays.every((day) => slot.days.includes(day)) ? 'every day' : slot.days.join(', ');
  return `${days} ${slot.start}–${slot.end} ${timeZone} time`;
}

/** "2026-03-04 18:00 America/New_York". */
export function zonedTime(seconds: number, timeZone: string): string {
  return `${DateTime.fromSeconds(seconds, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')} ${timeZone}`;
}
