// Which member a keypad PIN opens for, per account (pin_claims): the unique
// key (account, PIN) is what keeps two members from holding one PIN.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Moves the person's claims to a new PIN in every account of theirs; false (nothing claimed) when another member holds it in one. */
export async function moveClaims(db: Kysely<Database>, personId: string, pinLookup: string | null): Promise<boolean> {
  // Claims of the person's guest passes are held under their membership too; those stay.
  await db.deleteFrom('pin_claims').where('person_id', '=', personId).where('guest_pass_id', 'is', null).execute();
  if (pinLookup === null) return true;
  // In one order for everyone, so two people claiming in the same accounts cannot deadlock.
  const accounts = await db.selectFrom('account_members').select('account_id').where('person_id', '=', personId).orderBy('account_id').execute();
  if (accounts.length === 0) return true;
  const result = await db.insertInto('pin_claims')
    .values(accounts.map((row) => ({ account_id: row.account_id, pin_lookup: pinLookup, person_id: personId })))
    .onConflict((oc) => oc.columns(['account_id', 'pin_lookup']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === accounts.length;
}

/** A member joining an account claims their PIN there, unless another member holds it. */
export async function claimOnJoining(db: Kysely<Database>, accountId: string, personId: string): Promise<void> {
  const settings = await db.selectFrom('person_settings').select('pin_lookup').where('person_id', '=', personId).executeTakeFirst();
  if (!settings?.pin_lookup) return;
  await db.insertInto('pin_claims').values({ account_id: accountId, pin_lookup: settings.pin_lookup, person_id: personId })
    .onConflict((oc) => oc.columns(['account_id', 'pin_lookup']).doNothing()).execute();
}

/** The accounts of a person with a PIN where that PIN is not theirs (another member held it when they joined). */
export function accountsWithoutClaim(db: Kysely<Database>, personId: string) {
  return db.selectFrom('account_members')
    .innerJoin('accounts', 'accounts.id', 'account_members.account_id')
    .innerJoin('person_settings', 'person_settings.person_id', 'account_members.person_id')
    .leftJoin('pin_claims', (join) => join.onRef('pin_claims.account_id', '=', 'account_members.account_id')
      .onRef('pin_claims.person_id', '=', 'account_members.person_id').on('pin_claims.guest_pass_id', 'is', null))
    .select(['accounts.id', 'accounts.name'])
    .where('account_members.person_id', '=', personId)
    .where('person_settings.pin_lookup', 'is not', null)
    .where('pin_claims.person_id', 'is', null)
    .orderBy('accounts.name')
    .execute();
}

/** A former member's PIN no longer opens anything at the account. */
export async function deleteClaim(db: Kysely<Database>, accountId: string, personId: string): Promise<void> {
  await db.deleteFrom('pin_claims').where('account_id', '=', accountId).where('person_id', '=', personId).execute();
}
