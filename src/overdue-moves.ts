// Door moves acknowledged but never reported: every process sweeps on a timer
// (real time), and each overdue move is failed and announced once, whichever
// process gets to it (the move's own state is the claim).
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { failOverdueMoves } from './access/door-moves.ts';
import type { Clock } from './clock.ts';
import type { Database } from './store/database.ts';

/** Often enough that a move fails soon after its deadline, never more than every 100 ms nor less than every 5 s. */
export function overdueSweepInterval(travelDeadlineMs: number): number {
  return Math.min(5000, Math.max(100, Math.floor(travelDeadlineMs / 4)));
}

export function startOverdueMoves(deps: { db: Kysely<Database>; clock: Clock; log: FastifyBaseLogger; travelDeadlineMs: number }) {
  let running: Promise<void> | undefined;
  const sweep = async () => {
    try {
      const failed = await failOverdueMoves(deps);
      if (failed > 0) deps.log.info({ failed }, 'door moves never reported failed');
    } catch (error) {
      deps.log.warn({ err: error }, 'overdue door move sweep failed');
    }
  };
  const run = () => (running ??= sweep().finally(() => (running = undefined)));
  const timer = setInterval(run, overdueSweepInterval(deps.travelDeadlineMs));
  timer.unref();
  return {
    run,
    /** Waits for a sweep in progress, so the database can be closed after. */
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
