// Deletes what has expired (tokens, codes, sessions, refresh rotations, old toggles, old
// webhook events, idempotency records past their day, mailed links) and fails toggles whose process died.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from './store/database.ts';
import { deleteExpiredModels } from './store/repositories/oauth-models.ts';
import { deleteRotationsBefore } from './store/repositories/refresh-rotations.ts';
import { deleteCommandsBefore, expireStaleCommands } from './store/repositories/door-commands.ts';
import { deleteFinishedEventsBefore } from './store/repositories/webhooks.ts';
import { deleteExpiredRecords } from './store/repositories/idempotency-records.ts';
import { deleteExpiredMailLinks } from './store/repositories/mail-links.ts';

const EVERY_MS = 10 * 60 * 1000;
/** Webhook events, their deliveries and attempts are kept this long once nothing is left to send. */
export const WEBHOOK_RETENTION_DAYS = 30;

export function startHousekeeping(deps: { db: Kysely<Database>; log: FastifyBaseLogger; refreshGraceSeconds: number }) {
  const run = async () => {
    try {
      const now = Date.now();
      const removed = await deleteExpiredModels(deps.db, Math.floor(now / 1000));
      // Rotation rows outlive their window by an hour so late duplicates still find them.
      await deleteRotationsBefore(deps.db, now - (deps.refreshGraceSeconds + 3600) * 1000);
      // Toggles: unanswered ones of a process that died, and finished ones past the idempotency window.
      await expireStaleCommands(deps.db, now);
      await deleteCommandsBefore(deps.db, now - 24 * 3600 * 1000);
      await deleteFinishedEventsBefore(deps.db, Math.floor(now / 1000) - WEBHOOK_RETENTION_DAYS * 86400);
      await deleteExpiredRecords(deps.db, Math.floor(now / 1000));
      // Mailed links a week past expiry: long enough to still say "expired" rather than "not valid".
      await deleteExpiredMailLinks(deps.db, Math.floor(now / 1000) - 7 * 86400);
      if (removed > 0) deps.log.debug({ removed }, 'expired oauth records removed');
    } catch (error) {
      deps.log.warn({ err: error }, 'housekeeping failed');
    }
  };
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), run };
}
