// Invite User (spec 4, internal): share doors by email, and remove access.
// First-party clients only; the rules are in access/invitations.ts and
// access/remove-access.ts.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { compactId } from '../../access/ids.ts';
import { inviteToDoors, type Invitation } from '../../access/invitations.ts';
import { removeAccess } from '../../access/remove-access.ts';
import { weekdays } from '../../access/schedules.ts';
import { firstPartyOnly } from '../first-party.ts';
import { idempotencyErrors, idempotencyHeaders, idempotent } from '../idempotency.ts';
import type { ApiDeps } from '../index.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import { bearerSecurity, errorEnvelope, successEnvelope } from '../schemas.ts';

const DoorIds = Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50, description: 'Door ids, 32 hex digits or dashed UUIDs' });
const Time = Type.Union([Type.String({ maxLength: 40 }), Type.Null()], { description: 'ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC when no offset is given; from 2000-01-01 up to 2100-01-01 UTC, an offset at most ±14:00' });
const WeeklySlot = Type.Object({
  days: Type.Array(Type.Enum([...weekdays]), { minItems: 1, maxItems: 7, description: 'mon, tue, wed, thu, fri, sat, sun' }),
  start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, inclusive' }),
  end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM, exclusive; earlier than start runs past midnight' }),
}, { additionalProperties: false });
const WeeklyHours = Type.Union([Type.Array(WeeklySlot, { maxItems: 50 }), Type.Null()], { description: 'When in the week, in the time zone of the doors\' account (set by its Admin); null or omitted: any time' });

const InviteBody = Type.Object({
  email_address: Type.String({ maxLength: 320 }),
  door_ids: DoorIds,
  starts_at: Type.Optional(Time),
  ends_at: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()], { description: 'Mandatory for a User sharing a door they were given; ISO 8601 or "YYYY-MM-DD HH:MM:SS" (UTC); from 2000-01-01 up to 2100-01-01 UTC, an offset at most ±14:00' })),
  weekly_hours: Type.Optional(WeeklyHours),
}, { additionalProperties: false });

const RemoveBody = Type.Object({
  email_address: Type.Optional(Type.String({ maxLength: 320 })),
  user_id: Type.Optional(Type.String({ maxLength: 64, description: 'The person\'s id; give this or email_address' })),
  door_ids: Type.Optional(DoorIds),
}, { additionalProperties: false });

const Timestamp = Type.Union([Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }), Type.Null()]);
const InvitationData = Type.Object({
  id: Type.String({ description: 'The invitation, 32 lowercase hex' }),
  email_address: Type.String(),
  door_ids: Type.Array(Type.String({ description: '32 lowercase hex' })),
  starts_at: Timestamp,
  ends_at: Timestamp,
  weekly_hours: WeeklyHours,
  expires_at: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS": the link works once, until then' }),
});
const RemovedData = Type.Object({
  removed_access: Type.Integer({ description: 'Door access entries removed' }),
  cancelled_invitations: Type.Integer({ description: 'Pending invitations cancelled or narrowed' }),
});

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope };

export async function inviteRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.addHook('onRequest', firstPartyOnly(deps.db));
  // A retried invitation gets the first answer instead of a second mail.
  const idempotency = idempotent({ db: deps.db, box: deps.settings.box }, { owner: (request) => ({ clientId: request.principal!.clientId, personId: request.principal!.personId }) });

  app.post<{ Body: Static<typeof InviteBody> }>('/invite', {
    schema: {
      tags: ['Internal'],
      summary: 'Invite a person to doors',
      description: 'First-party clients only (others get 404). An Admin shares the account\'s doors; a User with the sharing permission shares doors they may use, with an ends_at within their own access. The person receives a single-use link that expires after 7 days.',
      security: bearerSecurity,
      headers: idempotencyHeaders,
      body: InviteBody,
      response: { 200: successEnvelope(InvitationData), ...errors, ...idempotencyErrors },
    },
    ...idempotency,
  }, async (request) => {
    const invitation = await inviteToDoors(deps, request.viewer!, request.body);
    return { success: true as const, timestamp: unixNow(), data: presentInvitation(invitation) };
  });

  app.delete<{ Body: Static<typeof RemoveBody> }>('/invite', {
    schema: {
      tags: ['Internal'],
      summary: 'Remove a person\'s access',
      description: 'First-party clients only (others get 404). Removes access to the given doors (all the caller manages when door_ids is omitted) at once, and cancels pending invitations to that address.',
      security: bearerSecurity,
      body: RemoveBody,
      response: { 200: successEnvelope(RemovedData), ...errors },
    },
  }, async (request) => {
    const removed = await removeAccess(deps, request.viewer!, request.body);
    return { success: true as const, timestamp: unixNow(), data: { removed_access: removed.removedAccess, cancelled_invitations: removed.cancelledInvitations } };
  });
}

function presentInvitation(invitation: Invitation) {
  return {
    id: compactId(invitation.id),
    email_address: invitation.email,
    door_ids: invitation.doorIds.map(compactId),
    starts_at: apiTimestamp(invitation.startsAt),
    ends_at: apiTimestamp(invitation.endsAt),
    weekly_hours: invitation.weeklyHours,
    expires_at: apiTimestamp(invitation.expiresAt)!,
  };
}
