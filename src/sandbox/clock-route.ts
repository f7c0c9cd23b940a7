// POST /_sandbox/clock {"advance":"90m"}: moves a manual clock forward, runs
// the jobs that fell due, and answers the new time. Registered only in
// development with a manual clock; anywhere else the path is unknown (404).
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../access/errors.ts';
import type { ManualClock } from '../clock.ts';
import type { Jobs } from '../jobs.ts';
import { apiTimestamp } from '../api/format.ts';

export const sandboxClockPath = '/_sandbox/clock';
const MAX_ADVANCE_MS = 31 * 24 * 3600_000;
const unitMs = { s: 1000, m: 60_000, h: 3600_000, d: 24 * 3600_000 } as const;

/** "90m", "2h", "1d12h": whole numbers of days, hours, minutes, seconds; undefined when not that. */
export function parseAdvance(text: string): number | undefined {
  if (!/^(\d+[dhms])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([dhms])/g)) total += Number(amount) * unitMs[unit as keyof typeof unitMs];
  return Number.isSafeInteger(total) ? total : undefined;
}

const schema = {
  hide: true,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['advance'],
    properties: { advance: { type: 'string', maxLength: 40 } },
  },
} as const;

export async function sandboxClockRoute(app: FastifyInstance, deps: { clock: ManualClock; jobs: Jobs }): Promise<void> {
  app.post<{ Body: { advance: string } }>(sandboxClockPath, { schema }, async (request) => {
    const ms = parseAdvance(request.body.advance);
    if (ms === undefined || ms === 0) throw new DomainError('invalid', 'advance must be a duration such as 90m, 2h or 1d12h');
    if (ms > MAX_ADVANCE_MS) throw new DomainError('invalid', 'advance may be at most 31 days');
    const now = deps.clock.advance(ms);
    await deps.jobs.runDue();
    return { now: apiTimestamp(Math.floor(now / 1000)) };
  });
}
