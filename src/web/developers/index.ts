// The developer console (/developers, issue 11): a person's applications,
// created, edited, their secret rotated and shown once, deleted behind a
// confirmation. Signed out, /developers says what the platform offers and
// links to sign-in and sign-up. Webhook pages: developer-webhooks.ts.
import type { FastifyInstance } from 'fastify';
import { createApplication, deleteApplication, environments, listApplications, ownApplication, rotateApplicationSecret, updateApplication, type Application, type ApplicationForm } from '../../access/developer-apps.ts';
import { applicationEndpoints } from '../../access/developer-webhooks.ts';
import { personProfile } from '../../access/people.ts';
import { personForWebSession } from '../../access/web-sessions.ts';
import { html, type Html } from '../html.ts';
import { layout } from '../layout.ts';
import { redirectWith, type Flash } from '../flash.ts';
import { formBody, pathParam } from '../form-schemas.ts';
import { sendPage, webSessionId, type WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson, type Viewer } from '../signed-in.ts';
import { revealOnNextPage, takeRevealed } from './reveal-once.ts';
import { attempt } from '../form-outcome.ts';
import { confirmation, field, revealedBox } from './forms.ts';
import { developerWebhookPages, endpointsSection, sandboxSection } from './webhooks.ts';

const applicationFields = { name: 200, company: 200, contact_name: 200, contact_email: 320, website: 500, description: 2000, redirect_uris: 6000 };
const createBody = formBody({ ...applicationFields, environment: { type: 'string', enum: [...environments] } });
const updateBody = formBody(applicationFields);
const appParams = pathParam('id', 200);

export const applicationPath = (clientId: string) => `/developers/applications/${encodeURIComponent(clientId)}`;

const environmentText: Record<Application['environment'], string> = {
  development: 'Development: works at once; for building and testing.',
  certification: 'Certification: works at once, like development, with credentials of its own for a partner\'s certification review (an Alexa or Google Home submission); listed apart so test tokens never mix with production\'s.',
  production: 'Production: for your live users; the credentials work once ParqEx has approved the application.',
};

export async function developerPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const secure = deps.secureCookies;
  const box = deps.developers.box;

  app.get('/developers', { schema: { hide: true } }, async (request, reply) => {
    const personId = await personForWebSession(deps.db, webSessionId(request));
    if (!personId) return sendPage(reply, introPage(deps.sandbox));
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const applications = await listApplications(deps.db, viewer.personId);
    return sendAppPage(deps, reply, viewer, { title: 'Developers', section: 'developers' }, listBody(applications));
  });

  app.get('/developers/applications/new', { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const person = await personProfile(deps.db, viewer.personId);
    const defaults = { contact_name: `${person.firstName} ${person.lastName}`.trim(), contact_email: person.email, environment: 'development' };
    return sendAppPage(deps, reply, viewer, { title: 'New application', section: 'developers' }, html`
<p><a href="/developers">← Your applications</a></p>
<h1>New application</h1>
<p class="muted">What the consent page shows people (name, company, website, description) and where ParqEx may send them back after they decide (redirect URIs).</p>
${applicationForm(viewer, '/developers/applications', 'Create application', defaults, true)}`);
  });

  app.post<{ Body: ApplicationForm }>('/developers/applications', { schema: { hide: true, body: createBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const issued = await attempt(() => createApplication(deps.db, deps.developers.rules, personId, request.body), { values: typedValues(request.body) });
    if (issued.refused) return redirectWith(reply, '/developers/applications/new', issued.refused, secure);
    return revealOnNextPage(reply, box, secure, { personId, page: applicationPath(issued.value.client_id) }, {
      title: 'Your application\'s client secret', items: [['client_id', issued.value.client_id], ['client_secret', issued.value.client_secret!]],
    });
  });

  app.get<{ Params: { id: string } }>('/developers/applications/:id', { schema: { hide: true, params: appParams } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const application = await ownApplication(deps.db, viewer.personId, request.params.id);
    const revealed = takeRevealed(request, reply, box, viewer.personId);
    const endpoints = await applicationEndpoints(endpointDeps(deps), viewer.personId, application.client_id);
    return sendAppPage(deps, reply, viewer, { title: application.name, section: 'developers' }, html`
<p><a href="/developers">← Your applications</a></p>
<h1>${application.name}</h1>
${revealedBox(revealed)}
${application.pending ? html`<p class="notice dev-pending" role="note"><strong>Waiting for approval.</strong> This production application cannot complete the OAuth flow until ParqEx approves it; the authorization page refuses it meanwhile. You will hear from us at ${application.contact_email}.</p>` : ''}
${credentialsSection(application)}
${detailsSection(application)}
${endpointsSection(application, endpoints, viewer)}
${deps.sandbox ? sandboxSection(application, viewer.csrf) : ''}
<h2>Delete</h2>
<p><a class="button dev-danger" href="${applicationPath(application.client_id)}/delete">Delete this application…</a></p>`);
  });

  app.get<{ Params: { id: string } }>('/developers/applications/:id/edit', { schema: { hide: true, params: appParams } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const application = await ownApplication(deps.db, viewer.personId, request.params.id);
    const values = {
      name: application.name, company: application.company, contact_name: application.contact_name, contact_email: application.contact_email,
      website: application.website, description: application.description, redirect_uris: application.redirectUris.join('\n'),
    };
    return sendAppPage(deps, reply, viewer, { title: `Edit ${application.name}`, section: 'developers' }, html`
<p><a href="${applicationPath(application.client_id)}">← ${application.name}</a></p>
<h1>Edit ${application.name}</h1>
${applicationForm(viewer, applicationPath(application.client_id), 'Save changes', values, false)}`);
  });

  app.post<{ Params: { id: string }; Body: ApplicationForm }>('/developers/applications/:id', { schema: { hide: true, params: appParams, body: updateBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const application = await ownApplication(deps.db, personId, request.params.id);
    const path = applicationPath(application.client_id);
    const done = await attempt(() => updateApplication(deps.db, deps.developers.rules, personId, application.client_id, request.body), { values: typedValues(request.body) });
    return redirectWith(reply, done.refused ? `${path}/edit` : path, done.refused ?? { info: 'Changes saved.' }, secure);
  });

  const applicationAt = { route: '/developers/applications/:id', params: appParams, find: async (personId: string, params: { id: string }) => {
    const application = await ownApplication(deps.db, personId, params.id);
    return { subject: application, page: applicationPath(application.client_id) };
  } };

  confirmation(app, deps, { ...applicationAt, action: 'rotate-secret',
    ask: (application) => ({
      title: `Rotate the secret of ${application.name}?`,
      body: html`<p>A new client secret is made and shown to you once. <strong>The current secret stops working at once</strong>: token requests with it are refused until your servers use the new one. Tokens already issued keep working.</p>`,
      button: 'Rotate the secret',
    }),
    act: async (reply, personId, application) => {
      const issued = await rotateApplicationSecret(deps.db, personId, application.client_id);
      return revealOnNextPage(reply, box, secure, { personId, page: applicationPath(application.client_id) }, {
        title: 'The new client secret', items: [['client_id', issued.client_id], ['client_secret', issued.client_secret!]],
      });
    },
  });

  confirmation(app, deps, { ...applicationAt, action: 'delete',
    ask: (application) => ({
      title: `Delete ${application.name}?`,
      body: html`<p>Its credentials stop working at once, the people who authorized it lose that authorization, and its webhook endpoints and their delivery logs are deleted. This cannot be undone.</p>`,
      button: 'Delete the application',
    }),
    act: async (reply, personId, application) => {
      await deleteApplication(deps.db, personId, application.client_id);
      return redirectWith(reply, '/developers', { info: `${application.name} was deleted.` }, secure);
    },
  });

  await developerWebhookPages(app, deps);
}

export function endpointDeps(deps: WebDeps) {
  return { db: deps.db, box: deps.developers.box, production: deps.developers.rules.production };
}

function typedValues(body: ApplicationForm): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter(([name, value]) => name !== '_csrf' && typeof value === 'string')) as Record<string, string>;
}

function introPage(sandbox: boolean): string {
  return layout({ title: 'Developers', sandbox }, html`
<h1>Build on ParqEx</h1>
<p>ParqEx opens gates, garage doors, lobby doors and elevators. With the ParqEx API your application opens them for the people who authorize it (OAuth 2.0), reads their doors and history, and hears about every door event through webhooks.</p>
<ul>
  <li>Create applications and get their credentials at once, for development, certification and production.</li>
  <li>Register webhook endpoints, see every delivery attempt, redeliver, send test events.</li>
  <li>Try everything against the sandbox: test people and simulated controllers whose doors really move.</li>
</ul>
<p>A developer login is all it takes; production credentials are approved by ParqEx before they go live.</p>
<p class="dev-actions"><a class="button" href="/login?next=%2Fdevelopers">Sign in</a> <a class="button secondary" href="/signup?next=%2Fdevelopers">Create a developer login</a></p>`);
}

function listBody(applications: Application[]): Html {
  return html`
<h1>Developers</h1>
<p>Your applications and their credentials. The API and OAuth guides: <a href="/docs">API reference</a>.</p>
<p><a class="button" href="/developers/applications/new">Create an application</a></p>
${applications.length === 0 ? html`<p class="muted">You have no applications yet.</p>` : environments.map((environment) => {
    const group = applications.filter((application) => application.environment === environment);
    if (group.length === 0) return '';
    return html`<h2>${environment[0]!.toUpperCase()}${environment.slice(1)}</h2>
<table class="list"><thead><tr><th scope="col">Application</th><th scope="col">Client ID</th><th scope="col">Status</th></tr></thead><tbody>
${group.map((application) => html`<tr>
  <th scope="row"><a href="${applicationPath(application.client_id)}">${application.name}</a>${application.company ? html`<br><span class="muted">${application.company}</span>` : ''}</th>
  <td><code>${application.client_id}</code></td>
  <td>${application.pending ? html`<span class="dev-badge pending">Waiting for approval</span>` : html`<span class="dev-badge ok">Active</span>`}</td>
</tr>`)}
</tbody></table>`;
  })}`;
}

function credentialsSection(application: Application): Html {
  return html`<h2>Credentials</h2>
<dl class="dev-facts">
  <dt>Client ID</dt><dd><code>${application.client_id}</code></dd>
  <dt>Client secret</dt><dd>Shown once when it was made${application.secret_rotated_at ? ' (rotated since)' : ''}; ParqEx keeps only a hash. <a href="${applicationPath(application.client_id)}/rotate-secret">Rotate the secret…</a></dd>
  <dt>Environment</dt><dd>${environmentText[application.environment]}</dd>
  <dt>Status</dt><dd>${application.pending ? 'Waiting for ParqEx\'s approval' : 'Active'}</dd>
</dl>`;
}

function detailsSection(application: Application): Html {
  return html`<h2>Details</h2>
<dl class="dev-facts">
  <dt>Company</dt><dd>${application.company || '—'}</dd>
  <dt>Contact</dt><dd>${application.contact_name}${application.contact_name ? ' · ' : ''}${application.contact_email}</dd>
  <dt>Website</dt><dd>${application.website || '—'}</dd>
  <dt>Description</dt><dd>${application.description || '—'}</dd>
  <dt>Redirect URIs</dt><dd><ul class="dev-plain">${application.redirectUris.map((uri) => html`<li><code>${uri}</code></li>`)}</ul></dd>
</dl>
<p><a href="${applicationPath(application.client_id)}/edit">Edit details…</a></p>`;
}

function applicationForm(viewer: Viewer, action: string, submit: string, values: Record<string, string>, withEnvironment: boolean): Html {
  const flash: Flash | undefined = viewer.flash;
  const chosen = flash?.values?.environment ?? values.environment ?? 'development';
  return html`<form method="post" action="${action}" class="dev-form">
<input type="hidden" name="_csrf" value="${viewer.csrf}">
${field(flash, { name: 'name', label: 'Application name', value: values.name, required: true, maxlength: 200, hint: 'Shown to people on the consent page.' })}
${field(flash, { name: 'company', label: 'Company or product', value: values.company, maxlength: 200, autocomplete: 'organization' })}
${field(flash, { name: 'contact_name', label: 'Contact name', value: values.contact_name, maxlength: 200, autocomplete: 'name' })}
${field(flash, { name: 'contact_email', label: 'Contact email', value: values.contact_email, type: 'email', required: true, maxlength: 320, autocomplete: 'email', hint: 'Where ParqEx writes about this application (approval, failing webhooks).' })}
${field(flash, { name: 'website', label: 'Website', value: values.website, type: 'url', maxlength: 500, hint: 'An http(s) URL.' })}
${field(flash, { name: 'description', label: 'Description', value: values.description, textarea: true, maxlength: 2000, hint: 'What the application does with a person\'s doors; shown on the consent page.' })}
${field(flash, { name: 'redirect_uris', label: 'Redirect URIs', value: values.redirect_uris, textarea: true, required: true, maxlength: 6000, hint: 'One per line, at most 10. https, or http on a loopback address (127.0.0.1, [::1], localhost) for development; matched byte for byte.' })}
${withEnvironment ? html`<fieldset${flash?.field === 'environment' ? html` aria-describedby="flash"` : ''}>
<legend>Environment</legend>
${environments.map((environment) => html`<div class="dev-choice"><input type="radio" id="env-${environment}" name="environment" value="${environment}"${chosen === environment ? html` checked` : ''}>
<label for="env-${environment}">${environmentText[environment]}</label></div>`)}
</fieldset>` : ''}
<button type="submit">${submit}</button>
</form>`;
}
