// How long plate reads are kept (phase2.md B.6): reads that matched no
// vehicle (refused, unreadable, low confidence) for PARQEX_LPR_UNMATCHED_DAYS,
// the others (granted, repeats) for PARQEX_LPR_RETENTION_DAYS. A daily job on
// domain time; every process may run it, as a delete twice deletes nothing.
import type { Job } from '../jobs.ts';
import { deleteReadsBefore } from '../store/repositories/lpr-reads.ts';

const DAY_MS = 24 * 3600_000;

export function lprRetentionJob(days: { unmatchedDays: number; retentionDays: number }): Job {
  let lastDay: number | undefined;
  return {
    name: 'lpr-retention',
    async run({ db, now }) {
      // The jobs run every 30 s; the reads need looking at once a (domain) day.
      const day = Math.floor(now / DAY_MS);
      if (day === lastDay) return 0;
      const seconds = Math.floor(now / 1000);
      const removed = await deleteReadsBefore(db, { unmatched: seconds - days.unmatchedDays * 86400, matched: seconds - days.retentionDays * 86400 });
      lastDay = day;
      return removed;
    },
  };
}
