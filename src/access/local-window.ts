// An access window as a person types it on a page: dates and times on the
// account's wall clock, weekdays and daily hours. Turned into the API's
// input (UTC instants, weekly_hours) so the invitation and access rules read
// it exactly as they read an API request.
import { DateTime } from 'luxon';
import { DomainError } from './errors.ts';
import { weekdays, type Weekday, type WeeklyHours } from './schedules.ts';
import type { ShareWindowInput } from './share-window.ts';

export interface LocalWindowForm {
  /** "YYYY-MM-DDTHH:MM" (datetime-local) in the account's zone; empty: no bound. */
  starts_at?: string;
  ends_at?: string;
  /** The weekdays ticked; none: any day. */
  days?: string | string[];
  /** "HH:MM" in the account's zone; both empty: any time of day. */
  from?: string;
  until?: string;
}

export function localWindow(form: LocalWindowForm, timeZone: string): ShareWindowInput & { weekly_hours: WeeklyHours | null } {
  const days = [form.days ?? []].flat().filter((day) => day !== '');
  for (const day of days) if (!weekdays.includes(day as Weekday)) throw new DomainError('invalid', `Invalid days: ${day} is not a weekday.`);
  const from = form.from?.trim() ?? '';
  const until = form.until?.trim() ?? '';
  if ((from === '') !== (until === '')) throw new DomainError('invalid', 'Invalid hours: give both a start and an end time, or neither.');
  const hours: WeeklyHours | null = from === '' && days.length === 0 ? null : [{
    days: days.length === 0 ? [...weekdays] : weekdays.filter((day) => days.includes(day)),
    start: from === '' ? '00:00' : from,
    end: until === '' || until === '00:00' ? '24:00' : until,
  }];
  return { starts_at: instant('starts_at', form.starts_at, timeZone), ends_at: instant('ends_at', form.ends_at, timeZone), weekly_hours: hours };
}

function instant(field: string, value: string | undefined, timeZone: string): string | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  const local = DateTime.fromISO(text, { zone: timeZone });
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text) || !local.isValid) throw new DomainError('invalid', `Invalid ${field}: give a date and a time.`);
  return local.toUTC().toISO({ suppressMilliseconds: true })!;
}

/** The other way: a stored instant as the page's datetime-local value in the account's zone. */
export function localInput(seconds: number | null, timeZone: string): string {
  return seconds === null ? '' : DateTime.fromSeconds(seconds, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm");
}
