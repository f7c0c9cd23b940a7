// Get Access History (spec 4).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { accessHistory } from '../../access/history.ts';
import { DomainError } from '../../access/errors.ts';
import { compactId } from '../../access/ids.ts';
import type { ApiDeps } from '../index.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import { bearerSecurity, errorEnvelope, successEnvelope } from '../schemas.ts';

const Query = Type.Object({
  history_type: Type.Optional(Type.Union([Type.Literal('door'), Type.Literal('device'), Type.Literal('user')], { description: 'Inferred when missing: door_id → door, device_id → device, neither → user' })),
  door_id: Type.Optional(Type.String({ maxLength: 64 })),
  device_id: Type.Optional(Type.String({ maxLength: 64 })),
  start_date: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, inclusive, in the person\'s time zone, 2000-01-01 to 2099-12-31; default: 30 days before end_date' })),
  end_date: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, inclusive, 2000-01-01 to 2099-12-31; default: today' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', description: 'Extension: page size, 1 to 1000; turns paging on' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Extension: next_cursor of the previous page' })),
});

const Event = Type.Object({
  door_id: Type.String(),
  door_name: Type.String(),
  door_state: Type.String(),
  channel: Type.String(),
  user: Type.Object({ id: Type.String(), first_name: Type.String(), last_name: Type.String(), email_address: Type.String() }),
  guest: Type.Optional(Type.Object({ name: Type.String(), guest_pass_id: Type.String({ description: '32 lowercase hex' }) }, { description: 'Present when the user opened for their guest with a guest pass' })),
  was_success: Type.Boolean(),
  toggle_date_time: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }),
});

export async function toggleHistoryRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/toggle-history', {
    schema: {
      tags: ['History'],
      summary: 'Get access history',
      description: 'Newest first. Without limit or cursor the whole window comes back (up to 10,000 events; a larger window is a 400). With them, pages of at most limit events and next_cursor while there are more.',
      security: bearerSecurity,
      querystring: Query,
      response: {
        200: successEnvelope(Type.Object({ toggle_events: Type.Array(Event), next_cursor: Type.Optional(Type.String()) })),
        400: errorEnvelope,
        401: errorEnvelope,
        404: errorEnvelope,
      },
    },
  }, async (request) => {
    const { limit, ...rest } = request.query;
    const pageSize = limit === undefined ? undefined : Number(limit);
    if (pageSize !== undefined && (pageSize < 1 || pageSize > 1000)) throw new DomainError('invalid', 'limit must be from 1 to 1000.');
    const { events, nextCursor } = await accessHistory(deps.db, request.viewer!, { ...rest, limit: pageSize }, new Date(deps.clock.now()));
    return {
      success: true as const,
      timestamp: unixNow(),
      data: {
        toggle_events: events.map((event) => ({
          door_id: compactId(event.doorId),
          door_name: event.doorName,
          door_state: event.doorState,
          channel: event.channel,
          user: event.person
            ? { id: event.person.id, first_name: event.person.firstName, last_name: event.person.lastName, email_address: event.person.email }
            : { id: '', first_name: '', last_name: '', email_address: '' },
          ...(event.guest ? { guest: { name: event.guest.name, guest_pass_id: event.guest.guestPassId } } : {}),
          was_success: event.wasSuccess,
          // The history window keeps its times within four-digit years; '' is the API's "unknown" for a string all the same.
          toggle_date_time: apiTimestamp(event.occurredAt) ?? '',
        })),
        ...(nextCursor ? { next_cursor: nextCursor } : {}),
      },
    };
  });
}
