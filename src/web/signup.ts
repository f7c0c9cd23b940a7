// A.8 sign-up: /signup asks an address and mails a single-use link; the
// link's page takes the names and a password, creates the login, signs in,
// and goes on to `?next=` (a path here, e.g. /developers). The page answers
// the same whether or not the address already has a login.
import type { FastifyInstance } from 'fastify';
import { minPasswordLength } from '../access/accept-invitation.ts';
import { linkLifetimeSeconds, usableMailLink } from '../access/mail-links.ts';
import { completeSignUp, requestSignUp, type NewLogin } from '../access/sign-up.ts';
import { endWebSession, personForWebSession, startWebSession, webSessionSeconds } from '../access/web-sessions.ts';
import { takeFlash, redirectWith } from './flash.ts';
import { attempt, flashMessage, invalidMark, typed } from './form-outcome.ts';
import { formBody, pathParam } from './form-schemas.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { answerUnusableLinks, checkYourEmailPage } from './mail-link-pages.ts';
import { safeNextPath } from './next-path.ts';
import { sendPage, setWebSession, webSessionId, type WebDeps } from './index.ts';

const emailBody = formBody({ email: 320 });
const newLoginBody = formBody({ first_name: 200, last_name: 200, password: 1024 });
const tokenParams = pathParam('token', 200);

/** The one answer to every sign-up request, whoever the address belongs to. */
export function signUpSentMessage(email: string): string {
  return `We sent an email to ${email}. Open the link in it to create your login; it works once, for ${linkLifetimeSeconds.sign_up / 3600} hours.`;
}

export async function signUpPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  answerUnusableLinks(app, deps.sandbox, 'Ask for a new link at /signup. If you already created your login, sign in at /login.');

  app.get<{ Querystring: { next?: unknown } }>('/signup', { schema: { hide: true } }, async (request, reply) => {
    const next = safeNextPath(request.query.next);
    if (await personForWebSession(deps.db, webSessionId(request))) return reply.redirect(next ?? '/account', 303);
    const flash = takeFlash(request, reply);
    return sendPage(reply, layout({ title: 'Create a login', sandbox: deps.sandbox }, html`
<h1>Create a login</h1>
${flashMessage(flash)}
<p>Enter your email address. We will send you a link to choose your name and password.</p>
<form method="post" action="${signUpAction(next)}">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="email" required maxlength="320" value="${typed(flash, 'email')}"${invalidMark(flash, 'email')}>
  <button type="submit">Send me a link</button>
</form>
<p class="muted">Already have a login? <a href="${next ? `/login?next=${encodeURIComponent(next)}` : '/login'}">Sign in</a>.</p>`));
  });

  app.post<{ Querystring: { next?: unknown }; Body: { email?: string } | undefined }>('/signup', {
    schema: { hide: true, body: emailBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const next = safeNextPath(request.query.next);
    const typedEmail = request.body?.email ?? '';
    const outcome = await attempt(() => requestSignUp(deps.identity, { email: typedEmail, nextPath: next, clientAddress: request.ip }), { values: { email: typedEmail } });
    if (outcome.refused) return redirectWith(reply, signUpAction(next), outcome.refused, deps.secureCookies);
    return redirectWith(reply, '/signup/sent', { info: signUpSentMessage(outcome.value) }, deps.secureCookies);
  });

  app.get('/signup/sent', { schema: { hide: true } }, (request, reply) =>
    checkYourEmailPage(deps, request, reply, 'We sent you an email with a link to create your login.', '/signup'));

  app.get<{ Params: { token: string } }>('/signup/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const link = await usableMailLink(deps.db, 'sign_up', request.params.token, Math.floor(deps.clock.now() / 1000));
    const flash = takeFlash(request, reply);
    return sendPage(reply, layout({ title: 'Create your login', sandbox: deps.sandbox }, html`
<h1>Create your login</h1>
${flashMessage(flash)}
<form method="post" action="/signup/${request.params.token}">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <label for="email">Email address</label>
  <input id="email" type="email" value="${link.email}" autocomplete="username" readonly>
  <label for="first_name">First name</label>
  <input id="first_name" name="first_name" type="text" autocomplete="given-name" required maxlength="100" value="${typed(flash, 'first_name')}"${invalidMark(flash, 'first_name')}>
  <label for="last_name">Last name</label>
  <input id="last_name" name="last_name" type="text" autocomplete="family-name" required maxlength="100" value="${typed(flash, 'last_name')}"${invalidMark(flash, 'last_name')}>
  <label for="password">Password (at least ${minPasswordLength} characters)</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" maxlength="1024"${invalidMark(flash, 'password')}>
  <button type="submit">Create login</button>
</form>`));
  });

  app.post<{ Params: { token: string }; Body: NewLogin | undefined }>('/signup/:token', {
    schema: { hide: true, params: tokenParams, body: newLoginBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const body = request.body ?? {};
    const values = { first_name: body.first_name ?? '', last_name: body.last_name ?? '' };
    const outcome = await attempt(() => completeSignUp(deps.identity, request.params.token, body), { values });
    if (outcome.refused) return redirectWith(reply, `/signup/${request.params.token}`, outcome.refused, deps.secureCookies);
    await endWebSession(deps.db, webSessionId(request));
    setWebSession(reply, await startWebSession(deps.db, outcome.value.personId), deps.secureCookies, webSessionSeconds);
    return redirectWith(reply, safeNextPath(outcome.value.nextPath) ?? '/account', { info: 'Your login is ready. Welcome to ParqEx.' }, deps.secureCookies);
  });
}

function signUpAction(next: string | undefined): string {
  return next ? `/signup?next=${encodeURIComponent(next)}` : '/signup';
}
