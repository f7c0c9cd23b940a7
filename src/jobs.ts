// Work that falls due with domain time (bookings, holds, reminders, renewals,
// overstays, retention as they arrive): a registry every `parqex serve` runs
// every 30 s and right after a manual clock moves. Every process runs every
// job; each job claims its rows by compare-and-set, so none is done twice.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.ts';
import type { Database } from './store/database.ts';

export interface JobContext {
  db: Kysely<Database>;
  /** Domain time, epoch ms, read once for the whole run so the jobs agree on it. */
  now: number;
}

export interface Job {
  name: string;
  /** Handles what is due at `now`; returns how many rows it claimed. */
  run(context: JobContext): Promise<number>;
}

export const JOB_INTERVAL_MS = 30_000;

export interface Jobs {
  /** Runs every job once; a run asked for while one is under way follows it, so nothing due is missed. */
  runDue(): Promise<Record<string, number>>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export function createJobs(deps: { db: Kysely<Database>; clock: Clock; log: FastifyBaseLogger }, jobs: readonly Job[]): Jobs {
  let running: Promise<Record<string, number>> = Promise.resolve({});
  let timer: NodeJS.Timeout | undefined;

  const runOnce = async () => {
    const context = { db: deps.db, now: deps.clock.now() };
    const handled: Record<string, number> = {};
    for (const job of jobs) {
      try {
        handled[job.name] = await job.run(context);
      } catch (error) {
        // One failing job must not keep the others from their rows.
        deps.log.warn({ err: error, job: job.name }, 'job failed');
      }
    }
    return handled;
  };

  const runDue = () => {
    running = running.then(runOnce, runOnce);
    return running;
  };

  return {
    runDue,
    start(intervalMs = JOB_INTERVAL_MS) {
      timer = setInterval(() => void runDue(), intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
