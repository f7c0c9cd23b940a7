// An application proving who it is with its own credentials, outside the OAuth
// endpoints (the webhooks API). Only confidential clients have a secret; a
// public client, an unknown id and a wrong secret are all the same refusal.
// The attempt holds a place under the client's limit while the secret is compared (access/client-secret-throttle.ts).
import type { Kysely } from 'kysely';
import { clientLockedMessage, type ClientSecretAttempts } from '../access/client-secret-throttle.ts';
import { DomainError } from '../access/errors.ts';
import { secretMatches } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findClientWithSecretHash } from '../store/repositories/clients.ts';

/** The client's id when the secret is its current one; otherwise undefined. `rate_limited` past the client's limit. */
export async function authenticateClient(db: Kysely<Database>, attempts: ClientSecretAttempts, clientId: string, secret: string): Promise<string | undefined> {
  const wait = await attempts.count(clientId);
  if (wait > 0) throw new DomainError('rate_limited', clientLockedMessage(wait), { retryAfter: wait });
  let authenticated: string | undefined;
  try {
    const client = await findClientWithSecretHash(db, clientId);
    if (client?.type === 'confidential' && client.secret_hash !== null && secretMatches(secret, client.secret_hash)) authenticated = client.client_id;
    return authenticated;
  } finally {
    await attempts.ended(clientId, authenticated !== undefined);
  }
}
