// Everything the account holds on a plate (phase2.md C.1) with the `enforcer`
// scope: its notices and allowances. Logged as a look-up.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { plateSearch } from '../../access/enforcer/plate-status.ts';
import { ApiAllowance, ApiNotice, describeMembers, enforcerActor, presentAllowance, presentNotice, tags } from '../enforcement-schemas.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';

const Query = Type.Object({ account_id: Type.Optional(accountIdField), plate: Type.String({ maxLength: 20 }) }, { additionalProperties: false });

export async function enforcementPlateSearchRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/enforcement/plate-search', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Search a plate', description: `${describeMembers} The plate's notices and allowances at the account, newest first; the search is recorded.`,
      security: bearerSecurity, querystring: Query,
      response: { 200: successEnvelope(Type.Object({ plate: Type.String(), notices: Type.Array(ApiNotice), allowances: Type.Array(ApiAllowance) })), ...codedErrors },
    },
  }, async (request) => {
    const answer = await plateSearch(deps.enforcer, await enforcerActor(deps, request, request.query.account_id), { plate: request.query.plate });
    return { success: true as const, timestamp: unixNow(), data: { plate: answer.plate, notices: answer.notices.map(presentNotice), allowances: answer.allowances.map(presentAllowance) } };
  });
}
