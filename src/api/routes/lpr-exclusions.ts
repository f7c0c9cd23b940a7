// The Admin's exclusions (phase2.md B.2) with the `lpr` scope: a plate the
// account's readers stop admitting as a member vehicle, and its readmission.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { excludePlate, maxReasonLength, readmitPlate, type Exclusion } from '../../access/lpr-exclusions.ts';
import { scopedAccount } from '../auth.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';

const PlateParams = Type.Object({ plate: Type.String({ maxLength: 40, description: 'The plate, in any spelling that folds to its key (PQX-1001, pqx 1001)' }) });
const ExcludeBody = Type.Object({
  account_id: Type.Optional(accountIdField),
  reason: Type.Optional(Type.String({ maxLength: maxReasonLength, description: `Why, at most ${maxReasonLength} characters; shown to the member in the events` })),
}, { additionalProperties: false });
const ReadmitQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const ExclusionData = Type.Object({
  plate: Type.String({ description: 'The plate key' }),
  reason: Type.String(),
  person_ids: Type.Array(Type.String({ description: 'A dashed UUID' }), { description: 'The members holding the plate, each told by an event' }),
});

const describeAccess = 'The `lpr` scope; the account\'s Admin only (another member 403, anyone else 404).';

function present(exclusion: Exclusion) {
  return { plate: exclusion.plate, reason: exclusion.reason, person_ids: exclusion.personIds };
}

export async function lprExclusionRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.put<{ Params: Static<typeof PlateParams>; Body: Static<typeof ExcludeBody> }>('/lpr/exclusions/:plate', {
    config: { domainCodes: true },
    schema: {
      tags: ['LPR'], summary: 'Exclude a plate',
      description: `${describeAccess} The readers stop admitting the plate as a member vehicle (guest passes and other bases still count). No member holding the plate: 404. Again with another reason changes the reason. Announced as vehicle_exclusion_added to the Admin and the member.`,
      security: bearerSecurity, params: PlateParams, body: ExcludeBody, response: { 200: successEnvelope(ExclusionData), ...codedErrors },
    },
  }, async (request) => {
    const body = request.body ?? {};
    const accountId = await scopedAccount(deps.db, request, body.account_id, 'lpr');
    const exclusion = await excludePlate(deps.db, deps.clock, { accountId, actorId: request.principal!.personId, plate: request.params.plate, reason: body.reason });
    return { success: true as const, timestamp: unixNow(), data: present(exclusion) };
  });

  app.delete<{ Params: Static<typeof PlateParams>; Querystring: Static<typeof ReadmitQuery> }>('/lpr/exclusions/:plate', {
    config: { domainCodes: true },
    schema: {
      tags: ['LPR'], summary: 'Readmit an excluded plate',
      description: `${describeAccess} A plate that is not excluded: 404. Announced as vehicle_exclusion_removed to the Admin and the member.`,
      security: bearerSecurity, params: PlateParams, querystring: ReadmitQuery, response: { 200: successEnvelope(ExclusionData), ...codedErrors },
    },
  }, async (request) => {
    const accountId = await scopedAccount(deps.db, request, request.query.account_id, 'lpr');
    const exclusion = await readmitPlate(deps.db, deps.clock, { accountId, actorId: request.principal!.personId, plate: request.params.plate });
    return { success: true as const, timestamp: unixNow(), data: present(exclusion) };
  });
}
