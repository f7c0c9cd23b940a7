// The link mailed to a new email address (/account/email/:token). Opening it
// only shows what will change: mail scanners open links by themselves, so
// the change waits for the person's button.
import type { FastifyInstance } from 'fastify';
import { confirmEmailChange, describeEmailChange } from '../../access/profile.ts';
import { personForWebSession } from '../../access/web-sessions.ts';
import { redirectWith } from '../flash.ts';
import { attempt } from '../form-outcome.ts';
import { formBody, pathParam } from '../form-schemas.ts';
import { html } from '../html.ts';
import { layout } from '../layout.ts';
import { answerUnusableLinks } from '../mail-link-pages.ts';
import { sendPage, webSessionId, type WebDeps } from '../index.ts';
import { settingsPath } from './settings.ts';

const tokenParams = pathParam('token', 200);

export async function emailChangePages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  answerUnusableLinks(app, deps.sandbox, 'Ask for a new link from your Settings page.');

  app.get<{ Params: { token: string } }>('/account/email/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const { newEmail } = await describeEmailChange(deps.identity, request.params.token);
    return sendPage(reply, layout({ title: 'Confirm your new email address', sandbox: deps.sandbox }, html`
<h1>Confirm your new email address</h1>
<p>Your ParqEx login will use <strong>${newEmail}</strong> to sign in and for its mail. Your current address is told of the change.</p>
<form method="post" action="/account/email/${request.params.token}">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <button type="submit">Use ${newEmail}</button>
</form>`));
  });

  app.post<{ Params: { token: string } }>('/account/email/:token', {
    schema: { hide: true, params: tokenParams, body: formBody({}) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const viewer = await personForWebSession(deps.db, webSessionId(request));
    const outcome = await attempt(() => confirmEmailChange(deps.identity, request.params.token));
    if (outcome.refused) return redirectWith(reply, viewer ? settingsPath : '/login', outcome.refused, deps.secureCookies);
    const { personId, newEmail } = outcome.value;
    const info = `Your email address is now ${newEmail}.`;
    // Opened in another browser than the one signed in: sign in there with the new address.
    const signedIn = viewer === personId;
    return redirectWith(reply, signedIn ? settingsPath : '/login', { info: signedIn ? info : `${info} Sign in with it.` }, deps.secureCookies);
  });
}
