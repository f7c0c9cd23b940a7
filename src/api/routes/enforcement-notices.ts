// Parking notices (phase2.md C.2) with the `enforcer` scope: issue, list
// (and export), and read one with its status log, remarks and evidence.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { finalStatuses, getNotice, issueNotice, listNotices, openStatuses, type NoticeDetail } from '../../access/enforcer/notices.ts';
import { ApiNotice, NoticeParams, describeMembers, enforcerActor, noticeFields, presentNotice, tags } from '../enforcement-schemas.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import { idempotencyErrors, idempotencyHeaders, idempotent } from '../idempotency.ts';
import type { ApiDeps } from '../index.ts';
import { listOf, listPage, listQueryFields } from '../lists.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

const NewNotice = Type.Object({ account_id: Type.Optional(accountIdField), ...noticeFields }, { additionalProperties: false });
const ListQuery = Type.Object({
  account_id: Type.Optional(accountIdField),
  status: Type.Optional(Type.String({ maxLength: 20, description: [...openStatuses, ...finalStatuses].join(', ') })),
  plate: Type.Optional(Type.String({ maxLength: 20 })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'Observed from this instant: ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Observed before this instant' })),
  ...listQueryFields,
}, { additionalProperties: false });
const AccountQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const person = Type.Union([Type.Object({ id: Type.String({ description: 'A dashed UUID' }), first_name: Type.String(), last_name: Type.String() }), Type.Null()]);
const utc = Type.String({ description: 'UTC, "YYYY-MM-DD HH:MM:SS"' });
const NoticeDetailData = Type.Intersect([ApiNotice, Type.Object({
  status_log: Type.Array(Type.Object({ id: Type.String(), status: Type.String(), previous_status: Type.Union([Type.String(), Type.Null()]), note: Type.String(), person, at: utc }), { description: 'Append-only, oldest first' }),
  remarks: Type.Array(Type.Object({ id: Type.String(), text: Type.String(), person, at: utc }), { description: 'Append-only, oldest first' }),
  evidence: Type.Array(Type.Object({
    id: Type.String(), content_type: Type.String({ description: 'As sniffed from the bytes: image/jpeg, image/png or application/pdf' }), filename: Type.String(), size: Type.Integer(), sha256: Type.String(),
    person_id: Type.Union([Type.String(), Type.Null()]), at: utc,
  }), { description: 'Append-only; the bytes at GET …/evidence/{evidence_id}' }),
})]);

const noticeList = listOf('notices', ApiNotice, presentNotice, {
  filename: 'notices.csv',
  header: ['id', 'number', 'kind', 'plate', 'region', 'make', 'model', 'color', 'location', 'description', 'observed_at', 'issued_by', 'status', 'amount', 'alert_id', 'override_reason', 'created_at', 'updated_at'],
  row: (n) => [n.id, n.number, n.kind, n.plate, n.region, n.make, n.model, n.color, n.location, n.description, n.observed_at, n.issued_by, n.status, n.amount, n.alert_id, n.override_reason, n.created_at, n.updated_at],
});

const personOut = (ref: NoticeDetail['remarks'][number]['person']) => ref && { id: ref.id, first_name: ref.firstName, last_name: ref.lastName };

export function presentNoticeDetail(notice: NoticeDetail) {
  return {
    ...presentNotice(notice),
    status_log: notice.statusLog.map((entry) => ({ id: entry.id, status: entry.status, previous_status: entry.previousStatus, note: entry.note, person: personOut(entry.person), at: apiTimestamp(entry.at)! })),
    remarks: notice.remarks.map((remark) => ({ id: remark.id, text: remark.text, person: personOut(remark.person), at: apiTimestamp(remark.at)! })),
    evidence: notice.evidence.map((item) => ({ id: item.id, content_type: item.contentType, filename: item.filename, size: item.size, sha256: item.sha256, person_id: item.personId, at: apiTimestamp(item.at)! })),
  };
}

export async function enforcementNoticeRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const idempotency = idempotent({ db: deps.db, box: deps.settings.box }, { owner: (request) => ({ clientId: request.principal!.clientId, personId: request.principal!.personId }) });

  app.post<{ Body: Static<typeof NewNotice> }>('/enforcement/notices', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Issue a parking notice',
      description: `${describeMembers} 201 with status issued and the account's next number. A plate with a basis (an allowance, a member's vehicle) at observed_at: 409 vehicle_authorized, unless the Admin gives override_reason (kept with the notice). Announced as parking_notice_issued.`,
      security: bearerSecurity, headers: idempotencyHeaders, body: NewNotice,
      response: { 201: successEnvelope(ApiNotice), ...codedErrors, ...idempotencyErrors, 409: codedErrorEnvelope },
    },
    ...idempotency,
  }, async (request, reply) => {
    const { account_id: accountInput, ...input } = request.body;
    const notice = await issueNotice(deps.enforcer, await enforcerActor(deps, request, accountInput), input);
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: presentNotice(notice) });
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/enforcement/notices', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'List the parking notices', description: `${describeMembers} Newest first.`, security: bearerSecurity, querystring: ListQuery,
      response: { 200: noticeList.response, ...codedErrors },
    },
  }, async (request, reply) => {
    const { query } = request;
    const page = await listNotices(deps.enforcer, await enforcerActor(deps, request, query.account_id), { status: query.status, plate: query.plate, from: query.from, to: query.to, ...listPage(query) });
    return noticeList.send(reply, query, page);
  });

  app.get<{ Params: Static<typeof NoticeParams>; Querystring: Static<typeof AccountQuery> }>('/enforcement/notices/:notice_id', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Read a parking notice', description: `${describeMembers} By id or number; another account's notice is not found (404).`,
      security: bearerSecurity, params: NoticeParams, querystring: AccountQuery, response: { 200: successEnvelope(NoticeDetailData), ...codedErrors },
    },
  }, async (request) => {
    const notice = await getNotice(deps.enforcer, await enforcerActor(deps, request, request.query.account_id), request.params.notice_id);
    return { success: true as const, timestamp: unixNow(), data: presentNoticeDetail(notice) };
  });
}
