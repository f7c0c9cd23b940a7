// The developer console's webhook pages: an application's endpoints (register
// with event types from the catalogue), each endpoint's page with its
// delivery log (every attempt: time in the person's zone, status, latency,
// response excerpt), redeliver, send a test event, rotate the signing secret
// (shown once), disable or enable, delete (confirmed); and the sandbox button.
import type { FastifyInstance } from 'fastify';
import { applicationEndpoint, deleteEndpoint, endpointLog, redeliverToEndpoint, registerEndpoint, rotateSigningSecret, sendTest, switchEndpoint } from '../../access/developer-webhooks.ts';
import { ownApplication, type Application } from '../../access/developer-apps.ts';
import { fireSandboxToggle, sandboxButtonDoor, sandboxButtonPerson } from '../../access/sandbox-toggle.ts';
import { personTimeZone } from '../../access/settings.ts';
import { categories, eventCatalogue } from '../../events/types.ts';
import type { DeliveryReport } from '../../webhooks/deliveries.ts';
import { html, type Html } from '../html.ts';
import { redirectWith } from '../flash.ts';
import { formBody } from '../form-schemas.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson, type Viewer } from '../signed-in.ts';
import { revealOnNextPage, takeRevealed } from './reveal-once.ts';
import { allButNotFound, attempt } from '../form-outcome.ts';
import { buttonForm, confirmation, field, revealedBox, zonedTime } from './forms.ts';
import { applicationPath, endpointDeps } from './index.ts';

type Endpoint = Awaited<ReturnType<typeof applicationEndpoint>>;

const appParams = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] };
const endpointParams = { type: 'object', properties: { id: { type: 'string', maxLength: 200 }, endpoint: { type: 'string', maxLength: 64 } }, required: ['id', 'endpoint'] };
const deliveryParams = { ...endpointParams, properties: { ...endpointParams.properties, delivery: { type: 'string', maxLength: 64 } }, required: ['id', 'endpoint', 'delivery'] };
const eventTypesField = { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'array', maxItems: 40, items: { type: 'string', maxLength: 64 } }] };
const registerBody = formBody({ url: 2048, event_types: eventTypesField });

/** The catalogue as the form offers it: the test event is sent on request only, so nobody subscribes to it. */
const offeredTypes = Object.entries(eventCatalogue).filter(([name]) => name !== 'webhook_test');

const endpointPath = (clientId: string, endpointId: string) => `${applicationPath(clientId)}/endpoints/${endpointId}`;

export function endpointsSection(application: Application, endpoints: Endpoint[], viewer: Viewer): Html {
  const flash = viewer.flash;
  const ticked = new Set((flash?.values?.event_types ?? '*').split(' '));
  return html`<h2>Webhooks</h2>
<p class="muted">ParqEx POSTs one signed JSON event per event and authorizing person to each endpoint that asked for it (see <a href="/docs">the API reference</a>, "Webhooks").</p>
${endpoints.length === 0 ? html`<p class="muted">No endpoints yet.</p>` : html`<table class="list"><thead><tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">State</th></tr></thead><tbody>
${endpoints.map((endpoint) => html`<tr>
  <th scope="row"><a href="${endpointPath(application.client_id, endpoint.id)}">${endpoint.url}</a></th>
  <td>${endpoint.event_types.join(', ')}</td>
  <td>${endpoint.enabled ? html`<span class="dev-badge ok">Enabled</span>` : html`<span class="dev-badge off">Disabled</span>`}${endpoint.failing_since ? html` <span class="dev-badge pending">Failing</span>` : ''}</td>
</tr>`)}
</tbody></table>`}
<h3>Register an endpoint</h3>
<form method="post" action="${applicationPath(application.client_id)}/endpoints" class="dev-form">
<input type="hidden" name="_csrf" value="${viewer.csrf}">
${field(flash, { name: 'url', label: 'Endpoint URL', type: 'url', required: true, maxlength: 2048, hint: 'https; plain http only to a loopback address (127.0.0.1) on a development server.' })}
<fieldset class="event-types"${flash?.field === 'event_types' ? html` aria-describedby="flash"` : ''}>
<legend>Event types</legend>
<div class="dev-choice"><input type="checkbox" id="et-all" name="event_types" value="*"${ticked.has('*') ? html` checked` : ''}><label for="et-all">All events</label></div>
${categories.map((category) => html`<div class="dev-choice"><input type="checkbox" id="et-${category}" name="event_types" value="${category}"${ticked.has(category) ? html` checked` : ''}><label for="et-${category}">Every <strong>${category}</strong> event</label></div>`)}
<details><summary>Single event types</summary>
${offeredTypes.map(([name, entry], index) => html`<div class="dev-choice"><input type="checkbox" id="et-t${index}" name="event_types" value="${name}"${ticked.has(name) ? html` checked` : ''}><label for="et-t${index}"><code>${name}</code> <span class="muted">${entry.description}</span></label></div>`)}
</details>
</fieldset>
<button type="submit">Register endpoint</button>
</form>`;
}

export function sandboxSection(application: Application, csrf: string): Html {
  return html`<h2>Try it in the sandbox</h2>
<p>This button opens the sandbox's <strong>${sandboxButtonDoor.name}</strong> for real (a simulated controller receives the command over MQTT and reports the door's state), as the sandbox Admin <strong>${sandboxButtonPerson.first_name} ${sandboxButtonPerson.last_name}</strong> through ${application.name}, with the channel "API: ${application.name}".</p>
<p>Your endpoints receive the events of people who authorized your application. If ${sandboxButtonPerson.first_name} has not authorized it yet, the button records that authorization first, for every door; it then appears on ${sandboxButtonPerson.first_name}'s Applications page, where it can be revoked. The controller then reports <code>door${sandboxButtonDoor.entity_number}_open</code> and, when the strike re-locks a few seconds later, <code>door${sandboxButtonDoor.entity_number}_close</code>: each reaches the endpoints that ask for it, and appears in their delivery logs.</p>
${buttonForm(`${applicationPath(application.client_id)}/sandbox-toggle`, csrf, `Open the sandbox ${sandboxButtonDoor.name}`)}`;
}

function deliveryLog(application: Application, endpoint: Endpoint, deliveries: DeliveryReport[], zone: string, csrf: string): Html {
  if (deliveries.length === 0) return html`<p class="muted">No deliveries yet. Send a test event to see one here.</p>`;
  const statusOf = (attempt: DeliveryReport['attempts'][number]) => attempt.status_code === null ? html`<span class="dev-badge off">No answer</span> ${attempt.error ?? ''}`
    : attempt.status_code >= 200 && attempt.status_code < 300 ? html`<span class="dev-badge ok">${attempt.status_code} OK</span>` : html`<span class="dev-badge off">${attempt.status_code} failed</span>`;
  const deliveryState = { pending: 'Pending', delivered: 'Delivered', dead: 'Given up' } as const;
  return html`<div class="dev-scroll"><table class="list dev-log"><thead><tr>
<th scope="col">Time (${zone})</th><th scope="col">Event</th><th scope="col">Answer</th><th scope="col">Latency</th><th scope="col">Response excerpt</th><th scope="col">Delivery</th>
</tr></thead><tbody>
${deliveries.map((delivery) => {
    const rows = delivery.attempts.length > 0 ? [...delivery.attempts].reverse() : [undefined];
    return rows.map((attempt, index) => html`<tr>
  <td>${attempt ? zonedTime(attempt.attempted_at, zone) : zonedTime(delivery.created_at, zone)}</td>
  <td><code>${delivery.event_type}</code><br><span class="muted">${delivery.id}</span></td>
  <td>${attempt ? statusOf(attempt) : html`<span class="dev-badge pending">Not attempted yet</span>`}</td>
  <td>${attempt ? `${attempt.latency_ms} ms` : ''}</td>
  <td>${attempt?.response_excerpt ? html`<code class="dev-excerpt">${attempt.response_excerpt.slice(0, 300)}</code>` : ''}</td>
  <td>${index === 0 ? html`${deliveryState[delivery.status]}${endpoint.enabled ? html` ${buttonForm(`${endpointPath(application.client_id, endpoint.id)}/deliveries/${delivery.id}/redeliver`, csrf, 'Redeliver', { secondary: true, ariaLabel: `Redeliver ${delivery.event_type} ${delivery.id}` })}` : ''}` : ''}</td>
</tr>`);
  })}
</tbody></table></div>`;
}

export async function developerWebhookPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const secure = deps.secureCookies;
  const box = deps.developers.box;
  const endpoints = endpointDeps(deps);
  /** The person's application and one of its endpoints, named by the path (anyone else's: not found), and the endpoint's page. */
  const endpointOf = async (personId: string, params: { id: string; endpoint: string }) => {
    const application = await ownApplication(deps.db, personId, params.id);
    const endpoint = await applicationEndpoint(endpoints, personId, application.client_id, params.endpoint);
    return { application, endpoint, path: endpointPath(application.client_id, endpoint.id) };
  };

  app.post<{ Params: { id: string }; Body: { url?: string; event_types?: string | string[] } }>('/developers/applications/:id/endpoints', {
    schema: { hide: true, params: appParams, body: registerBody }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const application = await ownApplication(deps.db, personId, request.params.id);
    const eventTypes = [request.body.event_types ?? []].flat();
    // "All events" ticked with others is all events.
    const wanted = eventTypes.includes('*') ? ['*'] : eventTypes;
    const back = `${applicationPath(application.client_id)}#f-url`;
    const created = await attempt(() => registerEndpoint(endpoints, personId, application.client_id, { url: request.body.url ?? '', eventTypes: wanted }),
      { values: { url: request.body.url ?? '', event_types: eventTypes.join(' ') } });
    if (created.refused) return redirectWith(reply, back, created.refused, secure);
    return revealOnNextPage(reply, box, secure, { personId, page: endpointPath(application.client_id, created.value.id) }, {
      title: 'The endpoint\'s API key and signing secret',
      items: [['API key (X-ParqEx-Api-Key)', created.value.api_key], ['Signing secret (webhook-signature)', created.value.signing_secret]],
    });
  });

  app.get<{ Params: { id: string; endpoint: string } }>('/developers/applications/:id/endpoints/:endpoint', { schema: { hide: true, params: endpointParams } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const { application, endpoint, path } = await endpointOf(viewer.personId, request.params);
    const [deliveries, zone] = await Promise.all([endpointLog(endpoints, viewer.personId, application.client_id, endpoint.id), personTimeZone(deps.db, viewer.personId)]);
    return sendAppPage(deps, reply, viewer, { title: `Endpoint ${endpoint.url}`, section: 'developers' }, html`
<p><a href="${applicationPath(application.client_id)}">← ${application.name}</a></p>
<h1>Webhook endpoint</h1>
${revealedBox(takeRevealed(request, reply, box, viewer.personId))}
<dl class="dev-facts">
  <dt>URL</dt><dd><code>${endpoint.url}</code></dd>
  <dt>Event types</dt><dd>${endpoint.event_types.join(', ')}</dd>
  <dt>State</dt><dd>${endpoint.enabled ? 'Enabled' : `Disabled${endpoint.disabled_reason ? ` (${endpoint.disabled_reason})` : ''}`}${endpoint.failing_since ? html`; failing since ${zonedTime(endpoint.failing_since * 1000, zone)} (${zone}): ParqEx disables an endpoint after 5 days without a success` : ''}</dd>
  <dt>Endpoint ID</dt><dd><code>${endpoint.id}</code></dd>
</dl>
<div class="dev-actions">
${endpoint.enabled ? buttonForm(`${path}/test`, viewer.csrf, 'Send a test event') : ''}
${buttonForm(`${path}/${endpoint.enabled ? 'disable' : 'enable'}`, viewer.csrf, endpoint.enabled ? 'Disable' : 'Enable', { secondary: true })}
<a href="${path}/rotate-secret">Rotate the signing secret…</a>
<a href="${path}/delete">Delete the endpoint…</a>
</div>
<h2>Delivery log</h2>
<p class="muted">The 50 most recent deliveries, newest first, each attempt on its own line. The log does not update by itself: <a href="${path}">reload</a> to see new attempts.</p>
${deliveryLog(application, endpoint, deliveries, zone, viewer.csrf)}`);
  });

  const endpointAction = (action: string, act: (personId: string, clientId: string, endpointId: string) => Promise<string>) =>
    app.post<{ Params: { id: string; endpoint: string } }>(`/developers/applications/:id/endpoints/:endpoint/${action}`, {
      schema: { hide: true, params: endpointParams, body: formBody({}) }, preHandler: app.csrfProtection,
    }, async (request, reply) => {
      const personId = await signedInPerson(deps, request, reply);
      if (!personId) return reply;
      const { application, endpoint, path } = await endpointOf(personId, request.params);
      const said = await attempt(() => act(personId, application.client_id, endpoint.id));
      return redirectWith(reply, path, said.refused ?? { info: said.value }, secure);
    });

  endpointAction('test', async (personId, clientId, endpointId) => {
    await sendTest(endpoints, personId, clientId, endpointId);
    return 'A test event (webhook_test) is on its way; reload in a moment to see the attempt in the delivery log.';
  });
  endpointAction('disable', async (personId, clientId, endpointId) => {
    await switchEndpoint(endpoints, personId, clientId, endpointId, false);
    return 'Endpoint disabled: nothing is delivered to it until you enable it.';
  });
  endpointAction('enable', async (personId, clientId, endpointId) => {
    await switchEndpoint(endpoints, personId, clientId, endpointId, true);
    return 'Endpoint enabled.';
  });

  app.post<{ Params: { id: string; endpoint: string; delivery: string } }>('/developers/applications/:id/endpoints/:endpoint/deliveries/:delivery/redeliver', {
    schema: { hide: true, params: deliveryParams, body: formBody({}) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const { application, endpoint, path } = await endpointOf(personId, request.params);
    const done = await attempt(() => redeliverToEndpoint(endpoints, personId, application.client_id, endpoint.id, request.params.delivery));
    return redirectWith(reply, path, done.refused ?? { info: `Delivery ${done.value.id} is queued again; reload in a moment to see the new attempt.` }, secure);
  });

  // Rotate and delete ask first.
  const endpointAt = { route: '/developers/applications/:id/endpoints/:endpoint', params: endpointParams, find: async (personId: string, params: { id: string; endpoint: string }) => {
    const found = await endpointOf(personId, params);
    return { subject: found, page: found.path };
  } };

  confirmation(app, deps, { ...endpointAt, action: 'rotate-secret',
    ask: ({ endpoint }) => ({
      title: `Rotate the signing secret of ${endpoint.url}?`,
      body: html`<p>A new signing secret is made and shown to you once. For 24 hours every delivery carries a signature by each secret, the previous and the new one, so you can switch your receiver without losing an event.</p>`,
      button: 'Rotate the signing secret',
    }),
    act: async (reply, personId, { application, endpoint, path }) => {
      const rotated = await rotateSigningSecret(endpoints, personId, application.client_id, endpoint.id);
      return revealOnNextPage(reply, box, secure, { personId, page: path }, {
        title: 'The new signing secret', items: [['Signing secret (webhook-signature)', rotated.signing_secret]],
      });
    },
  });

  confirmation(app, deps, { ...endpointAt, action: 'delete',
    ask: ({ endpoint }) => ({
      title: `Delete the endpoint ${endpoint.url}?`,
      body: html`<p>Nothing more is delivered to it, and its delivery log is deleted with it. This cannot be undone.</p>`,
      button: 'Delete the endpoint',
    }),
    act: async (reply, personId, { application, endpoint }) => {
      await deleteEndpoint(endpoints, personId, application.client_id, endpoint.id);
      return redirectWith(reply, applicationPath(application.client_id), { info: `The endpoint ${endpoint.url} was deleted.` }, secure);
    },
  });

  app.post<{ Params: { id: string } }>('/developers/applications/:id/sandbox-toggle', {
    schema: { hide: true, params: appParams, body: formBody({}) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const application = await ownApplication(deps.db, personId, request.params.id);
    const path = applicationPath(application.client_id);
    const outcome = await attempt(() => fireSandboxToggle({ db: deps.db, toggle: deps.toggle, sandbox: deps.sandbox }, personId, application.client_id), { codes: allButNotFound });
    if (outcome.refused) return redirectWith(reply, path, outcome.refused, secure);
    const { doorName, toggleId, authorizedNow } = outcome.value;
    const who = `${sandboxButtonPerson.first_name} ${sandboxButtonPerson.last_name}`;
    return redirectWith(reply, path, {
      info: `${doorName} opened as ${who} through ${application.name} (toggle ${toggleId}).`
        + `${authorizedNow ? ` ${who} authorized ${application.name} first (it is listed on ${who}'s Applications page, where it can be revoked).` : ''}`
        + ` Endpoints that ask for door${sandboxButtonDoor.entity_number}_open receive it within seconds, then door${sandboxButtonDoor.entity_number}_close when the strike re-locks: see their delivery logs.`,
    }, secure);
  });
}
