// The dates and times the platform accepts (issue 9): 2000-01-01 up to
// 2100-01-01 UTC, offsets within ±14:00 (the widest real zones). Outside that
// a date is a typo or a probe, and would only reach the database, mails and
// webhooks as something nobody can read ("+275760-09-13").
const earliestDate = '2000-01-01';
/** The last day a date field may name; times end just before the next day. */
const latestDate = '2099-12-31';
const earliestSeconds = Date.UTC(2000, 0, 1) / 1000;
const endSeconds = Date.UTC(2100, 0, 1) / 1000;
const maxOffsetMinutes = 14 * 60;

/** For an instant in Unix seconds: a message naming the field, or undefined when it is in range. */
export function timeOutOfRange(field: string, seconds: number): string | undefined {
  return seconds >= earliestSeconds && seconds < endSeconds ? undefined : `Invalid ${field}: use a time from 2000-01-01 to 2100-01-01 (UTC).`;
}

export function offsetOutOfRange(field: string, offsetMinutes: number): string | undefined {
  return Math.abs(offsetMinutes) <= maxOffsetMinutes ? undefined : `Invalid ${field}: a UTC offset is at most ±14:00.`;
}

/** For a calendar date "YYYY-MM-DD" (already checked to be one). */
export function dateOutOfRange(field: string, date: string): string | undefined {
  return date >= earliestDate && date <= latestDate ? undefined : `${field} must be a date from ${earliestDate} to ${latestDate}.`;
}
