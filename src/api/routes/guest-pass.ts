// One guest pass (phase2.md D.1, D.3) with the `manageguests` scope: read,
// change, revoke, send again, approve or decline. Its issuer or the
// account's Admin; anyone else 404.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { approvePass, declinePass, getPass, revokePass, sendPass, updatePass, type GuestPass } from '../../access/guests/passes.ts';
import { maxNoteLength } from '../../access/guests/passes.ts';
import { scopedAccount } from '../auth.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, successEnvelope } from '../schemas.ts';
import { describeAccess, GuestField, GuestPassData, guestDeps, passErrors, presentPass } from './guest-passes.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64, description: 'The pass, 32 lowercase hex' }) });
const AccountQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const PatchBody = Type.Object({
  account_id: Type.Optional(accountIdField),
  ends_at: Type.Optional(Type.String({ maxLength: 40, description: 'Earlier only (else 400)' })),
  guest: Type.Optional(Type.Partial(GuestField)),
  note: Type.Optional(Type.String({ maxLength: maxNoteLength * 4 })),
}, { additionalProperties: false });
const ActionBody = Type.Union([Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false }), Type.Null()]);

type Action = (deps: ReturnType<typeof guestDeps>, personId: string, passId: string, accountId?: string) => Promise<GuestPass>;

const actions: { path: string; summary: string; description: string; run: Action }[] = [
  { path: 'send', summary: 'Mail a guest pass again', description: 'Mails the link (and PIN) to the guest again; a pass over or pending: 409 invalid_state.', run: sendPass },
  { path: 'approve', summary: 'Approve a pending guest pass', description: 'A pass a guest asked for through a unit link becomes scheduled (or active); the guest is mailed the link; announced as guest_pass_issued. Not pending: 409 invalid_state.', run: approvePass },
  { path: 'decline', summary: 'Decline a pending guest pass', description: 'The guest is mailed that it was declined. Not pending: 409 invalid_state.', run: declinePass },
];

export async function guestPassItemRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const answer = (pass: GuestPass) => ({ success: true as const, timestamp: unixNow(), data: presentPass(pass) });
  const response = { 200: successEnvelope(GuestPassData), ...passErrors };

  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof AccountQuery> }>('/guest-passes/:id', {
    config: { domainCodes: true },
    schema: { tags: ['Guest passes'], summary: 'Get a guest pass', description: `${describeAccess} Its issuer or the Admin; else 404.`, security: bearerSecurity, params: Params, querystring: AccountQuery, response },
  }, async (request) => {
    const accountId = await scopedAccount(deps.db, request, request.query.account_id, 'manageguests');
    return answer(await getPass(guestDeps(deps), request.principal!.personId, request.params.id, accountId));
  });

  app.patch<{ Params: Static<typeof Params>; Body: Static<typeof PatchBody> }>('/guest-passes/:id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guest passes'], summary: 'Change a guest pass',
      description: `${describeAccess} ends_at earlier only (else 400); the guest; the note. A pass over: 409 invalid_state.`,
      security: bearerSecurity, params: Params, body: PatchBody, response,
    },
  }, async (request) => {
    const body = request.body ?? {};
    const accountId = await scopedAccount(deps.db, request, body.account_id, 'manageguests');
    return answer(await updatePass(guestDeps(deps), request.principal!.personId, request.params.id, { endsAt: body.ends_at, guest: body.guest, note: body.note }, accountId));
  });

  app.delete<{ Params: Static<typeof Params>; Querystring: Static<typeof AccountQuery> }>('/guest-passes/:id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guest passes'], summary: 'Revoke a guest pass',
      description: `${describeAccess} At once: its link, PIN and plate stop opening, the PIN is freed. Already over: 409 invalid_state. Announced as guest_pass_revoked.`,
      security: bearerSecurity, params: Params, querystring: AccountQuery, response,
    },
  }, async (request) => {
    const accountId = await scopedAccount(deps.db, request, request.query.account_id, 'manageguests');
    return answer(await revokePass(guestDeps(deps), request.principal!.personId, request.params.id, accountId));
  });

  for (const action of actions) {
    app.post<{ Params: Static<typeof Params>; Body: Static<typeof ActionBody> }>(`/guest-passes/:id/${action.path}`, {
      config: { domainCodes: true },
      schema: { tags: ['Guest passes'], summary: action.summary, description: `${describeAccess} ${action.description}`, security: bearerSecurity, params: Params, body: ActionBody, response },
    }, async (request) => {
      const accountId = await scopedAccount(deps.db, request, request.body?.account_id, 'manageguests');
      return answer(await action.run(guestDeps(deps), request.principal!.personId, request.params.id, accountId));
    });
  }
}
