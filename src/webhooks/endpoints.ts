// An application's webhook endpoints: where events go, which ones, and the
// API key and signing secret they are sent with (both sealed: they are read
// back to sign and send every delivery).
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError, FieldError } from '../access/errors.ts';
import type { Box } from '../security/encryption.ts';
import { generateSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findClient } from '../store/repositories/clients.ts';
import * as repo from '../store/repositories/webhooks.ts';
import { categories, eventCatalogue } from '../events/types.ts';
import { generateSigningSecret } from './signing.ts';
import { checkDestination, type Lookup } from './ssrf-guard.ts';

export interface EndpointDeps {
  db: Kysely<Database>;
  box: Box;
  production: boolean;
  lookup?: Lookup;
}

/** How long the previous signing secret keeps signing after a rotation. */
const ROTATION_OVERLAP_S = 24 * 3600;

export async function createEndpoint(deps: EndpointDeps, clientId: string, input: { url: string; eventTypes?: string[] }) {
  if (!(await findClient(deps.db, clientId))) throw new DomainError('not_found', `no client ${clientId}`);
  const destination = await checkDestination(input.url, { production: deps.production, lookup: deps.lookup });
  if (!destination.ok) throw new FieldError('url', `url: ${destination.reason}`);
  const eventTypes = normalizeEventTypes(input.eventTypes ?? ['*']);
  const apiKey = `pqx_${generateSecret(24)}`;
  const secret = generateSigningSecret();
  const id = randomBytes(16).toString('hex');
  await repo.insertEndpoint(deps.db, {
    id, client_id: clientId, url: input.url, event_types: JSON.stringify(eventTypes),
    api_key_sealed: deps.box.seal(apiKey), secret_sealed: deps.box.seal(secret), previous_secret_sealed: null, previous_secret_until: null,
    enabled: 1, disabled_reason: null, failing_since: null, created_at: Math.floor(Date.now() / 1000), leased_until: null, lease_holder: null,
  });
  return { id, url: input.url, event_types: eventTypes, api_key: apiKey, signing_secret: secret };
}

export async function rotateEndpointSecret(deps: EndpointDeps, clientId: string, endpointId: string) {
  const endpoint = await ownEndpoint(deps.db, clientId, endpointId);
  const secret = generateSigningSecret();
  await repo.updateEndpoint(deps.db, endpoint.id, {
    secret_sealed: deps.box.seal(secret),
    previous_secret_sealed: endpoint.secret_sealed,
    previous_secret_until: Math.floor(Date.now() / 1000) + ROTATION_OVERLAP_S,
  });
  return { id: endpoint.id, signing_secret: secret, previous_secret_valid_until: new Date((Math.floor(Date.now() / 1000) + ROTATION_OVERLAP_S) * 1000).toISOString() };
}

export async function setEndpointEnabled(deps: EndpointDeps, clientId: string, endpointId: string, enabled: boolean): Promise<void> {
  const endpoint = await ownEndpoint(deps.db, clientId, endpointId);
  await repo.updateEndpoint(deps.db, endpoint.id, { enabled: enabled ? 1 : 0, disabled_reason: enabled ? null : 'disabled by its developer', failing_since: null });
}

export async function removeEndpoint(deps: EndpointDeps, clientId: string, endpointId: string): Promise<{ id: string }> {
  const endpoint = await ownEndpoint(deps.db, clientId, endpointId);
  await repo.deleteEndpoint(deps.db, endpoint.id);
  return { id: endpoint.id };
}

export async function listEndpoints(deps: EndpointDeps, clientId: string) {
  const rows = await repo.endpointsOfClient(deps.db, clientId);
  return rows.map((row) => ({
    id: row.id, url: row.url, event_types: JSON.parse(row.event_types) as string[], enabled: row.enabled === 1, disabled_reason: row.disabled_reason,
    /** Unix seconds of the first failure since the last success: ParqEx disables it 5 days on. */
    failing_since: row.failing_since,
  }));
}

export async function ownEndpoint(db: Kysely<Database>, clientId: string, endpointId: string) {
  // Ids are 32 lowercase hex; either case is accepted.
  const endpoint = await repo.findEndpoint(db, endpointId.trim().toLowerCase());
  if (!endpoint || endpoint.client_id !== clientId) throw new DomainError('not_found', 'No such webhook endpoint.');
  return endpoint;
}

const knownTypes = new Set<string>(Object.keys(eventCatalogue));

function normalizeEventTypes(types: string[]): string[] {
  if (types.length === 0) throw new FieldError('event_types', 'event_types: list at least one event type, category, or "*"');
  for (const type of types) {
    const known = type === '*' || (categories as readonly string[]).includes(type) || knownTypes.has(type) || /^door(\d+|<N>)_(open|close)$/.test(type);
    if (!known) throw new FieldError('event_types', `event_types: unknown event type or category ${JSON.stringify(type)}`);
  }
  return [...new Set(types)];
}

/** Whether an endpoint subscribed to an event (by name, `door<N>_open` for every door, category, or "*"). */
export function subscribes(eventTypes: string[], type: string, category: string): boolean {
  const generic = type.replace(/^door\d+_/, 'door<N>_');
  return eventTypes.some((wanted) => wanted === '*' || wanted === type || wanted === generic || wanted === category);
}
