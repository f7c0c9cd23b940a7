// The person's accounts (phase2.md A.7): any token lists them; the Admin
// changes one's name and zone through the internal PATCH (first-party only).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { requireAdmin, updateAccount } from '../../access/accounts.ts';
import { DomainError } from '../../access/errors.ts';
import { compactId, parseId } from '../../access/ids.ts';
import { accountsOf, permissionNames, type AccountOfPerson } from '../../access/members.ts';
import { requireScope } from '../auth.ts';
import { firstPartyOnly } from '../first-party.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { bearerSecurity, codedErrorEnvelope, successEnvelope } from '../schemas.ts';

export const Permissions = Type.Array(Type.Union(permissionNames.map((name) => Type.Literal(name))), {
  description: 'share: give others time-boxed access to one\'s doors; guests: issue guest passes; enforcement: enforce parking rules. The Admin holds all.',
});
const Role = Type.Union([Type.Literal('admin'), Type.Literal('user')]);
const AccountData = Type.Object({
  id: Type.String({ description: 'The account, 32 lowercase hex' }),
  name: Type.String(),
  role: Role,
  time_zone: Type.String({ description: 'IANA name: access hours at the account\'s doors are read in it' }),
  permissions: Permissions,
  lpr_vehicle_cap: Type.Union([Type.Integer(), Type.Null()], { description: 'How many of each member\'s vehicles the account\'s plate readers admit, in adding order; null: all' }),
  guest_policy: Type.Object({
    guest_users_may_issue: Type.Boolean({ description: 'Users with the guests permission may issue passes (true)' }),
    guest_max_active_per_issuer: Type.Integer({ description: 'Live passes a User may hold (10); the Admin has no limit' }),
    guest_max_days: Type.Integer({ description: 'Longest window or one_time pass, in days (7)' }),
    guest_max_recurring_days: Type.Integer({ description: 'Longest recurring pass, in days (90, at most 366)' }),
    guest_pin_length: Type.Integer({ description: 'Digits of a guest PIN (6; 4 to 8)' }),
  }, { description: 'The account\'s guest pass policy (phase2.md D.1)' }),
});
export const AccountParams = Type.Object({ account_id: Type.String({ maxLength: 64, description: 'The account, 32 hex digits or a dashed UUID' }) });
const AccountPatch = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200, description: '1 to 100 characters' })),
  time_zone: Type.Optional(Type.String({ maxLength: 100, description: 'An IANA name, such as America/New_York' })),
  lpr_vehicle_cap: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: '1 to 10, or null for no cap; needs the `lpr` scope' })),
  guest_users_may_issue: Type.Optional(Type.Boolean()),
  guest_max_active_per_issuer: Type.Optional(Type.Integer({ description: '1 to 1000' })),
  guest_max_days: Type.Optional(Type.Integer({ description: '1 to 366' })),
  guest_max_recurring_days: Type.Optional(Type.Integer({ description: '1 to 366' })),
  guest_pin_length: Type.Optional(Type.Integer({ description: '4 to 8' })),
}, { additionalProperties: false, description: 'The guest policy fields need the `manageguests` scope' });

const errors = { 400: codedErrorEnvelope, 401: codedErrorEnvelope, 403: codedErrorEnvelope, 404: codedErrorEnvelope };

export function presentAccount(account: AccountOfPerson) {
  return { id: compactId(account.id), name: account.name, role: account.role, time_zone: account.timeZone, permissions: account.permissions, lpr_vehicle_cap: account.lprVehicleCap, guest_policy: account.guestPolicy };
}

/** An account id from the path, in the stored form; no id at all is an account nobody has. */
export function accountIdParam(value: string): string {
  const id = parseId(value);
  if (!id) throw new DomainError('not_found', 'No such account.');
  return id;
}

export async function accountRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/accounts', {
    config: { domainCodes: true },
    schema: {
      tags: ['Accounts'],
      summary: 'List the person\'s accounts',
      description: 'Every account the person is a member of, with their role and permissions there. Any token.',
      security: bearerSecurity,
      response: { 200: successEnvelope(Type.Array(AccountData)), 401: codedErrorEnvelope },
    },
  }, async (request) => {
    const accounts = await accountsOf(deps.db, request.principal!.personId);
    return { success: true as const, timestamp: unixNow(), data: accounts.map(presentAccount) };
  });

  await app.register(async (internal) => {
    internal.addHook('onRequest', firstPartyOnly(deps.db));
    internal.patch<{ Params: Static<typeof AccountParams>; Body: Static<typeof AccountPatch> }>('/accounts/:account_id', {
      config: { domainCodes: true },
      schema: {
        tags: ['Internal'],
        summary: 'Change an account\'s name, time zone, vehicle cap or guest policy',
        description: 'First-party clients only (others get 404); the account\'s Admin only (another member gets 403, anyone else 404). Changing the zone moves every access hour of the account\'s doors to that zone. lpr_vehicle_cap needs the `lpr` scope; the guest policy (over a limit: 409 limit_reached naming it) the `manageguests` scope.',
        security: bearerSecurity,
        params: AccountParams,
        body: AccountPatch,
        response: { 200: successEnvelope(AccountData), ...errors },
      },
    }, async (request) => {
      const accountId = accountIdParam(request.params.account_id);
      const personId = request.principal!.personId;
      if (request.body?.lpr_vehicle_cap !== undefined) {
        // An outsider learns nothing of the account, not even which scope it would take.
        await requireAdmin(deps.db, personId, accountId);
        requireScope(request, 'lpr');
      }
      const { name, time_zone, lpr_vehicle_cap, ...guestPolicy } = request.body ?? {};
      if (Object.keys(guestPolicy).length > 0) {
        await requireAdmin(deps.db, personId, accountId);
        requireScope(request, 'manageguests');
      }
      await updateAccount(deps.db, personId, accountId, { name, time_zone, lpr_vehicle_cap, guest_policy: guestPolicy });
      const account = (await accountsOf(deps.db, personId)).find((candidate) => candidate.id === accountId)!;
      return { success: true as const, timestamp: unixNow(), data: presentAccount(account) };
    });
  });
}
