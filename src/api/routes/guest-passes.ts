// Guest passes (phase2.md D.1) with the `manageguests` scope: issue and list.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { guestKinds, issuePass, listPasses, maxGuestNameLength, maxNoteLength, maxPassDoors, type GuestDeps, type GuestPass } from '../../access/guests/passes.ts';
import { passStatuses } from '../../access/guests/status.ts';
import { compactId } from '../../access/ids.ts';
import { scopedAccount } from '../auth.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { listOf, listPage, listQueryFields } from '../lists.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

export function guestDeps(deps: ApiDeps): GuestDeps {
  return { db: deps.db, clock: deps.clock, box: deps.settings.box, pinKey: deps.settings.pinKey, mailer: deps.mailer, publicUrl: deps.publicUrl };
}

const nullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const WeeklyHours = Type.Array(Type.Object({
  days: Type.Array(Type.String(), { description: 'mon … sun' }), start: Type.String({ description: 'HH:MM' }), end: Type.String({ description: 'HH:MM; "24:00" ends the day; before start runs past midnight' }),
}), { description: 'recurring only: when in the week the pass opens, in the account\'s zone' });
export const GuestField = Type.Object({
  name: Type.String({ maxLength: maxGuestNameLength * 4, description: `1 to ${maxGuestNameLength} characters` }),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
}, { additionalProperties: false });

export const GuestPassData = Type.Object({
  id: Type.String({ description: '32 lowercase hex' }),
  account_id: Type.String({ description: '32 lowercase hex' }),
  issuer: Type.Object({ id: Type.String({ description: 'A dashed UUID' }), first_name: Type.String(), last_name: Type.String() }),
  guest: Type.Object({ name: Type.String(), email: nullableString('Where the pass is mailed'), phone: nullableString('') }),
  kind: Type.Union(guestKinds.map((kind) => Type.Literal(kind))),
  starts_at: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }),
  ends_at: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }),
  weekly_hours: Type.Union([WeeklyHours, Type.Null()]),
  door_ids: Type.Array(Type.String({ description: '32 lowercase hex' })),
  plate: nullableString('The plate key the account\'s readers admit on the pass'),
  region: nullableString('Its region code'),
  link_url: Type.String({ description: 'The guest page: /g/<token>, opens the doors without a login' }),
  pin: nullableString('The keypad PIN, when the pass has one'),
  status: Type.Union(passStatuses.map((status) => Type.Literal(status))),
  uses: Type.Integer({ description: 'Openings by link or PIN and granted plate reads' }),
  note: Type.String(),
  unit_link_id: nullableString('The unit link the guest asked through'),
  created_at: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }),
});

export function presentPass(pass: GuestPass) {
  return {
    id: pass.id, account_id: compactId(pass.accountId),
    issuer: { id: pass.issuer.id, first_name: pass.issuer.firstName, last_name: pass.issuer.lastName },
    guest: pass.guest, kind: pass.kind, starts_at: apiTimestamp(pass.startsAt) ?? '', ends_at: apiTimestamp(pass.endsAt) ?? '',
    weekly_hours: pass.weeklyHours, door_ids: pass.doorIds.map(compactId), plate: pass.plate, region: pass.region,
    link_url: pass.linkUrl, pin: pass.pin, status: pass.status, uses: pass.uses, note: pass.note,
    unit_link_id: pass.unitLinkId, created_at: apiTimestamp(pass.createdAt) ?? '',
  };
}

const IssueBody = Type.Object({
  account_id: Type.Optional(accountIdField),
  guest: GuestField,
  kind: Type.Optional(Type.String({ maxLength: 20, description: 'window (default), recurring (inside weekly_hours) or one_time (until 15 minutes after its first use)' })),
  starts_at: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()], { description: 'ISO 8601 or "YYYY-MM-DD HH:MM:SS" (UTC); now when missing' })),
  ends_at: Type.String({ maxLength: 40, description: 'Required; within the account\'s guest_max_days (guest_max_recurring_days for recurring)' }),
  weekly_hours: Type.Optional(Type.Union([Type.Unknown(), Type.Null()], { description: 'recurring only: [{days, start, end}] in the account\'s zone' })),
  door_ids: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200, description: `1 to ${maxPassDoors} doors of the account` }),
  plate: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()], { description: 'A plate the account\'s readers admit on the pass\'s doors' })),
  region: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  pin: Type.Optional(Type.Boolean({ description: 'true: the pass gets a keypad PIN (guest_pin_length digits)' })),
  note: Type.Optional(Type.String({ maxLength: maxNoteLength * 4, description: `At most ${maxNoteLength} characters` })),
  send: Type.Optional(Type.Boolean({ description: 'false: nothing is mailed to the guest' })),
}, { additionalProperties: false });

const ListQuery = Type.Object({
  account_id: Type.Optional(accountIdField),
  status: Type.Optional(Type.Union(passStatuses.map((status) => Type.Literal(status)))),
  plate: Type.Optional(Type.String({ maxLength: 40 })),
  issuer: Type.Optional(Type.Union([Type.Literal('me'), Type.Literal('all')], { description: 'me: your own; all: every pass of the account (its Admin only). Default: all for the Admin, me for others' })),
  ...listQueryFields,
}, { additionalProperties: false });

const passList = listOf('guest_passes', GuestPassData, presentPass, {
  filename: 'guest-passes.csv',
  header: ['id', 'created_at', 'issuer_id', 'guest_name', 'guest_email', 'kind', 'starts_at', 'ends_at', 'door_ids', 'plate', 'status', 'uses', 'note'],
  row: (pass) => [pass.id, pass.created_at, pass.issuer.id, pass.guest.name, pass.guest.email, pass.kind, pass.starts_at, pass.ends_at, pass.door_ids.join(' '), pass.plate, pass.status, pass.uses, pass.note],
});

export const describeAccess = 'The `manageguests` scope; the account\'s Admin (any door) or a User with the guests permission (doors they may use).';
export const passErrors = { ...codedErrors, 409: codedErrorEnvelope };

export async function guestPassRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post<{ Body: Static<typeof IssueBody> }>('/guest-passes', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guest passes'], summary: 'Issue a guest pass',
      description: `${describeAccess} A door not visible or not the account's: 404; no guests permission, or Users' issuing turned off: 403; a pass starting before or ending after your own access to a door: 400 naming the field; longer than the policy or an issuer's 11th live pass: 409 limit_reached naming the policy. The guest is mailed the link (and PIN) unless send is false. Announced as guest_pass_issued to the issuer and the Admin.`,
      security: bearerSecurity, body: IssueBody, response: { 201: successEnvelope(GuestPassData), ...passErrors },
    },
  }, async (request, reply) => {
    const body = request.body;
    const accountId = await scopedAccount(deps.db, request, body.account_id, 'manageguests');
    const pass = await issuePass(guestDeps(deps), {
      accountId, viewer: request.viewer!, guest: body.guest, kind: body.kind, startsAt: body.starts_at, endsAt: body.ends_at, weeklyHours: body.weekly_hours,
      doorIds: body.door_ids, plate: body.plate, region: body.region, pin: body.pin, note: body.note, send: body.send,
    });
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: presentPass(pass) });
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/guest-passes', {
    config: { domainCodes: true },
    schema: {
      tags: ['Guest passes'], summary: 'List guest passes',
      description: `${describeAccess} Your own passes; the Admin's by default all of the account's (issuer=all from a User: 403). Newest first.`,
      security: bearerSecurity, querystring: ListQuery,
      response: { 200: passList.response, ...codedErrors },
    },
  }, async (request, reply) => {
    const { query } = request;
    const accountId = await scopedAccount(deps.db, request, query.account_id, 'manageguests');
    const page = await listPasses(guestDeps(deps), { accountId, personId: request.principal!.personId, issuer: query.issuer, status: query.status, plate: query.plate, ...listPage(query) });
    return passList.send(reply, query, page);
  });
}
