// Members of an account (phase2.md A.7), internal: first-party clients only,
// the account's Admin only. The rules are in access/members.ts.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { changeMemberPermissions, listMembers, removeMember, type Member } from '../../access/members.ts';
import { compactId } from '../../access/ids.ts';
import { firstPartyOnly } from '../first-party.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { listPage, pageData, pageQueryFields } from '../lists.ts';
import { bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';
import { AccountParams, Permissions, accountIdParam } from './accounts.ts';

const MemberData = Type.Object({
  person_id: Type.String({ description: 'The person, a dashed UUID' }),
  first_name: Type.String(),
  last_name: Type.String(),
  email_address: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
  permissions: Permissions,
  pin_active: Type.Boolean({ description: 'Their keypad PIN opens at this account\'s keypads (false: none set, or another member held it first)' }),
});
const ListQuery = Type.Object(pageQueryFields, { additionalProperties: false });
const MemberParams = Type.Object({ ...AccountParams.properties, person_id: Type.String({ maxLength: 64, description: 'The member, a dashed UUID or 32 hex digits' }) });
const PermissionsBody = Type.Object({ permissions: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10, description: 'Exactly the permissions the member holds after: any of share, guests, enforcement; [] for none' }) }, { additionalProperties: false });
const RemovedData = Type.Object({
  person_id: Type.String({ description: 'The former member, a dashed UUID' }),
  removed_access: Type.Array(Type.String({ description: '32 lowercase hex' }), { description: 'The doors whose access ended (one access_removed event each)' }),
  cancelled_invitations: Type.Integer({ description: 'Pending invitations to them cancelled or narrowed' }),
});

const describeAccess = 'First-party clients only (others get 404); the account\'s Admin only (another member gets 403, anyone else 404).';

function presentMember(member: Member) {
  return {
    person_id: member.personId, first_name: member.firstName, last_name: member.lastName, email_address: member.email, role: member.role, permissions: member.permissions, pin_active: member.pinActive,
  };
}

export async function memberRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.addHook('onRequest', firstPartyOnly(deps.db));

  app.get<{ Params: Static<typeof AccountParams>; Querystring: Static<typeof ListQuery> }>('/accounts/:account_id/members', {
    config: { domainCodes: true },
    schema: {
      tags: ['Internal'], summary: 'List an account\'s members', description: `${describeAccess} Newest first, paged with limit and cursor.`,
      security: bearerSecurity, params: AccountParams, querystring: ListQuery,
      response: { 200: successEnvelope(pageData('members', MemberData)), ...codedErrors },
    },
  }, async (request) => {
    const page = await listMembers(deps.db, request.principal!.personId, accountIdParam(request.params.account_id), listPage(request.query));
    return { success: true as const, timestamp: unixNow(), data: { members: page.members.map(presentMember), next_cursor: page.nextCursor } };
  });

  app.patch<{ Params: Static<typeof MemberParams>; Body: Static<typeof PermissionsBody> }>('/accounts/:account_id/members/:person_id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Internal'], summary: 'Set a member\'s permissions', description: `${describeAccess} The Admin's own row answers 400: the Admin holds every permission. Announced as member_permissions_changed when they change.`,
      security: bearerSecurity, params: MemberParams, body: PermissionsBody,
      response: { 200: successEnvelope(MemberData), ...codedErrors },
    },
  }, async (request) => {
    const member = await changeMemberPermissions(deps, request.principal!.personId, accountIdParam(request.params.account_id), request.params.person_id, request.body.permissions);
    return { success: true as const, timestamp: unixNow(), data: presentMember(member) };
  });

  app.delete<{ Params: Static<typeof MemberParams> }>('/accounts/:account_id/members/:person_id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Internal'], summary: 'Remove a member',
      description: `${describeAccess} At once and in one change: their access to the account's doors (access_removed each), invitations pending to them there, their keypad PIN there, their names for its doors, and the membership (member_removed). The Admin cannot remove themselves (400).`,
      security: bearerSecurity, params: MemberParams,
      response: { 200: successEnvelope(RemovedData), ...codedErrors },
    },
  }, async (request) => {
    const accountId = accountIdParam(request.params.account_id);
    const removed = await removeMember(deps, request.principal!.personId, accountId, request.params.person_id);
    return { success: true as const, timestamp: unixNow(), data: { person_id: removed.personId, removed_access: removed.removedDoorIds.map(compactId), cancelled_invitations: removed.cancelledInvitations } };
  });
}
