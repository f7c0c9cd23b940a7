// Unit links (phase2.md D.3) with the `manageguests` scope: a resident's
// self-registration link. The rules are in access/guests/unit-links.ts.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import {
  createUnitLink, defaultMaxHours, deleteUnitLink, listUnitLinks, maxLabelLength, maxLinkDoors, maxMaxHours, updateUnitLink, type UnitLink,
} from '../../access/guests/unit-links.ts';
import { compactId } from '../../access/ids.ts';
import { requireScope, scopedAccount } from '../auth.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { guestDeps } from './guest-passes.ts';
import { accountIdField, bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';

const ApiUnitLink = Type.Object({
  id: Type.String({ description: 'The link, 32 lowercase hex' }),
  owner_id: Type.String({ description: 'Whose name passes are issued in: a dashed UUID' }),
  label: Type.String(),
  door_ids: Type.Array(Type.String({ description: 'A door, 32 hex' })),
  max_hours: Type.Integer({ description: 'The longest stay a visitor may ask for' }),
  auto_approve: Type.Boolean({ description: 'true: the pass is issued at once; false: it waits as pending for the owner' }),
  active: Type.Boolean({ description: 'false: the page says the link is not taking registrations' }),
  url: Type.String({ description: 'The registration page, /u/<token>: whoever has it may register, so share it only with visitors' }),
});

const fields = {
  label: Type.String({ maxLength: maxLabelLength, description: `1 to ${maxLabelLength} characters, shown to visitors ("Unit 4B")` }),
  door_ids: Type.Array(Type.String({ maxLength: 64 }), { maxItems: maxLinkDoors, description: `1 to ${maxLinkDoors} doors of the account the owner may open (another account's: 404)` }),
  max_hours: Type.Integer({ description: `1 to ${maxMaxHours}; ${defaultMaxHours} when left out` }),
  auto_approve: Type.Boolean({ description: 'false when left out' }),
  active: Type.Boolean({ description: 'true when left out' }),
};
const NewLink = Type.Object({
  account_id: Type.Optional(accountIdField), label: fields.label, door_ids: fields.door_ids,
  max_hours: Type.Optional(fields.max_hours), auto_approve: Type.Optional(fields.auto_approve), active: Type.Optional(fields.active),
}, { additionalProperties: false });
const LinkChanges = Type.Partial(Type.Object(fields), { additionalProperties: false });
const ListQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const LinkParams = Type.Object({ link_id: Type.String({ maxLength: 64, description: 'The link, 32 hex' }) });

const describeAccess = 'The `manageguests` scope; the Admin, or a User with the `guests` permission while the account lets Users issue (else 403).';
const othersNotFound = 'A link of someone else is not found (404), except to the account\'s Admin.';

function present(link: UnitLink) {
  return {
    id: link.id, owner_id: link.ownerId, label: link.label, door_ids: link.doorIds.map(compactId),
    max_hours: link.maxHours, auto_approve: link.autoApprove, active: link.active, url: link.url,
  };
}

export async function guestLinkRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const linkDeps = guestDeps(deps);

  app.get<{ Querystring: Static<typeof ListQuery> }>('/guest-links', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guests'], summary: 'List unit links', description: `${describeAccess} The person's own links, newest first; the Admin's: every link of the account.`,
      security: bearerSecurity, querystring: ListQuery, response: { 200: successEnvelope(Type.Array(ApiUnitLink)), ...codedErrors },
    },
  }, async (request) => {
    const accountId = await scopedAccount(deps.db, request, request.query.account_id, 'manageguests');
    const links = await listUnitLinks(linkDeps, request.viewer!, accountId);
    return { success: true as const, timestamp: unixNow(), data: links.map(present) };
  });

  app.post<{ Body: Static<typeof NewLink> }>('/guest-links', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guests'], summary: 'Create a unit link',
      description: `${describeAccess} Visitors who open the url register with their name, email, plate and times (at most max_hours, within the guest policy): the pass is issued in the owner's name with auto_approve, else it waits as pending and the owner is mailed. Ten registrations per link an hour (then 429).`,
      security: bearerSecurity, body: NewLink, response: { 201: successEnvelope(ApiUnitLink), ...codedErrors },
    },
  }, async (request, reply) => {
    const accountId = await scopedAccount(deps.db, request, request.body.account_id, 'manageguests');
    const link = await createUnitLink(linkDeps, request.viewer!, accountId, request.body);
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: present(link) });
  });

  app.patch<{ Params: Static<typeof LinkParams>; Body: Static<typeof LinkChanges> }>('/guest-links/:link_id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guests'], summary: 'Change a unit link', description: `${describeAccess} Only the fields sent change; \`active: false\` stops registrations. ${othersNotFound}`,
      security: bearerSecurity, params: LinkParams, body: LinkChanges, response: { 200: successEnvelope(ApiUnitLink), ...codedErrors },
    },
  }, async (request) => {
    requireScope(request, 'manageguests');
    const link = await updateUnitLink(linkDeps, request.viewer!, request.params.link_id, request.body ?? {});
    return { success: true as const, timestamp: unixNow(), data: present(link) };
  });

  app.delete<{ Params: Static<typeof LinkParams> }>('/guest-links/:link_id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guests'], summary: 'Delete a unit link', description: `${describeAccess} Its url stops working at once (404); passes registered through it stay. ${othersNotFound}`,
      security: bearerSecurity, params: LinkParams, response: { 200: successEnvelope(ApiUnitLink), ...codedErrors },
    },
  }, async (request) => {
    requireScope(request, 'manageguests');
    const link = await deleteUnitLink(linkDeps, request.viewer!, request.params.link_id);
    return { success: true as const, timestamp: unixNow(), data: present(link) };
  });
}
