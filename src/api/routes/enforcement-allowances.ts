// Allowances, the "DO NOT TOW" list (phase2.md C.1), with the `enforcer`
// scope: listed by the Admin and enforcement members, written by the Admin.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { addAllowance, allowanceCategories, changeAllowance, endAllowance, listAllowances, maxActiveAllowances, maxAllowanceText } from '../../access/enforcer/allowances.ts';
import { ApiAllowance, describeAdmin, describeMembers, enforcerActor, presentAllowance, tags } from '../enforcement-schemas.ts';
import { unixNow } from '../format.ts';
import { idempotencyErrors, idempotencyHeaders, idempotent } from '../idempotency.ts';
import type { ApiDeps } from '../index.ts';
import { listOf, listPage, listQueryFields } from '../lists.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

const time = (description: string) => Type.Union([Type.String({ maxLength: 40, description: `${description}: ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC` }), Type.Null()]);
const changeable = {
  category: Type.String({ maxLength: 20, description: allowanceCategories.join(', ') }),
  holder_name: Type.String({ maxLength: maxAllowanceText.holder_name }),
  unit: Type.String({ maxLength: maxAllowanceText.unit }),
  note: Type.String({ maxLength: maxAllowanceText.note }),
  starts_at: time('Start; now by default'),
  ends_at: time('End; null or absent: ongoing'),
  admit_door_ids: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'Doors of the account whose plate readers let the plate in, as the system; a door not the account\'s 404' }),
};
const NewAllowance = Type.Object({
  account_id: Type.Optional(accountIdField),
  plate: Type.String({ maxLength: 20 }),
  region: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  ...Type.Partial(Type.Object(changeable)).properties,
  category: changeable.category,
}, { additionalProperties: false });
const AllowanceChanges = Type.Partial(Type.Object({ account_id: accountIdField, ...changeable }), { additionalProperties: false });
const Params = Type.Object({ allowance_id: Type.String({ maxLength: 64 }) });
const AccountQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const ListQuery = Type.Object({
  account_id: Type.Optional(accountIdField),
  plate: Type.Optional(Type.String({ maxLength: 20 })),
  active: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'true: only those valid now; false: only the others' })),
  ...listQueryFields,
}, { additionalProperties: false });

const allowanceList = listOf('allowances', ApiAllowance, presentAllowance, {
  filename: 'allowances.csv',
  header: ['id', 'plate', 'region', 'category', 'holder_name', 'unit', 'note', 'starts_at', 'ends_at', 'admit_door_ids', 'created_at'],
  row: (a) => [a.id, a.plate, a.region, a.category, a.holder_name, a.unit, a.note, a.starts_at, a.ends_at, a.admit_door_ids.join(' '), a.created_at],
});

export async function enforcementAllowanceRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const idempotency = idempotent({ db: deps.db, box: deps.settings.box }, { owner: (request) => ({ clientId: request.principal!.clientId, personId: request.principal!.personId }) });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/enforcement/allowances', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'List the allowances', description: `${describeMembers} Newest first.`, security: bearerSecurity, querystring: ListQuery,
      response: { 200: allowanceList.response, ...codedErrors },
    },
  }, async (request, reply) => {
    const { query } = request;
    const actor = await enforcerActor(deps, request, query.account_id);
    const page = await listAllowances(deps.enforcer, actor, { plate: query.plate, active: query.active === undefined ? undefined : query.active === 'true', ...listPage(query) });
    return allowanceList.send(reply, query, page);
  });

  app.post<{ Body: Static<typeof NewAllowance> }>('/enforcement/allowances', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Add an allowance',
      description: `${describeAdmin} Notices then refuse the plate (409 vehicle_authorized); readers admit it only at admit_door_ids. One overlapping another of the plate: 409 duplicate; over ${maxActiveAllowances} unended: 409 limit_reached. Announced as allowance_added.`,
      security: bearerSecurity, headers: idempotencyHeaders, body: NewAllowance,
      response: { 201: successEnvelope(ApiAllowance), ...codedErrors, ...idempotencyErrors, 409: codedErrorEnvelope },
    },
    ...idempotency,
  }, async (request, reply) => {
    const { account_id: accountInput, ...input } = request.body;
    const allowance = await addAllowance(deps.enforcer, await enforcerActor(deps, request, accountInput), input);
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: presentAllowance(allowance) });
  });

  app.patch<{ Params: Static<typeof Params>; Body: Static<typeof AllowanceChanges> }>('/enforcement/allowances/:allowance_id', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Change an allowance', description: `${describeAdmin} Only the fields sent change (not the plate); a window overlapping another of the plate: 409 duplicate.`,
      security: bearerSecurity, params: Params, body: AllowanceChanges, response: { 200: successEnvelope(ApiAllowance), ...codedErrors, 409: codedErrorEnvelope },
    },
  }, async (request) => {
    const { account_id: accountInput, ...input } = request.body ?? {};
    const allowance = await changeAllowance(deps.enforcer, await enforcerActor(deps, request, accountInput), request.params.allowance_id, input);
    return { success: true as const, timestamp: unixNow(), data: presentAllowance(allowance) };
  });

  app.delete<{ Params: Static<typeof Params>; Querystring: Static<typeof AccountQuery> }>('/enforcement/allowances/:allowance_id', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'End an allowance', description: `${describeAdmin} Ends it now (kept in the list); one already ended: 409 invalid_state. Announced as allowance_ended.`,
      security: bearerSecurity, params: Params, querystring: AccountQuery, response: { 200: successEnvelope(ApiAllowance), ...codedErrors, 409: codedErrorEnvelope },
    },
  }, async (request) => {
    const allowance = await endAllowance(deps.enforcer, await enforcerActor(deps, request, request.query.account_id), request.params.allowance_id);
    return { success: true as const, timestamp: unixNow(), data: presentAllowance(allowance) };
  });
}
