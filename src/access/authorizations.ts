// The applications a person authorized, and the doors each may reach.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import * as repo from '../store/repositories/authorizations.ts';
import { destroyGrant } from '../store/repositories/oauth-models.ts';
import { DomainError } from './errors.ts';
import type { Viewer } from './door-policy.ts';
import { systemClock } from '../clock.ts';

export interface GrantedDoors {
  /** Every door the person may use, now and later. */
  all: boolean;
  doorIds: string[];
}

export async function recordAuthorization(db: Kysely<Database>, input: { grantId: string; personId: string; clientId: string; scopes: string[]; doors: GrantedDoors }): Promise<void> {
  await repo.insertAuthorization(db, {
    grant_id: input.grantId,
    person_id: input.personId,
    client_id: input.clientId,
    scopes: input.scopes.join(' '),
    all_doors: input.doors.all ? 1 : 0,
    created_at: Math.floor(systemClock.now() / 1000),
  }, input.doors.all ? [] : input.doors.doorIds);
}

/** The viewer an access token speaks for: its person, limited to its grant's doors. Marks the grant used. */
export async function viewerForGrant(db: Kysely<Database>, grantId: string, personId: string): Promise<Viewer | undefined> {
  const authorization = await repo.findAuthorization(db, grantId);
  if (!authorization || authorization.person_id !== personId) return undefined;
  // "Last used" on the account page; written at most once a minute per grant.
  const now = Math.floor(systemClock.now() / 1000);
  if (authorization.last_used_at === null || now - authorization.last_used_at >= 60) await repo.touchAuthorization(db, grantId, now);
  return toViewer(db, authorization);
}

/** What the bearer check read of a grant, in the same statement as the token. */
export interface CoveredGrant {
  grantId: string;
  personId: string;
  firstParty: boolean;
  allDoors: boolean;
  doorIds: string[];
  lastUsedAt: number | null;
}

/** `viewerForGrant` for a grant the bearer check already read: no statement unless "last used" is due. */
export async function viewerOfCoveredGrant(db: Kysely<Database>, grant: CoveredGrant): Promise<Viewer> {
  const now = Math.floor(systemClock.now() / 1000);
  if (grant.lastUsedAt === null || now - grant.lastUsedAt >= 60) await repo.touchAuthorization(db, grant.grantId, now);
  return { personId: grant.personId, grant: { allDoors: grant.allDoors, doorIds: new Set(grant.doorIds), thirdParty: !grant.firstParty } };
}

/** The same viewer, for the platform acting on the grant's behalf (webhooks): not a use of it. */
export async function grantViewer(db: Kysely<Database>, grantId: string): Promise<Viewer | undefined> {
  const authorization = await repo.findAuthorization(db, grantId);
  return authorization && toViewer(db, authorization);
}

async function toViewer(db: Kysely<Database>, authorization: { grant_id: string; person_id: string; all_doors: number; first_party: number | null }): Promise<Viewer> {
  const doorIds = authorization.all_doors === 1 ? [] : await repo.authorizedDoorIds(db, authorization.grant_id);
  return { personId: authorization.person_id, grant: { allDoors: authorization.all_doors === 1, doorIds: new Set(doorIds), thirdParty: authorization.first_party !== 1 } };
}

export async function listAuthorizations(db: Kysely<Database>, personId: string) {
  const rows = await repo.authorizationsOfPerson(db, personId);
  return Promise.all(rows.map(async (row) => ({
    grantId: row.grant_id,
    clientId: row.client_id,
    clientName: row.client_name ?? row.client_id,
    scopes: row.scopes.split(' ').filter((scope) => scope && scope !== 'read'),
    allDoors: row.all_doors === 1,
    doorIds: row.all_doors === 1 ? [] : await repo.authorizedDoorIds(db, row.grant_id),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  })));
}

/** Revokes an application: its grant and every token issued under it end at once. */
export async function revokeAuthorization(db: Kysely<Database>, personId: string, grantId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await repo.deleteAuthorization(trx, personId, grantId))) throw new DomainError('not_found', 'No such application.');
    await destroyGrant(trx, grantId);
  });
}
