// Access token to Principal: the only way the resource API reads tokens.
// It reads the adapter's own rows (sealed the same way) in one statement
// instead of asking oidc-provider for the token, its grant and its client
// (three statements, three payloads opened, a client instantiated): the
// provider's storage is ours, and no copy of it is kept in memory, so a
// revocation is seen by the next request on every process.
import type { Kysely } from 'kysely';
import type { Box } from '../security/encryption.ts';
import { hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findBearerToken } from '../store/repositories/bearer-tokens.ts';

export interface Principal {
  personId: string;
  clientId: string;
  /** The application's registered name (history channels name it). */
  clientName: string;
  grantId: string;
  scopes: ReadonlySet<string>;
}

/** What the grant behind the token covers, for the viewer. */
export interface GrantCoverage {
  grantId: string;
  personId: string;
  firstParty: boolean;
  allDoors: boolean;
  doorIds: string[];
  lastUsedAt: number | null;
}

export type BearerVerifier = (token: string) => Promise<{ principal: Principal; grant: GrantCoverage } | undefined>;

/** The fields of oidc-provider's AccessToken payload that the check reads. */
interface AccessTokenPayload {
  kind?: string;
  exp?: number;
  accountId?: string;
  clientId?: string;
  grantId?: string;
  scope?: string;
}

export function bearerVerifier(db: Kysely<Database>, box: Box): BearerVerifier {
  return async (token) => {
    const now = Math.floor(Date.now() / 1000);
    const row = await findBearerToken(db, hashSecret(token), now);
    if (!row) return undefined;
    const payload = JSON.parse(box.open(row.payload)) as AccessTokenPayload;
    if (payload.kind !== 'AccessToken' || (payload.exp !== undefined && payload.exp <= now)) return undefined;
    // The token must speak for the authorization it is filed under.
    if (payload.grantId !== row.grantId || payload.accountId !== row.personId || payload.clientId !== row.clientId) return undefined;
    return {
      principal: {
        personId: row.personId,
        clientId: row.clientId,
        clientName: row.clientName,
        grantId: row.grantId,
        scopes: new Set((payload.scope ?? '').split(' ').filter(Boolean)),
      },
      grant: { grantId: row.grantId, personId: row.personId, firstParty: row.firstParty, allDoors: row.allDoors, doorIds: row.doorIds, lastUsedAt: row.lastUsedAt },
    };
  };
}
