// Event times are whole seconds: `eventOccurred` in Unix seconds and every
// UTC string exactly `YYYY-MM-DDTHH:MM:SSZ`, as the spec's example writes them.

export function utcSeconds(unixSeconds: number): string {
  return new Date(Math.floor(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The same, for a nullable window bound. */
export function utcSecondsOrNull(unixSeconds: number | null): string | null {
  return unixSeconds === null ? null : utcSeconds(unixSeconds);
}
