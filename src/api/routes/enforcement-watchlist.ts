// The watchlist (phase2.md C.1) with the `enforcer` scope: exact plates whose
// reads open a watchlist_hit alert. The Admin writes it.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { listWatchlist, maxWatchNote, unwatchPlate, watchPlate, type Watched } from '../../access/enforcer/watchlist.ts';
import { describeAdmin, describeMembers, enforcerActor, tags } from '../enforcement-schemas.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

const ApiWatched = Type.Object({
  id: Type.String({ description: '32 lowercase hex' }), plate: Type.String({ description: 'The plate key' }), note: Type.String(),
  created_at: Type.String({ description: 'UTC, "YYYY-MM-DD HH:MM:SS"' }),
});
const AccountQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const NewWatched = Type.Object({ account_id: Type.Optional(accountIdField), plate: Type.String({ maxLength: 20 }), note: Type.Optional(Type.String({ maxLength: maxWatchNote })) }, { additionalProperties: false });
const Params = Type.Object({ watch_id: Type.String({ maxLength: 64 }) });

function present(watched: Watched) {
  return { id: watched.id, plate: watched.plate, note: watched.note, created_at: apiTimestamp(watched.createdAt)! };
}

export async function enforcementWatchlistRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof AccountQuery> }>('/enforcement/watchlist', {
    config: { domainCodes: true },
    schema: { tags, summary: 'List the watchlist', description: `${describeMembers} Newest first.`, security: bearerSecurity, querystring: AccountQuery, response: { 200: successEnvelope(Type.Array(ApiWatched)), ...codedErrors } },
  }, async (request) => {
    const list = await listWatchlist(deps.enforcer, await enforcerActor(deps, request, request.query.account_id));
    return { success: true as const, timestamp: unixNow(), data: list.map(present) };
  });

  app.post<{ Body: Static<typeof NewWatched> }>('/enforcement/watchlist', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Watch a plate', description: `${describeAdmin} Exact plates only: every read of it opens a watchlist_hit alert, whatever the reader decides. Listed already: 409 duplicate.`,
      security: bearerSecurity, body: NewWatched, response: { 201: successEnvelope(ApiWatched), ...codedErrors, 409: codedErrorEnvelope },
    },
  }, async (request, reply) => {
    const watched = await watchPlate(deps.enforcer, await enforcerActor(deps, request, request.body.account_id), request.body);
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: present(watched) });
  });

  app.delete<{ Params: Static<typeof Params>; Querystring: Static<typeof AccountQuery> }>('/enforcement/watchlist/:watch_id', {
    config: { domainCodes: true },
    schema: { tags, summary: 'Stop watching a plate', description: describeAdmin, security: bearerSecurity, params: Params, querystring: AccountQuery, response: { 200: successEnvelope(Type.Object({ id: Type.String() })), ...codedErrors } },
  }, async (request) => {
    await unwatchPlate(deps.enforcer, await enforcerActor(deps, request, request.query.account_id), request.params.watch_id);
    return { success: true as const, timestamp: unixNow(), data: { id: request.params.watch_id } };
  });
}
