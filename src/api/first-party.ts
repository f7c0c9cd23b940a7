// Internal routes (spec 4, "Invite User"): only first-party clients, flagged
// at registration, may call them. Any other client meets the same 404 as an
// unknown route, so the route is not even confirmed to exist.
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../access/errors.ts';
import { describeClient } from '../oauth/clients.ts';
import type { ApiDeps } from './index.ts';

export function firstPartyOnly(db: ApiDeps['db']) {
  return async function requireFirstParty(request: FastifyRequest): Promise<void> {
    const client = request.principal ? await describeClient(db, request.principal.clientId) : undefined;
    if (!client?.first_party) throw new DomainError('not_found', 'Not found.');
  };
}
