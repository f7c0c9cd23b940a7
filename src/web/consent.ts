// Consent (spec 3, step 1): the application, what each scope lets it do, the
// person's doors grouped by account (all ticked; unticking limits the grant),
// and ALLOW or DENY, asked on every authorization request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAuthorization } from '../access/authorizations.ts';
import { visibleDoors, type VisibleDoor } from '../access/door-policy.ts';
import { personProfile } from '../access/people.ts';
import { describeClient } from '../oauth/clients.ts';
import { personForWebSession } from '../access/web-sessions.ts';
import type { Interaction } from '../oauth/interactions.ts';
import { isScope, scopeDescriptions } from '../oauth/scopes.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { sendPage, webSessionId, type WebDeps } from './index.ts';
import { formBody, pathParam } from './form-schemas.ts';

const uidParams = pathParam('uid', 200);
const decisionBody = formBody({
  decision: { type: 'string', enum: ['allow', 'deny'] },
  doors: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 64 } }] },
}, ['decision']);

interface DecisionBody {
  decision: 'allow' | 'deny';
  doors?: string | string[];
}

export async function consentPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Params: { uid: string } }>('/consent/:uid', { schema: { hide: true, params: uidParams } }, async (request, reply) => {
    const interaction = await deps.interactions.current(request.raw, reply.raw);
    const personId = await consentingPerson(deps, request, reply, interaction);
    if (!personId) return reply;
    const [client, person, doors] = await Promise.all([
      describeClient(deps.db, interaction.clientId),
      personProfile(deps.db, personId),
      visibleDoors(deps.db, { personId }, new Date(deps.clock.now())),
    ]);
    const name = client?.name ?? interaction.clientId;
    return sendPage(reply, layout({ title: `Authorize ${name}`, sandbox: deps.sandbox }, html`
<h1>Allow ${name} to use your ParqEx account?</h1>
<dl class="app">
  <dt>Application</dt><dd>${name}</dd>
  ${client?.description ? html`<dt>About</dt><dd>${client.description}</dd>` : ''}
  ${client?.contact_name ? html`<dt>Developer</dt><dd>${client.contact_name}</dd>` : ''}
  ${client?.website ? html`<dt>Website</dt><dd><a href="${client.website}" rel="noopener noreferrer" target="_blank">${client.website} <span class="muted">(opens in a new tab)</span></a></dd>` : ''}
</dl>
<p>Signed in as <strong>${person.firstName} ${person.lastName}</strong> (${person.email}).</p>
<p>${name} will be able to:</p>
<ul class="scopes">
  <li>See your name, the doors you choose below and their state, and their access history</li>
  <li>See your settings, including your keypad PIN</li>
  ${interaction.scopes.filter(isScope).map((scope) => html`<li>${scopeDescriptions[scope]}</li>`)}
</ul>
<form method="post" action="/consent/${interaction.uid}">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  ${doors.length > 0 ? doorChoices(doors) : html`<p class="muted">You have no doors yet.</p>`}
  <div class="actions">
    <button type="submit" name="decision" value="deny" class="secondary">DENY</button>
    <button type="submit" name="decision" value="allow">ALLOW</button>
  </div>
</form>
<p class="muted">You can remove this access at any time from your account page.</p>`));
  });

  app.post<{ Params: { uid: string }; Body: DecisionBody }>('/consent/:uid', {
    schema: { hide: true, params: uidParams, body: decisionBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const interaction = await deps.interactions.current(request.raw, reply.raw);
    const personId = await consentingPerson(deps, request, reply, interaction);
    if (!personId) return reply;
    if (request.body.decision === 'deny') return reply.redirect(await deps.interactions.deny(request.raw, reply.raw), 303);

    const offered = await visibleDoors(deps.db, { personId }, new Date(deps.clock.now()));
    const ticked = new Set([request.body.doors ?? []].flat());
    const chosen = offered.filter((door) => ticked.has(door.id)).map((door) => door.id);
    const grantId = await deps.interactions.createGrant(interaction);
    await recordAuthorization(deps.db, {
      grantId,
      personId,
      clientId: interaction.clientId,
      scopes: interaction.scopes,
      // Nothing unticked means every door, now and later; any other choice stays fixed.
      doors: { all: chosen.length === offered.length, doorIds: chosen },
    });
    return reply.redirect(await deps.interactions.finishConsent(request.raw, reply.raw, grantId), 303);
  });
}

/**
 * Consent is given by the person signed in to the web pages, never by an
 * older browser session of the authorization server naming someone else: that
 * session then follows the web sign-in (or, signed out, the authorization
 * asks who it is), and the consent page comes again. Undefined once redirected.
 */
async function consentingPerson(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, interaction: Interaction): Promise<string | undefined> {
  if (interaction.prompt !== 'consent' || !interaction.accountId) {
    reply.redirect(`/login/${interaction.uid}`, 303);
    return undefined;
  }
  const signedIn = await personForWebSession(deps.db, webSessionId(request));
  if (signedIn === interaction.accountId) return signedIn;
  const next = signedIn
    ? await deps.interactions.finishLogin(request.raw, reply.raw, signedIn)
    : await deps.interactions.askWhoItIs(request.raw, reply.raw);
  reply.redirect(next, 303);
  return undefined;
}

function doorChoices(doors: VisibleDoor[]) {
  const accounts = [...new Set(doors.map((door) => door.row.account_name))];
  return html`<fieldset class="doors"><legend>Doors it may use</legend>
${accounts.map((account) => html`<p class="account">${account}</p>
${doors.filter((door) => door.row.account_name === account).map((door) => html`<label class="door"><input type="checkbox" name="doors" value="${door.id}" checked> ${door.name}</label>`)}`)}
</fieldset>`;
}
