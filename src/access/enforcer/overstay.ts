// The overstay alert (phase2.md C.3): 15 minutes after a guest pass ended, its
// plate entered (a granted read on the pass, or any granted entry while it
// ran) and was not read leaving since. Only an account with an exit reader
// can know a vehicle left, so only there. A job on the app clock (jobs.ts);
// each pass is claimed once by compare-and-set, in the transaction that
// raises its alert, so no pass is alerted twice, in any process.
import type { Job } from '../../jobs.ts';
import { hasExitReader, lastEntryOnPass, leftSince } from '../../store/repositories/enforcer-alerts.ts';
import { claimOverstayCheck, passesDueOverstayCheck } from '../../store/repositories/guest-passes.ts';
import { passEnd, oneTimeSeconds } from '../guests/status.ts';
import { raiseAlert } from './alerts.ts';

export const overstayGraceSeconds = 15 * 60;

export function overstayJob(): Job {
  return {
    name: 'overstay',
    async run({ db, now: nowMs }) {
      const now = Math.floor(nowMs / 1000);
      let handled = 0;
      for (const row of await passesDueOverstayCheck(db, now - overstayGraceSeconds, oneTimeSeconds)) {
        const end = passEnd(row);
        // A one_time pass used late may still run although its ends_at is near: it waits for its own end.
        if (end + overstayGraceSeconds > now) continue;
        const raised = await db.transaction().execute(async (trx) => {
          if (!(await claimOverstayCheck(trx, row.id, now))) return false;
          if (!(await hasExitReader(trx, row.account_id))) return true;
          const pass = { id: row.id, account_id: row.account_id, plate_key: row.plate_key! };
          const entry = await lastEntryOnPass(trx, pass, Number(row.starts_at), end);
          if (!entry || (await leftSince(trx, row.account_id, pass.plate_key, Number(entry.occurred_at)))) return true;
          await raiseAlert(trx, { accountId: row.account_id, trigger: 'overstay', doorId: entry.door_id, plateKey: pass.plate_key, readId: entry.id, at: now });
          return true;
        });
        if (raised) handled += 1;
      }
      return handled;
    },
  };
}
