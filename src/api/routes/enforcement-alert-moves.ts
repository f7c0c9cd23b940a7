// Resolving an enforcement alert (phase2.md C.3) with the `enforcer` scope:
// accept (optionally issuing a notice in the same transaction) or reject.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { acceptAlert, maxAlertNote, rejectAlert, rejectReasons } from '../../access/enforcer/alerts.ts';
import { ApiAlert, ApiNotice, describeMembers, enforcerActor, noticeFields, presentAlert, presentNotice, tags } from '../enforcement-schemas.ts';
import { unixNow } from '../format.ts';
import { idempotencyErrors, idempotencyHeaders, idempotent } from '../idempotency.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';
import { AlertParams } from './enforcement-alerts.ts';

const AcceptBody = Type.Object({
  account_id: Type.Optional(accountIdField),
  note: Type.Optional(Type.String({ maxLength: maxAlertNote })),
  issue_notice: Type.Optional(Type.Object({ ...noticeFields, plate: Type.Optional(noticeFields.plate) }, { additionalProperties: false, description: 'Issue a notice too (its plate by default the alert\'s); refused, the alert stays open' })),
}, { additionalProperties: false });
const RejectBody = Type.Object({
  account_id: Type.Optional(accountIdField),
  reason: Type.String({ maxLength: 30, description: rejectReasons.join(', ') }),
  note: Type.String({ maxLength: maxAlertNote }),
}, { additionalProperties: false });
const Accepted = Type.Object({ alert: ApiAlert, notice: Type.Union([ApiNotice, Type.Null()]) });
const stateRule = 'An alert no longer open: 409 invalid_state. Announced as enforcement_alert_resolved.';

export async function enforcementAlertMoveRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const idempotency = idempotent({ db: deps.db, box: deps.settings.box }, { owner: (request) => ({ clientId: request.principal!.clientId, personId: request.principal!.personId }) });

  app.post<{ Params: Static<typeof AlertParams>; Body: Static<typeof AcceptBody> }>('/enforcement/alerts/:alert_id/accept', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Accept an enforcement alert',
      description: `${describeMembers} With issue_notice, the notice is issued in the same transaction (as POST enforcement/notices; refused, nothing changes). ${stateRule}`,
      security: bearerSecurity, headers: idempotencyHeaders, params: AlertParams, body: AcceptBody,
      response: { 200: successEnvelope(Accepted), ...codedErrors, ...idempotencyErrors, 409: codedErrorEnvelope },
    },
    ...idempotency,
  }, async (request) => {
    const { account_id: accountInput, note, issue_notice: issueNotice } = request.body ?? {};
    const outcome = await acceptAlert(deps.enforcer, await enforcerActor(deps, request, accountInput), request.params.alert_id, { note, issueNotice });
    return { success: true as const, timestamp: unixNow(), data: { alert: presentAlert(outcome.alert), notice: outcome.notice && presentNotice(outcome.notice) } };
  });

  app.post<{ Params: Static<typeof AlertParams>; Body: Static<typeof RejectBody> }>('/enforcement/alerts/:alert_id/reject', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Reject an enforcement alert', description: `${describeMembers} With a reason and a note. ${stateRule}`,
      security: bearerSecurity, headers: idempotencyHeaders, params: AlertParams, body: RejectBody,
      response: { 200: successEnvelope(ApiAlert), ...codedErrors, ...idempotencyErrors, 409: codedErrorEnvelope },
    },
    ...idempotency,
  }, async (request) => {
    const { account_id: accountInput, ...input } = request.body;
    const alert = await rejectAlert(deps.enforcer, await enforcerActor(deps, request, accountInput), request.params.alert_id, input);
    return { success: true as const, timestamp: unixNow(), data: presentAlert(alert) };
  });
}
