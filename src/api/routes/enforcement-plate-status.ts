// A patroller's plate look-up (phase2.md C.1) with the `enforcer` scope: may
// the plate be here, and what is known of it. Logged; 60 a minute per person.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { plateStatus, statusLookupsPerMinute } from '../../access/enforcer/plate-status.ts';
import { compactId } from '../../access/ids.ts';
import { ApiNotice, describeMembers, enforcerActor, presentNotice, tags } from '../enforcement-schemas.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

const Query = Type.Object({
  account_id: Type.Optional(accountIdField),
  plate: Type.String({ maxLength: 20 }),
  region: Type.Optional(Type.String({ maxLength: 32 })),
  at: Type.Optional(Type.String({ maxLength: 40, description: 'The instant asked about: ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC; now by default' })),
}, { additionalProperties: false });
const utcOrNull = Type.Union([Type.String({ description: 'UTC, "YYYY-MM-DD HH:MM:SS"' }), Type.Null()]);
const StatusData = Type.Object({
  plate: Type.String({ description: 'The plate key' }),
  status: Type.String({ description: 'From exact matches only, the first of: allowance, member_vehicle, recently_expired (a basis ended within 24 h), unknown' }),
  bases: Type.Array(Type.Object({ kind: Type.String({ description: 'allowance, guest_pass or member_vehicle' }), id: Type.String({ description: '32 lowercase hex' }), valid_from: utcOrNull, valid_until: utcOrNull })),
  watchlisted: Type.Boolean(),
  near_matches: Type.Array(Type.String(), { description: 'Plate keys of the account\'s vehicles and allowances that look alike: a hint, never a status' }),
  open_notices: Type.Array(ApiNotice),
  last_read: Type.Union([Type.Object({
    id: Type.String(), door_id: Type.Union([Type.String(), Type.Null()]), door_name: Type.Union([Type.String(), Type.Null()]),
    decision: Type.String(), direction: Type.String(), occurred_at: Type.String(),
  }), Type.Null()], { description: 'The plate\'s latest read at the account' }),
});

export async function enforcementPlateStatusRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/enforcement/plate-status', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Look a plate up',
      description: `${describeMembers} Each look-up is recorded (who, through which application, when); more than ${statusLookupsPerMinute} a minute per person: 429 with Retry-After.`,
      security: bearerSecurity, querystring: Query, response: { 200: successEnvelope(StatusData), ...codedErrors, 429: codedErrorEnvelope },
    },
  }, async (request) => {
    const { account_id: accountInput, ...input } = request.query;
    const answer = await plateStatus(deps.enforcer, await enforcerActor(deps, request, accountInput), input);
    return {
      success: true as const, timestamp: unixNow(),
      data: {
        plate: answer.plate, status: answer.status,
        bases: answer.bases.map((basis) => ({ kind: basis.kind, id: compactId(basis.id), valid_from: apiTimestamp(basis.validFrom), valid_until: apiTimestamp(basis.validUntil) })),
        watchlisted: answer.watchlisted, near_matches: answer.nearMatches, open_notices: answer.openNotices.map(presentNotice),
        last_read: answer.lastRead && {
          id: answer.lastRead.id, door_id: answer.lastRead.doorId && compactId(answer.lastRead.doorId), door_name: answer.lastRead.doorName,
          decision: answer.lastRead.decision, direction: answer.lastRead.direction, occurred_at: apiTimestamp(answer.lastRead.occurredAt)!,
        },
      },
    };
  });
}
