// An application proving who it is with its own credentials, outside the OAuth
// endpoints (the webhooks API). Only confidential clients have a secret; a
// public client, an unknown id and a wrong secret are all the same refusal.
// The attempt is counted before the secret is compared (access/client-secret-throttle.ts).
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
  const client = await findClientWithSecretHash(db, clientId);
  if (!client || client.type !== 'confidential' || client.secret_hash === null || !secretMatches(secret, client.secret_hash)) return undefined;
  await attempts.succeeded(clientId);
  return client.client_id;
}
