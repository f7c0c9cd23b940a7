// "Forgot your password?" from the sign-in page: an address, always the same
// answer, a single-use link (1 h) mailed to a login's address, a new
// password, signed in here and out everywhere else.
import type { FastifyInstance } from 'fastify';
import { minPasswordLength } from '../access/accept-invitation.ts';
import { linkLifetimeSeconds, usableMailLink } from '../access/mail-links.ts';
import { requestPasswordReset, resetPassword } from '../access/password-reset.ts';
import { endWebSession, startWebSession, webSessionSeconds } from '../access/web-sessions.ts';
import { redirectWith, takeFlash } from './flash.ts';
import { attempt, flashMessage, invalidMark, typed } from './form-outcome.ts';
import { formBody, pathParam } from './form-schemas.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { answerUnusableLinks, checkYourEmailPage } from './mail-link-pages.ts';
import { sendPage, setWebSession, webSessionId, type WebDeps } from './index.ts';

const emailBody = formBody({ email: 320 });
const passwordBody = formBody({ password: 1024 });
const tokenParams = pathParam('token', 200);

/** The one answer to every reset request, whether or not the address has a login. */
export function resetSentMessage(email: string): string {
  return `If a login exists for ${email}, we sent it an email with a link to choose a new password. The link works once, for ${linkLifetimeSeconds.password_reset / 3600} hour.`;
}

export async function passwordResetPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  answerUnusableLinks(app, deps.sandbox, 'Ask for a new link at /password-reset.');

  app.get('/password-reset', { schema: { hide: true } }, async (request, reply) => {
    const flash = takeFlash(request, reply);
    return sendPage(reply, layout({ title: 'Reset your password', sandbox: deps.sandbox }, html`
<h1>Reset your password</h1>
${flashMessage(flash)}
<p>Enter the email address of your login. We will send you a link to choose a new password.</p>
<form method="post" action="/password-reset">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="username" required maxlength="320" value="${typed(flash, 'email')}"${invalidMark(flash, 'email')}>
  <button type="submit">Send me a link</button>
</form>
<p class="muted"><a href="/login">Back to sign in</a></p>`));
  });

  app.post<{ Body: { email?: string } | undefined }>('/password-reset', { schema: { hide: true, body: emailBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const typedEmail = request.body?.email ?? '';
    const outcome = await attempt(() => requestPasswordReset(deps.identity, { email: typedEmail, clientAddress: request.ip }), { values: { email: typedEmail } });
    if (outcome.refused) return redirectWith(reply, '/password-reset', outcome.refused, deps.secureCookies);
    return redirectWith(reply, '/password-reset/sent', { info: resetSentMessage(outcome.value) }, deps.secureCookies);
  });

  app.get('/password-reset/sent', { schema: { hide: true } }, (request, reply) =>
    checkYourEmailPage(deps, request, reply, 'If a login exists for that address, we sent it a link to choose a new password.', '/password-reset'));

  app.get<{ Params: { token: string } }>('/password-reset/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const link = await usableMailLink(deps.db, 'password_reset', request.params.token, Math.floor(deps.clock.now() / 1000));
    const flash = takeFlash(request, reply);
    return sendPage(reply, layout({ title: 'Choose a new password', sandbox: deps.sandbox }, html`
<h1>Choose a new password</h1>
${flashMessage(flash)}
<form method="post" action="/password-reset/${request.params.token}">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <label for="email">Email address</label>
  <input id="email" type="email" value="${link.email}" autocomplete="username" readonly>
  <label for="password">New password (at least ${minPasswordLength} characters)</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" maxlength="1024"${invalidMark(flash, 'password')}>
  <button type="submit">Set password and sign in</button>
</form>
<p class="muted">Every other session of this login ends: other browsers will have to sign in again.</p>`));
  });

  app.post<{ Params: { token: string }; Body: { password?: string } | undefined }>('/password-reset/:token', {
    schema: { hide: true, params: tokenParams, body: passwordBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const outcome = await attempt(() => resetPassword(deps.identity, request.params.token, request.body ?? {}));
    if (outcome.refused) return redirectWith(reply, `/password-reset/${request.params.token}`, outcome.refused, deps.secureCookies);
    await endWebSession(deps.db, webSessionId(request));
    setWebSession(reply, await startWebSession(deps.db, outcome.value), deps.secureCookies, webSessionSeconds);
    return redirectWith(reply, '/account', { info: 'Your password was changed. Every other session of your login has ended.' }, deps.secureCookies);
  });
}
