// Client-secret guessing at the provider's endpoints (token, revocation,
// introspection). oidc-provider compares the secret inside its own client
// authentication, synchronously, so the attempt is begun here, in front of
// it, and ended by its answer, which tells whether the client authenticated: every
// refusal of client authentication is a 401 invalid_client (RFC 6749 5.2, and
// the compatibility layer always hands the provider a Basic header).
import { clientLockedMessage, type ClientSecretAttempts } from '../access/client-secret-throttle.ts';
import { parseBasic } from './compat/client-credentials.ts';

export type ClientAuthAttempt =
  | { refused: { status: 429; retryAfter: number; body: { error: 'invalid_client'; error_description: string } } }
  | { refused: undefined; answered(status: number): Promise<void> };

/** `authorization`: the canonical header after the compatibility layer; no secret, nothing to count. */
export async function countClientAuthentication(attempts: ClientSecretAttempts, authorization: string | undefined): Promise<ClientAuthAttempt> {
  const clientId = authorization === undefined ? undefined : parseBasic(authorization)?.clientId;
  if (clientId === undefined) return { refused: undefined, answered: async () => {} };
  const wait = await attempts.count(clientId);
  if (wait > 0) return { refused: { status: 429, retryAfter: wait, body: { error: 'invalid_client', error_description: clientLockedMessage(wait) } } };
  return {
    refused: undefined,
    answered: async (status) => {
      await attempts.ended(clientId, status !== 401);
    },
  };
}
