// The webhooks API (docs/webhooks.md): an application manages its own webhook
// endpoints and deliveries, authenticated with its client credentials (HTTP
// Basic), not a person's token. Its own scope: auth hook and not-found
// handler, then one route per line of the table below.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ClientSecretAttempts } from '../access/client-secret-throttle.ts';
import { categories, eventCatalogue } from '../events/types.ts';
import { deliveryStatuses, endpointDeliveries, redeliver, type DeliveryReport } from '../webhooks/deliveries.ts';
import { createEndpoint, listEndpoints, removeEndpoint, rotateEndpointSecret, setEndpointEnabled, type EndpointDeps } from '../webhooks/endpoints.ts';
import { clientBasicAuth } from './client-basic-auth.ts';
import { refuseIn } from '../errors/handler.ts';
import { apiTimestamp, unixNow } from './format.ts';
import { errorEnvelope, successEnvelope } from './schemas.ts';
import { idempotencyErrors, idempotencyHeaders, idempotent } from './idempotency.ts';

export const webhooksPrefix = '/oauth/v1/webhooks';

const EventTypes = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 50,
  description: 'Event names (door1_open; door<N>_open for every door), categories (access, management, enforcer), or "*" for all. Default ["*"].',
});
const CreateBody = Type.Object({
  url: Type.String({ maxLength: 2048, description: 'https; plain http only to a loopback address in development' }),
  event_types: Type.Optional(EventTypes),
}, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const DeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'How many of the most recent deliveries, 1 to 100; default 20' })),
  status: Type.Optional(Type.Union(deliveryStatuses.map((status) => Type.Literal(status)), { description: 'Only deliveries in this state (dead: given up, to redeliver)' })),
}, { additionalProperties: false });

const Timestamp = Type.Union([Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }), Type.Null()]);
const registered = {
  id: Type.String({ description: '32 lowercase hex' }),
  url: Type.String(),
  event_types: Type.Array(Type.String()),
};
const Endpoint = Type.Object({
  ...registered,
  enabled: Type.Boolean(),
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
  failing_since: Type.Union([Type.String(), Type.Null()], { description: 'UTC "YYYY-MM-DD HH:MM:SS" of the first failed attempt since the last success (ParqEx disables the endpoint 5 days on); null when healthy' }),
});
const CreatedEndpoint = Type.Object({
  ...registered,
  api_key: Type.String({ description: 'Sent with every delivery as X-ParqEx-Api-Key. Shown once.' }),
  signing_secret: Type.String({ description: 'whsec_<base64>: verifies webhook-signature. Shown once.' }),
});
const RotatedSecret = Type.Object({
  id: Type.String(),
  signing_secret: Type.String({ description: 'The new secret. Shown once.' }),
  previous_secret_valid_until: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS": until then deliveries carry a signature by each secret' }),
});
const Attempt = Type.Object({
  attempted_at: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }),
  status_code: Type.Union([Type.Integer(), Type.Null()], { description: 'null when no answer came' }),
  latency_ms: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  response_excerpt: Type.Union([Type.String(), Type.Null()], { description: 'The start of the response body, at most 2 KB' }),
});
const Delivery = Type.Object({
  id: Type.String({ description: 'The body\'s id and the webhook-id header: 32 UPPERCASE hex' }),
  event_type: Type.String(),
  user_id: Type.String({ description: 'The body\'s userID: the authorizing person, 32 lowercase hex' }),
  status: Type.Union(deliveryStatuses.map((status) => Type.Literal(status))),
  created_at: Type.String({ description: 'UTC "YYYY-MM-DD HH:MM:SS"' }),
  delivered_at: Timestamp,
  next_attempt_at: Timestamp,
  attempts: Type.Array(Attempt),
});

const EventType = Type.Object({
  name: Type.String({ description: 'As event_types takes it; door<N>_open stands for every door1_open, door2_open, …' }),
  category: Type.Union(categories.map((category) => Type.Literal(category))),
  description: Type.String(),
});

const errors = { 400: errorEnvelope, 401: errorEnvelope, 404: errorEnvelope, 429: errorEnvelope };
const tags = ['Webhooks'];
const description = 'Authenticate with the application\'s client_id and client_secret as HTTP Basic (each form-url-encoded first, RFC 6749 section 2.3.1).';

export async function webhookEndpointsApi(app: FastifyInstance, options: EndpointDeps & { clientAttempts: ClientSecretAttempts }): Promise<void> {
  const deps: EndpointDeps = { db: options.db, box: options.box, production: options.production, lookup: options.lookup };
  app.decorateRequest('applicationId', null);
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  // Errors are answered by the root's handler (src/errors/handler.ts), in the API envelope.
  app.setNotFoundHandler(async (_request, reply) => refuseIn('api', reply, { status: 404, message: 'Not found.' }));
  app.addHook('onRequest', clientBasicAuth(deps.db, options.clientAttempts));

  const client = (request: { applicationId: string | null }) => request.applicationId!;
  // The application's own keys: there is no person on these routes.
  const idempotency = idempotent({ db: deps.db, box: deps.box }, { owner: (request) => ({ clientId: client(request), personId: null }) });
  const ok = <T>(data: T) => ({ success: true as const, timestamp: unixNow(), data });

  app.post<{ Body: Static<typeof CreateBody> }>('/endpoints', {
    schema: { tags, summary: 'Register a webhook endpoint', description, headers: idempotencyHeaders, body: CreateBody, response: { 201: successEnvelope(CreatedEndpoint), ...errors, ...idempotencyErrors } },
    ...idempotency,
  }, async (request, reply) => {
    const created = await createEndpoint(deps, client(request), { url: request.body.url, eventTypes: request.body.event_types });
    return reply.code(201).send(ok(created));
  });

  app.get('/event-types', {
    schema: { tags, summary: 'Every event type a webhook endpoint can ask for', description, response: { 200: successEnvelope(Type.Array(EventType)), 401: errorEnvelope } },
  }, async () => ok(Object.entries(eventCatalogue).map(([name, entry]) => ({ name, category: entry.category, description: entry.description }))));

  app.get('/endpoints', {
    schema: { tags, summary: 'List the application\'s webhook endpoints', description, response: { 200: successEnvelope(Type.Array(Endpoint)), 401: errorEnvelope } },
  }, async (request) => ok((await listEndpoints(deps, client(request))).map((endpoint) => ({ ...endpoint, failing_since: apiTimestamp(endpoint.failing_since) }))));

  app.post<{ Params: Static<typeof IdParams> }>('/endpoints/:id/rotate-secret', {
    schema: { tags, summary: 'Replace an endpoint\'s signing secret', description: `${description} The previous secret keeps signing alongside the new one for 24 hours.`, headers: idempotencyHeaders, params: IdParams, response: { 200: successEnvelope(RotatedSecret), ...errors, ...idempotencyErrors } },
    ...idempotency,
  }, async (request) => {
    const rotated = await rotateEndpointSecret(deps, client(request), request.params.id);
    return ok({ ...rotated, previous_secret_valid_until: apiTimestamp(Math.floor(Date.parse(rotated.previous_secret_valid_until) / 1000))! });
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post<{ Params: Static<typeof IdParams> }>(`/endpoints/:id/${action}`, {
      schema: { tags, summary: `${action === 'enable' ? 'Enable' : 'Disable'} a webhook endpoint`, description, headers: idempotencyHeaders, params: IdParams, response: { 200: successEnvelope(Type.Object({ id: Type.String(), enabled: Type.Boolean() })), ...errors, ...idempotencyErrors } },
      ...idempotency,
    }, async (request) => {
      await setEndpointEnabled(deps, client(request), request.params.id, action === 'enable');
      return ok({ id: request.params.id.trim().toLowerCase(), enabled: action === 'enable' });
    });
  }

  app.delete<{ Params: Static<typeof IdParams> }>('/endpoints/:id', {
    schema: { tags, summary: 'Delete a webhook endpoint and its delivery history', description, headers: idempotencyHeaders, params: IdParams, response: { 200: successEnvelope(Type.Object({ id: Type.String(), deleted: Type.Literal(true) })), ...errors, ...idempotencyErrors } },
    ...idempotency,
  }, async (request) => ok({ ...(await removeEndpoint(deps, client(request), request.params.id)), deleted: true as const }));

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DeliveriesQuery> }>('/endpoints/:id/deliveries', {
    schema: { tags, summary: 'Recent deliveries to an endpoint, with every attempt', description, params: IdParams, querystring: DeliveriesQuery, response: { 200: successEnvelope(Type.Array(Delivery)), ...errors } },
  }, async (request) => {
    const limit = request.query.limit === undefined ? undefined : Number(request.query.limit);
    return ok((await endpointDeliveries(deps.db, client(request), request.params.id, { limit, status: request.query.status })).map(presentDelivery));
  });

  app.post<{ Params: Static<typeof IdParams> }>('/deliveries/:id/redeliver', {
    schema: { tags, summary: 'Send a delivery again now', description: `${description} The delivery keeps its id, so receivers that dedupe on it see a duplicate.`, headers: idempotencyHeaders, params: IdParams, response: { 202: successEnvelope(Type.Object({ id: Type.String(), status: Type.Literal('pending') })), ...errors, ...idempotencyErrors } },
    ...idempotency,
  }, async (request, reply) => reply.code(202).send(ok(await redeliver(deps.db, client(request), request.params.id))));
}

const seconds = (ms: number | null) => apiTimestamp(ms === null ? null : Math.floor(ms / 1000));

function presentDelivery(delivery: DeliveryReport) {
  return {
    ...delivery,
    created_at: seconds(delivery.created_at)!,
    delivered_at: seconds(delivery.delivered_at),
    next_attempt_at: seconds(delivery.next_attempt_at),
    attempts: delivery.attempts.map((attempt) => ({ ...attempt, attempted_at: seconds(attempt.attempted_at)! })),
  };
}
