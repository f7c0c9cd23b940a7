// How the API writes times (spec 2): "YYYY-MM-DD HH:MM:SS" in UTC, null for never;
// envelopes carry Unix seconds.
export function apiTimestamp(seconds: number | null): string | null {
  return seconds === null ? null : new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
