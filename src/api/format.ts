// How the API writes times (spec 2): "YYYY-MM-DD HH:MM:SS" in UTC, null for never;
// envelopes carry Unix seconds.

// The format has four-digit years. A stored time outside them (a controller
// that once reported changed_at 1e300) is no time at all to a client, and
// must not fail the whole answer: it is written as unknown.
const LAST_WRITABLE_YEAR = 9999;

export function apiTimestamp(seconds: number | null): string | null {
  if (seconds === null) return null;
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > LAST_WRITABLE_YEAR) return null;
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
