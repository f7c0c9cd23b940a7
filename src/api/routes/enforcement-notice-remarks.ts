// A remark on a parking notice (phase2.md C.2) with the `enforcer` scope; append-only.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { addRemark, maxNoticeText } from '../../access/enforcer/notices.ts';
import { NoticeParams, describeMembers, enforcerActor, tags } from '../enforcement-schemas.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';

const Body = Type.Object({ account_id: Type.Optional(accountIdField), text: Type.String({ maxLength: maxNoticeText.remark }) }, { additionalProperties: false });
const Remark = Type.Object({ id: Type.String(), notice_id: Type.String(), text: Type.String(), person_id: Type.String({ description: 'A dashed UUID' }), at: Type.String({ description: 'UTC, "YYYY-MM-DD HH:MM:SS"' }) });

export async function enforcementNoticeRemarksRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post<{ Params: Static<typeof NoticeParams>; Body: Static<typeof Body> }>('/enforcement/notices/:notice_id/remarks', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Add a remark to a parking notice', description: `${describeMembers} At most ${maxNoticeText.remark} characters; remarks are never changed nor removed.`,
      security: bearerSecurity, params: NoticeParams, body: Body, response: { 201: successEnvelope(Remark), ...codedErrors },
    },
  }, async (request, reply) => {
    const actor = await enforcerActor(deps, request, request.body.account_id);
    const remark = await addRemark(deps.enforcer, actor, request.params.notice_id, { text: request.body.text });
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: { id: remark.id, notice_id: remark.noticeId, text: remark.text, person_id: actor.personId, at: apiTimestamp(remark.at)! } });
  });
}
