// The developer console acting for one of the person's applications on its
// webhooks: the same rules as the webhooks API and the command line
// (webhooks/endpoints.ts, webhooks/deliveries.ts), after the console's own
// check that the application is the person's (else "not found").
import { endpointDeliveries, redeliver } from '../webhooks/deliveries.ts';
import { createEndpoint, listEndpoints, ownEndpoint, removeEndpoint, rotateEndpointSecret, setEndpointEnabled, type EndpointDeps } from '../webhooks/endpoints.ts';
import { sendTestEvent } from '../webhooks/test-event.ts';
import { ownApplication } from './developer-apps.ts';
import { DomainError, FieldError } from './errors.ts';

async function clientOf(deps: EndpointDeps, personId: string, clientId: string): Promise<string> {
  return (await ownApplication(deps.db, personId, clientId)).client_id;
}

export async function applicationEndpoints(deps: EndpointDeps, personId: string, clientId: string) {
  return listEndpoints(deps, await clientOf(deps, personId, clientId));
}

/** One endpoint of the person's application, for its page. */
export async function applicationEndpoint(deps: EndpointDeps, personId: string, clientId: string, endpointId: string) {
  const client = await clientOf(deps, personId, clientId);
  const endpoint = await ownEndpoint(deps.db, client, endpointId);
  return (await listEndpoints(deps, client)).find((candidate) => candidate.id === endpoint.id)!;
}

/** `eventTypes`: the ticked boxes; none ticked is refused, "*" means all. */
export async function registerEndpoint(deps: EndpointDeps, personId: string, clientId: string, input: { url: string; eventTypes: string[] }) {
  const url = input.url.trim();
  if (!url) throw new FieldError('url', 'Give the endpoint\'s URL.');
  if (input.eventTypes.length === 0) throw new FieldError('event_types', 'Tick at least one event type, a category, or all events.');
  return createEndpoint(deps, await clientOf(deps, personId, clientId), { url, eventTypes: input.eventTypes });
}

export async function rotateSigningSecret(deps: EndpointDeps, personId: string, clientId: string, endpointId: string) {
  return rotateEndpointSecret(deps, await clientOf(deps, personId, clientId), endpointId);
}

export async function switchEndpoint(deps: EndpointDeps, personId: string, clientId: string, endpointId: string, enabled: boolean): Promise<void> {
  await setEndpointEnabled(deps, await clientOf(deps, personId, clientId), endpointId, enabled);
}

export async function deleteEndpoint(deps: EndpointDeps, personId: string, clientId: string, endpointId: string) {
  return removeEndpoint(deps, await clientOf(deps, personId, clientId), endpointId);
}

export async function endpointLog(deps: EndpointDeps, personId: string, clientId: string, endpointId: string) {
  return endpointDeliveries(deps.db, await clientOf(deps, personId, clientId), endpointId, { limit: 50 });
}

/** Redelivers a delivery of this endpoint only: a delivery of another endpoint of the same application is not found here. */
export async function redeliverToEndpoint(deps: EndpointDeps, personId: string, clientId: string, endpointId: string, deliveryId: string) {
  const client = await clientOf(deps, personId, clientId);
  const log = await endpointDeliveries(deps.db, client, endpointId, { limit: 100 });
  if (!log.some((delivery) => delivery.id === deliveryId.trim().toUpperCase())) throw new DomainError('not_found', 'No such webhook delivery.');
  return redeliver(deps.db, client, deliveryId);
}

export async function sendTest(deps: EndpointDeps, personId: string, clientId: string, endpointId: string) {
  return sendTestEvent(deps.db, await clientOf(deps, personId, clientId), endpointId, personId);
}
