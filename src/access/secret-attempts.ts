// Attempts at a secret (a password, a client secret), limited per key: only
// failures count toward the limit, but an attempt holds a place under it while
// its secret is checked, so attempts sent at once get no more checks than the
// limit allows. An attempt finding every place held by attempts in flight
// waits for them to end rather than being refused: those may all be right, and
// only a checked failure may lock the key.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { endAttempt, findLoginFailures, holdAttempt, type LimitedKey } from '../store/repositories/login-failures.ts';

export type { LimitedKey };

/** How long an attempt waits for places to free before it is refused for a second. */
const waitForPlaceMs = 10_000;

/**
 * Holds a place on every key; returns the seconds the caller must wait when a
 * key is locked (nothing is then held, and the secret must not be checked), or
 * 0 with a place held on each key until `endSecretAttempt`.
 */
export async function beginSecretAttempt(db: Kysely<Database>, keys: LimitedKey[], windowSeconds: number, clock: () => number): Promise<number> {
  const started = performance.now();
  // Short pauses: a place is usually freed within a statement or two (a right secret's attempt ends as its
  // answer goes out, so a client's next request can find its previous one still holding a place).
  for (let pause = 2; ; pause = Math.min(pause * 2, 25)) {
    const now = clock();
    const held = await Promise.all(keys.map((key) => holdAttempt(db, key, { windowSeconds, now })));
    if (held.every(Boolean)) return 0;
    await Promise.all(keys.filter((_, i) => held[i]).map((key) => endAttempt(db, key, 'passed', { windowSeconds, now })));
    const rows = await findLoginFailures(db, keys.filter((_, i) => !held[i]).map((key) => key.key));
    const lockedUntil = Math.max(0, ...rows.map((row) => Number(row.locked_until ?? 0)));
    if (lockedUntil > now) return lockedUntil - now;
    if (performance.now() - started > waitForPlaceMs) return 1;
    // Jittered, so attempts waiting together do not all come back at once.
    await sleep(pause * (0.5 + Math.random()));
  }
}

export async function endSecretAttempt(db: Kysely<Database>, keys: { key: LimitedKey; outcome: 'failed' | 'passed' | 'cleared' }[], windowSeconds: number, now: number): Promise<void> {
  await Promise.all(keys.map(({ key, outcome }) => endAttempt(db, key, outcome, { windowSeconds, now })));
}
