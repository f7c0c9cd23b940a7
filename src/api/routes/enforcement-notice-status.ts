// A parking notice's status move (phase2.md C.2) with the `enforcer` scope.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { changeNoticeStatus, maxNoticeText, settableStatuses } from '../../access/enforcer/notices.ts';
import { ApiNotice, NoticeParams, describeMembers, enforcerActor, presentNotice, tags } from '../enforcement-schemas.ts';
import { unixNow } from '../format.ts';
import { idempotencyErrors, idempotencyHeaders, idempotent } from '../idempotency.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

const Body = Type.Object({
  account_id: Type.Optional(accountIdField),
  status: Type.String({ maxLength: 20, description: settableStatuses.join(', ') }),
  note: Type.Optional(Type.String({ maxLength: maxNoticeText.note, description: 'Required for dismissed and voided' })),
}, { additionalProperties: false });

export async function enforcementNoticeStatusRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const idempotency = idempotent({ db: deps.db, box: deps.settings.box }, { owner: (request) => ({ clientId: request.principal!.clientId, personId: request.principal!.personId }) });
  app.post<{ Params: Static<typeof NoticeParams>; Body: Static<typeof Body> }>('/enforcement/notices/:notice_id/status', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Move a parking notice to another status',
      description: `${describeMembers} Members set notified, appealed, tow_requested, towed, resolved, paid, released; dismissed and voided are the Admin's (else 403) and need a note (else 400). After a final status (resolved, paid, released, dismissed, voided), or to the status it has: 409 invalid_state. Logged (append-only) and announced as parking_notice_status_changed.`,
      security: bearerSecurity, headers: idempotencyHeaders, params: NoticeParams, body: Body,
      response: { 200: successEnvelope(ApiNotice), ...codedErrors, ...idempotencyErrors, 409: codedErrorEnvelope },
    },
    ...idempotency,
  }, async (request) => {
    const { account_id: accountInput, ...input } = request.body;
    const notice = await changeNoticeStatus(deps.enforcer, await enforcerActor(deps, request, accountInput), request.params.notice_id, input);
    return { success: true as const, timestamp: unixNow(), data: presentNotice(notice) };
  });
}
