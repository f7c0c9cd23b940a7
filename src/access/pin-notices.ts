// What a person is told when their keypad PIN does not work at an account:
// another member held it there when they joined (pin_claims). Neutral on
// purpose: who holds it is not said, and the notice stays until they choose
// another PIN.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { accountsWithoutClaim } from '../store/repositories/pin-claims.ts';

export async function pinNotices(db: Kysely<Database>, personId: string): Promise<string[]> {
  const accounts = await accountsWithoutClaim(db, personId);
  return accounts.map((account) => `Your keypad PIN does not work at ${account.name}. Choose another PIN in your settings to use keypads there.`);
}
