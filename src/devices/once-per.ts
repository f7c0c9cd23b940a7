// "At most once per interval for each key": for log lines a controller could
// otherwise repeat as fast as it can send messages.

/** True the first time a key is seen, then again only once `intervalMs` has passed since it last was. */
export function oncePer(intervalMs: number, clock: () => number = Date.now): (key: string) => boolean {
  const last = new Map<string, number>();
  return (key) => {
    const now = clock();
    const previous = last.get(key);
    if (previous !== undefined && now - previous < intervalMs) return false;
    // Keys of long-quiet controllers go, so the map stays as small as the set of noisy ones.
    if (last.size > 10_000) for (const [seen, at] of last) if (now - at >= intervalMs) last.delete(seen);
    last.set(key, now);
    return true;
  };
}
