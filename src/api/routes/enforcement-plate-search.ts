// Everything the account holds on a plate (phase2.md C.1) with the `enforcer`
// scope: its notices, allowances and guest passes. Logged as a look-up.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { plateSearch } from '../../access/enforcer/plate-status.ts';
import { ApiAllowance, ApiNotice, describeMembers, enforcerActor, presentAllowance, presentNotice, tags } from '../enforcement-schemas.ts';
import { compactId } from '../../access/ids.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';

const ApiPlateGuestPass = Type.Object({
  id: Type.String({ description: '32 lowercase hex' }), guest_name: Type.String(), kind: Type.String({ description: 'window, recurring or one_time' }),
  plate: Type.String(), region: Type.Union([Type.String(), Type.Null()]), status: Type.String({ description: 'The pass\'s status now' }),
  starts_at: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }),
  ends_at: Type.String({ description: 'When it stops (a used one_time pass: 15 minutes after its first use), UTC "YYYY-MM-DD HH:MM:SS"' }),
});

const Query = Type.Object({ account_id: Type.Optional(accountIdField), plate: Type.String({ maxLength: 20 }) }, { additionalProperties: false });

export async function enforcementPlateSearchRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/enforcement/plate-search', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Search a plate', description: `${describeMembers} The plate's notices, allowances and guest passes at the account, newest first; the search is recorded.`,
      security: bearerSecurity, querystring: Query,
      response: { 200: successEnvelope(Type.Object({ plate: Type.String(), notices: Type.Array(ApiNotice), allowances: Type.Array(ApiAllowance), guest_passes: Type.Array(ApiPlateGuestPass) })), ...codedErrors },
    },
  }, async (request) => {
    const answer = await plateSearch(deps.enforcer, await enforcerActor(deps, request, request.query.account_id), { plate: request.query.plate });
    return { success: true as const, timestamp: unixNow(), data: { plate: answer.plate, notices: answer.notices.map(presentNotice), allowances: answer.allowances.map(presentAllowance),
      guest_passes: answer.guestPasses.map((pass) => ({
        id: compactId(pass.id), guest_name: pass.guestName, kind: pass.kind, plate: pass.plate, region: pass.region, status: pass.status, starts_at: apiTimestamp(pass.startsAt)!, ends_at: apiTimestamp(pass.endsAt)!,
      })),
    } };
  });
}
