// Toggle Access Point (spec 4), its asynchronous form and its status (Extensions).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { requireVisibleDoor } from '../../access/door-policy.ts';
import { DomainError } from '../../access/errors.ts';
import { compactId, parseId } from '../../access/ids.ts';
import { completeToggle, startToggle, toggleStatus } from '../../access/toggle-door.ts';
import { storeFailure } from '../../store/unavailable.ts';
import type { ApiDeps } from '../index.ts';
import { unixNow } from '../format.ts';
import { bearerSecurity, errorEnvelope } from '../schemas.ts';

const Body = Type.Object({
  door_id: Type.String({ maxLength: 64, description: 'The door: 32 hex digits or a dashed UUID' }),
  door_state: Type.String({ maxLength: 16, description: 'OPEN or CLOSED (case-insensitive)' }),
}, { additionalProperties: false });

const ToggleEnvelope = Type.Object({
  success: Type.Boolean(),
  timestamp: Type.Integer(),
  message: Type.String(),
  data: Type.Optional(Type.Object({
    toggle_id: Type.String({ description: '32 upper-case hex, the same as the webhook toggleID' }),
    door_id: Type.String(),
    door_state: Type.String({ description: 'The requested state' }),
    status: Type.Optional(Type.String()),
  })),
});

const Status = Type.Object({
  success: Type.Literal(true),
  timestamp: Type.Integer(),
  data: Type.Object({
    toggle_id: Type.String(),
    door_id: Type.String(),
    door_state: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    reason: Type.Union([Type.String(), Type.Null()]),
  }),
});

export async function toggleRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post<{ Body: Static<typeof Body> }>('/toggle', {
    config: { answerWithinMs: deps.toggle.deadlineMs },
    schema: {
      tags: ['Doors'],
      summary: 'Toggle access point',
      description: '200 means the controller acknowledged that it executed the command, and it is recorded. Answers within PARQEX_TOGGLE_DEADLINE_MS (8 s) of arriving: 504 when the controller did not answer (the door was not moved), 503 with Retry-After when the database did not. Headers: Idempotency-Key (a retry returns the first outcome for 24 h), Prefer: respond-async (202 with toggle_id at once).',
      security: bearerSecurity,
      body: Body,
      response: Object.fromEntries([200, 202, 400, 401, 403, 404, 409, 428, 429, 500, 501, 502, 503, 504].map((status) => [status, ToggleEnvelope])),
    },
  }, async (request, reply) => {
    const viewer = request.viewer!;
    const principal = request.principal!;
    const doorId = parseId(request.body.door_id);
    const state = request.body.door_state.trim().toUpperCase();
    if (state !== 'OPEN' && state !== 'CLOSED') {
      const door = doorId ? await requireVisibleDoor(deps.db, viewer, doorId, new Date(deps.clock.now())).catch(() => undefined) : undefined;
      throw new DomainError('invalid', 'door_state must be OPEN or CLOSED.', { doorName: door?.name });
    }
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 200)) throw new DomainError('invalid', 'Idempotency-Key must be 1 to 200 characters.');
    const receivedAt = Date.now() - reply.elapsedTime;
    // The bearer check read the client's name with the token.
    const channel = `API: ${principal.clientName}`;
    const started = await startToggle(deps.toggle, viewer, { doorId, state, channel, clientId: principal.clientId, scopes: principal.scopes, idempotencyKey: key, receivedAt });
    const payload = (outcome: { toggleId: string; doorId: string; state: string }, status?: string) => ({
      toggle_id: outcome.toggleId, door_id: compactId(outcome.doorId), door_state: outcome.state, ...(status ? { status } : {}),
    });
    if (!('door' in started)) return { success: true, timestamp: unixNow(), message: '200', data: payload(started) };
    if (/\brespond-async\b/i.test(String(request.headers.prefer ?? ''))) {
      completeToggle(deps.toggle, viewer, started, channel).catch((error: unknown) => {
        if (error instanceof DomainError) return;
        if (storeFailure(error)) request.log.warn({ error: (error as Error).message }, 'asynchronous toggle not recorded: the database is unavailable');
        else request.log.error({ err: error }, 'asynchronous toggle failed');
      });
      return reply.code(202).header('preference-applied', 'respond-async')
        .send({ success: true, timestamp: unixNow(), message: '202', data: payload({ toggleId: started.toggleId, doorId: started.door.id, state }, 'pending') });
    }
    const outcome = await completeToggle(deps.toggle, viewer, started, channel);
    return { success: true, timestamp: unixNow(), message: '200', data: payload(outcome) };
  });

  app.get<{ Params: { toggle_id: string } }>('/toggle/:toggle_id', {
    schema: {
      tags: ['Doors'],
      summary: 'Get a toggle\'s outcome',
      description: 'Extension: pending, succeeded or failed (with the reason) for a toggle this person sent with this application.',
      security: bearerSecurity,
      params: Type.Object({ toggle_id: Type.String({ maxLength: 64 }) }),
      response: { 200: Status, 401: errorEnvelope, 404: errorEnvelope },
    },
  }, async (request) => {
    const status = await toggleStatus(deps.db, request.viewer!, request.principal!.clientId, request.params.toggle_id, new Date(deps.clock.now()));
    return {
      success: true as const,
      timestamp: unixNow(),
      data: { toggle_id: status.toggleId, door_id: compactId(status.doorId), door_state: status.state, status: status.status, reason: status.reason },
    };
  });
}
