// Internal routes (spec 4, "Invite User"): only first-party clients, flagged
// at registration, may call them. Any other client meets the same 404 as an
// unknown route, byte for byte (no domain code even on Phase 2 routes), so
// the route is not even confirmed to exist.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { refuseIn } from '../errors/handler.ts';
import { describeClient } from '../oauth/clients.ts';
import type { ApiDeps } from './index.ts';

export function firstPartyOnly(db: ApiDeps['db']) {
  return async function requireFirstParty(request: FastifyRequest, reply: FastifyReply) {
    const client = request.principal ? await describeClient(db, request.principal.clientId) : undefined;
    if (!client?.first_party) return refuseIn('api', reply, { status: 404, message: 'Not found.' });
  };
}
