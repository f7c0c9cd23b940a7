// Two kinds of time. Domain time (when someone may open a door, when an event
// happened, when a pass ends) comes from an injected Clock, so the sandbox and
// tests can move it by hand. Real time (command and HTTP deadlines, OAuth
// lifetimes, sessions, throttles, rate limits, webhook delivery, housekeeping)
// reads `systemClock` directly: a manual clock must never stall a deadline.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until told to move; development and tests only. */
export class ManualClock implements Clock {
  #at: number;

  constructor(start: number) {
    this.#at = start;
  }

  now(): number {
    return this.#at;
  }

  /** Moves forward only: time that went back would reopen what already ended. */
  advance(ms: number): number {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError('a manual clock moves forward by a whole number of milliseconds');
    this.#at += ms;
    return this.#at;
  }
}
