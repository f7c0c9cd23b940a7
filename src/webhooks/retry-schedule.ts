// When a webhook delivery is (re)tried. Pure: the caller passes the clock and the randomness.
// Attempt 1 goes out immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h:
// 8 attempts spread over about 27.6 h, so retries last at least 24 h (spec section 5) even
// when every delay is jittered to its shortest.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The base delay before each attempt, indexed by the number of attempts already made. */
export const retryDelaysMs: readonly number[] = Object.freeze([
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
]);

export const maxAttempts = retryDelaysMs.length;

/** Each delay moves by up to this fraction either way, so retries of many deliveries spread out. */
export const jitterRatio = 0.1;

/**
 * When the next attempt is due, in ms since the epoch, or undefined when none is left.
 * `lastAttemptAt` is the time of the previous attempt (or of the event, before the first).
 * `random` returns a number in [0, 1), as Math.random does.
 */
export function nextAttemptAt(attemptsMade: number, lastAttemptAt: number, random: () => number = Math.random): number | undefined {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0) throw new RangeError(`attemptsMade must be a whole number >= 0, got ${attemptsMade}`);
  const base = retryDelaysMs[attemptsMade];
  if (base === undefined) return undefined;
  const jitter = (random() * 2 - 1) * jitterRatio * base;
  return lastAttemptAt + Math.round(base + jitter);
}
