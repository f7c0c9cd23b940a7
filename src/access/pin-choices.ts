// How often a person may choose a keypad PIN. Every choice tells the chooser
// whether someone sharing an account with them holds that PIN: the neutral
// refusal says so, and so does every success. Without a limit, a member of a
// household could find another member's PIN in a few thousand tries and use
// it at a keypad. Counts live beside the login throttle's, under their own key.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { findLoginFailures, saveLoginFailure } from '../store/repositories/login-failures.ts';
import { DomainError } from './errors.ts';

export const pinChoiceLimit = { choices: 5, windowSeconds: 3600 } as const;

/** Counts one PIN choice, or refuses with `rate_limited` once the window's choices are spent. */
export async function countPinChoice(db: Kysely<Database>, personId: string, now: number): Promise<void> {
  const key = `pin-choice:${personId}`;
  const [row] = await findLoginFailures(db, [key]);
  const wait = row?.locked_until ? row.locked_until - now : 0;
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60);
    throw new DomainError('rate_limited', `You have chosen a PIN too many times. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, { retryAfter: wait, field: 'pin' });
  }
  const fresh = !row || now - row.window_started_at >= pinChoiceLimit.windowSeconds;
  const startedAt = fresh ? now : row.window_started_at;
  const choices = fresh ? 1 : row.failures + 1;
  await saveLoginFailure(db, {
    key,
    failures: choices,
    window_started_at: startedAt,
    locked_until: choices >= pinChoiceLimit.choices ? startedAt + pinChoiceLimit.windowSeconds : null,
  });
}
