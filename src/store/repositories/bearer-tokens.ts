// The bearer check in one statement: the access token's row with its grant,
// the authorization behind it, its client and the doors it covers. Every
// request reads the rows as they are now, so a revoked grant, a deleted
// client or a destroyed token ends the next request on every process.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { prepared } from '../prepared.ts';

export interface BearerRow {
  /** The access token's sealed payload. */
  payload: string;
  grantId: string;
  personId: string;
  clientId: string;
  clientName: string;
  firstParty: boolean;
  allDoors: boolean;
  lastUsedAt: number | null;
  doorIds: string[];
}

const bearerQuery = prepared(
  (db: Kysely<Database>, idHash: string, nowSeconds: number) => db.selectFrom('oauth_models as token')
    .innerJoin('oauth_models as grant', (join) => join.on('grant.model', '=', 'Grant').onRef('grant.grant_id', '=', 'token.grant_id'))
    .innerJoin('authorizations', 'authorizations.grant_id', 'token.grant_id')
    .innerJoin('clients', 'clients.client_id', 'authorizations.client_id')
    .leftJoin('authorization_doors', 'authorization_doors.grant_id', 'token.grant_id')
    .select(['token.payload', 'token.grant_id', 'authorizations.person_id', 'authorizations.client_id', 'authorizations.all_doors', 'authorizations.last_used_at',
      'clients.name as client_name', 'clients.first_party', 'authorization_doors.door_id'])
    .where('token.model', '=', 'AccessToken').where('token.id_hash', '=', idHash)
    .where((eb) => eb.or([eb('token.expires_at', 'is', null), eb('token.expires_at', '>', nowSeconds)]))
    .where((eb) => eb.or([eb('grant.expires_at', 'is', null), eb('grant.expires_at', '>', nowSeconds)])),
);

/** `idHash` is the token's hash as the adapter files it; only unexpired rows of a live grant are found. */
export async function findBearerToken(db: Kysely<Database>, idHash: string, nowSeconds: number): Promise<BearerRow | undefined> {
  // One row per covered door (or one with no door): a join, not a second statement.
  const rows = await bearerQuery(db, idHash, nowSeconds);
  const first = rows[0];
  if (!first?.grant_id) return undefined;
  return {
    payload: first.payload,
    grantId: first.grant_id,
    personId: first.person_id,
    clientId: first.client_id,
    clientName: first.client_name,
    firstParty: first.first_party === 1,
    allDoors: first.all_doors === 1,
    lastUsedAt: first.last_used_at,
    doorIds: first.all_doors === 1 ? [] : rows.flatMap((row) => (row.door_id === null ? [] : [row.door_id])),
  };
}
