// The account a Phase 2 request acts on (phase2.md section 0, Account):
// `account_id` when given, else the one account the person is a member of.
// An account the person is not a member of, or one whose Admin shut
// third-party applications out when one is asking, is not found.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { listMemberships } from '../store/repositories/accounts.ts';
import type { Viewer } from './door-policy.ts';
import { DomainError } from './errors.ts';
import { parseId } from './ids.ts';

export async function actingAccount(db: Kysely<Database>, viewer: Viewer, accountInput: string | undefined): Promise<string> {
  const memberships = (await listMemberships(db, viewer.personId)).filter((row) => !viewer.grant?.thirdParty || row.third_party_access === 1);
  if (accountInput === undefined || accountInput === '') {
    if (memberships.length === 1) return memberships[0]!.account_id;
    if (memberships.length === 0) throw new DomainError('not_found', 'No such account.');
    throw new DomainError('invalid', `Invalid account_id: you are a member of ${memberships.length} accounts; say which one.`);
  }
  const accountId = parseId(accountInput);
  if (!accountId || !memberships.some((row) => row.account_id === accountId)) throw new DomainError('not_found', 'No such account.');
  return accountId;
}

/** A door id an application sends must be among the doors its grant covers (phase2.md section 0, Scopes); others are not found. */
export function requireGrantedDoor(viewer: Viewer, doorInput: string | null | undefined): void {
  if (doorInput === undefined || doorInput === null || doorInput === '' || !viewer.grant || viewer.grant.allDoors) return;
  const doorId = parseId(doorInput);
  if (!doorId || !viewer.grant.doorIds.has(doorId)) throw new DomainError('not_found', 'No such door.');
}
