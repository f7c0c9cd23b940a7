// The applications a person authorized, and the doors each may reach.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import * as repo from '../store/repositories/authorizations.ts';
import { destroyGrant } from '../store/repositories/oauth-models.ts';
import { DomainError } from './errors.ts';
import type { Viewer } from './door-policy.ts';
import { systemClock } from '../clock.ts';
import { supportedScopes, type Scope } from '../oauth/scopes.ts';

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

export interface AuthorizedApplication {
  clientId: string;
  clientName: string;
  /** Scopes beyond reading, in the order of the scope catalogue. */
  scopes: Scope[];
  allDoors: boolean;
  doorIds: string[];
  /** Epoch seconds, or null when never used. */
  lastUsedAt: number | null;
}

/**
 * One entry per application, however many times the person authorized it: the
 * union of what its standing grants allow, as one revocation ends them all.
 */
export async function listAuthorizations(db: Kysely<Database>, personId: string): Promise<AuthorizedApplication[]> {
  const rows = await repo.authorizationsOfPerson(db, personId);
  const byClient = new Map<string, { name: string; scopes: Set<string>; allDoors: boolean; doorIds: Set<string>; lastUsedAt: number | null }>();
  for (const row of rows) {
    const entry = byClient.get(row.client_id) ?? { name: row.client_name ?? row.client_id, scopes: new Set(), allDoors: false, doorIds: new Set(), lastUsedAt: null };
    byClient.set(row.client_id, entry);
    for (const scope of row.scopes.split(' ')) entry.scopes.add(scope);
    if (row.all_doors === 1) entry.allDoors = true;
    else for (const id of await repo.authorizedDoorIds(db, row.grant_id)) entry.doorIds.add(id);
    if (row.last_used_at !== null && (entry.lastUsedAt === null || row.last_used_at > entry.lastUsedAt)) entry.lastUsedAt = row.last_used_at;
  }
  return [...byClient].map(([clientId, entry]) => ({
    clientId,
    clientName: entry.name,
    scopes: supportedScopes.filter((scope) => entry.scopes.has(scope)),
    allDoors: entry.allDoors,
    doorIds: entry.allDoors ? [] : [...entry.doorIds],
    lastUsedAt: entry.lastUsedAt,
  }));
}

/** Revokes an application: every grant the person gave it, and every token issued under them, end at once. */
export async function revokeApplication(db: Kysely<Database>, personId: string, clientId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const grants = await repo.authorizationGrantsOfClient(trx, personId, clientId);
    if (grants.length === 0) throw new DomainError('not_found', 'No such application.');
    for (const grantId of grants) {
      await repo.deleteAuthorization(trx, personId, grantId);
      await destroyGrant(trx, grantId);
    }
  });
}

/**
 * A grant ended because its tokens were stolen (an authorization code sent
 * twice, a public client's refresh token reused): the application loses its
 * place in the person's list, as nothing of that authorization works any more.
 * An application revoking its own token is not this: it stays listed until the
 * person removes it (docs/oauth.md, Revocation).
 */
export async function forgetStolenGrant(db: Kysely<Database>, grantId: string): Promise<void> {
  await repo.deleteAuthorizationOfGrant(db, grantId);
}
