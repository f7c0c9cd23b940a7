// The guest mails that follow from what happened or from the app clock
// (phase2.md D.1): the issuer's "Your guest <name> arrived" after the first
// use, the guest's reminder 15 minutes before the end, and a PIN redrawn when
// a member took the old one. A job (jobs.ts), so the door side needs no
// mailer; each mail is claimed by compare-and-set, so it goes once.
import type { Job } from '../../jobs.ts';
import type { Mailer } from '../../mail/mailer.ts';
import {
  claimArrivalMail, claimPinMail, claimReminder, findGuestPass, firstOpenedDoor, guestPolicy, passesDueArrivalMail, passesDuePinMail, passesDueReminder,
} from '../../store/repositories/guest-passes.ts';
import { personProfile } from '../people.ts';
import { arrivalMail, newPinMail, reminderMail } from './mail.ts';
import { letterFor, presentOne, type GuestDeps } from './passes.ts';
import { passStatus } from './status.ts';

export const reminderLeadSeconds = 15 * 60;

export function guestMailJob(deps: Omit<GuestDeps, 'db' | 'clock' | 'pinKey'> & { mailer: Mailer }): Job {
  return {
    name: 'guest-mail',
    async run({ db, now: nowMs }) {
      const now = Math.floor(nowMs / 1000);
      const clock = { now: () => nowMs };
      let handled = 0;
      for (const row of await passesDueArrivalMail(db)) {
        if (!(await claimArrivalMail(db, row.id, now))) continue;
        const issuer = await personProfile(db, row.issuer_id);
        const door = await firstOpenedDoor(db, row.id);
        const { time_zone: timeZone } = await guestPolicy(db, row.account_id);
        await deps.mailer.send(arrivalMail(issuer.email, row.guest_name, door?.name ?? 'a door', Number(door?.occurred_at ?? row.first_used_at), timeZone));
        handled += 1;
      }
      for (const row of await passesDueReminder(db, now, reminderLeadSeconds)) {
        // A one_time pass already used up has nothing left to remind of.
        if (passStatus(row, now) === 'used' || !(await claimReminder(db, row.id, now))) continue;
        await deps.mailer.send(reminderMail(await letterFor({ db }, await presentOne({ ...deps, db, clock }, row))));
        handled += 1;
      }
      for (const row of await passesDuePinMail(db)) {
        if (!(await claimPinMail(db, row.id)) || !row.guest_email) continue;
        const fresh = (await findGuestPass(db, row.id))!;
        await deps.mailer.send(newPinMail(await letterFor({ db }, await presentOne({ ...deps, db, clock }, fresh))));
        handled += 1;
      }
      return handled;
    },
  };
}
