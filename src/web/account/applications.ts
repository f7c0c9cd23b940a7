// Applications (/account/applications): each application the person
// authorized, once, with everything it may do and which doors, when it was
// last used (in the person's zone), and Remove after a confirmation page.
import type { FastifyInstance } from 'fastify';
import { listAuthorizations, revokeApplication, type AuthorizedApplication } from '../../access/authorizations.ts';
import { visibleDoors } from '../../access/door-policy.ts';
import { DomainError } from '../../access/errors.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { personTimeZone } from '../../access/settings.ts';
import { readPermissions, scopeDescriptions } from '../../oauth/scopes.ts';
import { redirectWith } from '../flash.ts';
import { pathParam } from '../form-schemas.ts';
import { confirmForm } from '../confirm-form.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson } from '../signed-in.ts';

const clientParams = pathParam('clientId', 200);

export async function applicationPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const load = async (personId: string) => {
    const at = new Date(deps.clock.now());
    const [applications, doors, timeZone] = await Promise.all([
      listAuthorizations(deps.db, personId), visibleDoors(deps.db, { personId }, at), personTimeZone(deps.db, personId),
    ]);
    return { applications, doorNames: new Map(doors.map((door) => [door.id, door.name])), timeZone };
  };

  app.get('/account/applications', { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const { applications, doorNames, timeZone } = await load(viewer.personId);
    return sendAppPage(deps, reply, viewer, { title: 'Applications', section: 'applications' }, html`
<h1>Applications</h1>
<p class="muted">Applications you allowed to reach your doors. Removing one ends its access at once.</p>
${applications.length === 0 ? html`<p class="muted">You have not authorized any application.</p>` : html`<ul class="applications">
${applications.map((application) => html`<li class="application">
  <h2>${application.clientName}</h2>
  ${permissions(application, doorNames)}
  <p>Last used: ${application.lastUsedAt === null ? 'never' : zonedTime(application.lastUsedAt, timeZone)}</p>
  <a class="button secondary" href="/account/applications/${encodeURIComponent(application.clientId)}/revoke" aria-label="Remove ${application.clientName}">Remove</a>
</li>`)}
</ul>`}`);
  });

  app.get<{ Params: { clientId: string } }>('/account/applications/:clientId/revoke', { schema: { hide: true, params: clientParams } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const { applications, doorNames } = await load(viewer.personId);
    const application = applications.find((item) => item.clientId === request.params.clientId);
    if (!application) throw new DomainError('not_found', 'No such application.');
    return sendAppPage(deps, reply, viewer, { title: `Remove ${application.clientName}?`, section: 'applications' }, html`
<h1>Remove ${application.clientName}?</h1>
<p>${application.clientName} will no longer be able to:</p>
${permissions(application, doorNames)}
<p>Its tokens stop working at once. To use it again, you would authorize it again.</p>
${confirmForm(`/account/applications/${encodeURIComponent(application.clientId)}/revoke`, viewer.csrf, `Remove ${application.clientName}`, '/account/applications')}`);
  });

  app.post<{ Params: { clientId: string } }>('/account/applications/:clientId/revoke', {
    schema: { hide: true, params: clientParams },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const { applications } = await load(personId);
    const name = applications.find((item) => item.clientId === request.params.clientId)?.clientName;
    await revokeApplication(deps.db, personId, request.params.clientId);
    return redirectWith(reply, '/account/applications', { info: `${name ?? 'The application'} can no longer reach your doors or your account.` }, deps.secureCookies);
  });
}

/** Every permission the consent page promised, and the doors. */
function permissions(application: AuthorizedApplication, doorNames: Map<string, string>): Html {
  const doors = application.allDoors
    ? 'All your doors, including doors you get later'
    : application.doorIds.map((id) => doorNames.get(id) ?? 'a door you no longer have').sort((x, y) => x.localeCompare(y)).join(', ') || 'No doors';
  return html`<ul class="permissions">
  ${readPermissions.map((line) => html`<li>${line}</li>`)}
  ${application.scopes.map((scope) => html`<li>${scopeDescriptions[scope]}</li>`)}
</ul>
<p>Doors: ${doors}</p>`;
}
