// Access token to Principal: the only way the resource API reads tokens.
// It reads the adapter's own rows (sealed the same way) in one statement
// instead of asking oidc-provider for the token, its grant and its client
// (three statements, three payloads opened, a client instantiated): the
// provider's storage is ours, and the rows are read on every request, so a
// revocation is seen by the next request on every process.
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Box } from '../security/encryption.ts';
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

/** Takes the token's hash (`hashSecret`), which the caller also keys its rate limits by. */
export type BearerVerifier = (tokenHash: string) => Promise<{ principal: Principal; grant: GrantCoverage } | undefined>;

/** The fields of oidc-provider's AccessToken payload that the check reads. */
interface AccessTokenPayload {
  kind?: string;
  exp?: number;
  accountId?: string;
  clientId?: string;
  grantId?: string;
  scope?: string;
}

// A token's sealed payload never changes once written, so what it opens to is kept by the sealed text
// itself (the row is still read on every request: only the decryption and parsing are saved).
const OPENED_KEPT = 10_000;

export function bearerVerifier(db: Kysely<Database>, box: Box): BearerVerifier {
  const opened = new LRUCache<string, AccessTokenPayload & { scopes: ReadonlySet<string> }>({ max: OPENED_KEPT });
  const open = (sealed: string) => {
    let payload = opened.get(sealed);
    if (!payload) {
      const parsed = JSON.parse(box.open(sealed)) as AccessTokenPayload;
      payload = { ...parsed, scopes: new Set((parsed.scope ?? '').split(' ').filter(Boolean)) };
      opened.set(sealed, payload);
    }
    return payload;
  };
  return async (tokenHash) => {
    const now = Math.floor(Date.now() / 1000);
    const row = await findBearerToken(db, tokenHash, now);
    if (!row) return undefined;
    const payload = open(row.payload);
    if (payload.kind !== 'AccessToken' || (payload.exp !== undefined && payload.exp <= now)) return undefined;
    // The token must speak for the authorization it is filed under.
    if (payload.grantId !== row.grantId || payload.accountId !== row.personId || payload.clientId !== row.clientId) return undefined;
    return {
      principal: {
        personId: row.personId,
        clientId: row.clientId,
        clientName: row.clientName,
        grantId: row.grantId,
        scopes: payload.scopes,
      },
      grant: { grantId: row.grantId, personId: row.personId, firstParty: row.firstParty, allDoors: row.allDoors, doorIds: row.doorIds, lastUsedAt: row.lastUsedAt },
    };
  };
}
