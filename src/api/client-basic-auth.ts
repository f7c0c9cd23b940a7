// HTTP Basic authentication with an application's client credentials, for
// the routes an application calls about itself (the webhooks API). The id and
// secret are form-url-encoded before Basic encoding (RFC 6749 section 2.3.1);
// generated secrets use only [A-Za-z0-9_-] (spec 3), which the encoding leaves
// as is, so clients that skip it still work.
import { parseBasic } from '../oauth/compat/client-credentials.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { ClientSecretAttempts } from '../access/client-secret-throttle.ts';
import { DomainError } from '../access/errors.ts';
import { authenticateClient } from '../oauth/authenticate-client.ts';
import type { Database } from '../store/database.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated application, on routes behind clientBasicAuth. */
    applicationId: string | null;
  }
}

export const basicChallenge = 'Basic realm="ParqEx webhooks", charset="UTF-8"';

export function clientBasicAuth(db: Kysely<Database>, attempts: ClientSecretAttempts) {
  return async function authenticateApplication(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The challenge goes with each refusal of the credentials (RFC 7235); the error handler keeps it.
    const refuse = (message: string) => {
      reply.header('www-authenticate', basicChallenge);
      return new DomainError('unauthenticated', message);
    };
    const credentials = parseBasicCredentials(request.headers.authorization);
    if (!credentials) throw refuse('Client credentials are required: send them as "Authorization: Basic base64(client_id:client_secret)".');
    const clientId = await authenticateClient(db, attempts, credentials.clientId, credentials.secret);
    if (!clientId) throw refuse('The client credentials are invalid.');
    request.applicationId = clientId;
  };
}

function parseBasicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const credentials = header === undefined ? undefined : parseBasic(header);
  return credentials && credentials.clientId !== '' ? credentials : undefined;
}
