// A member choosing a PIN a guest pass holds at one of their accounts takes
// it (phase2.md A.5): the pass draws a new PIN, mailed to the guest by the
// guest mail job; the old one stops opening anything at once.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.ts';
import { findGuestPass, freeGuestPin, guestClaimsOf, guestPolicy, updateGuestPass } from '../../store/repositories/guest-passes.ts';
import type { Box } from '../../security/encryption.ts';
import { claimNewPin } from './credentials.ts';
import { passStatus } from './status.ts';

export async function displaceGuestPins(db: Kysely<Database>, deps: { box: Box; pinKey: Buffer; now: number }, personId: string, pinLookup: string): Promise<void> {
  const accounts = await db.selectFrom('account_members').select('account_id').where('person_id', '=', personId).execute();
  for (const claim of await guestClaimsOf(db, accounts.map((row) => row.account_id), pinLookup)) {
    await freeGuestPin(db, claim.guest_pass_id);
    const row = await findGuestPass(db, claim.guest_pass_id);
    if (!row || !['pending', 'scheduled', 'active'].includes(passStatus(row, deps.now))) continue;
    const policy = await guestPolicy(db, row.account_id);
    const drawn = await claimNewPin(db, deps, row, policy.guest_pin_length);
    await updateGuestPass(db, row.id, { pin_sealed: drawn.sealed, pin_lookup: drawn.lookup, pin_mail_due: 1, updated_at: deps.now });
  }
}
