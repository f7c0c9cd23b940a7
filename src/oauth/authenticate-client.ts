// An application proving who it is with its own credentials, outside the OAuth
// endpoints (the webhooks API). Only confidential clients have a secret; a
// public client, an unknown id and a wrong secret are all the same refusal.
import type { Kysely } from 'kysely';
import { secretMatches } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findClientWithSecretHash } from '../store/repositories/clients.ts';

/** The client's id when the secret is its current one; otherwise undefined. */
export async function authenticateClient(db: Kysely<Database>, clientId: string, secret: string): Promise<string | undefined> {
  const client = await findClientWithSecretHash(db, clientId);
  if (!client || client.type !== 'confidential' || client.secret_hash === null) return undefined;
  return secretMatches(secret, client.secret_hash) ? client.client_id : undefined;
}
