// Door moves acknowledged but never reported: every process sweeps on a timer
// (real time), and each overdue move is failed and announced once, whichever
// process gets to it (the move's own state is the claim).
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { failOverdueMoves } from './access/door-moves.ts';
import type { Clock } from './clock.ts';
import type { Database } from './store/database.ts';
import { startSweep } from './sweep.ts';

/** Often enough that a move fails soon after its deadline, never more than every 100 ms nor less than every 5 s. */
export function overdueSweepInterval(travelDeadlineMs: number): number {
  return Math.min(5000, Math.max(100, Math.floor(travelDeadlineMs / 4)));
}

export function startOverdueMoves(deps: { db: Kysely<Database>; clock: Clock; log: FastifyBaseLogger; travelDeadlineMs: number }) {
  return startSweep({ log: deps.log, intervalMs: overdueSweepInterval(deps.travelDeadlineMs) }, {
    run: () => failOverdueMoves(deps),
    counted: 'failed', done: 'door moves never reported failed', failed: 'overdue door move sweep failed',
  });
}
