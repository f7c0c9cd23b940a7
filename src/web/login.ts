// Sign-in: inside an authorization (/login/:uid) and for the web pages (/login).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticatePerson } from '../access/authenticate-person.ts';
import { DomainError } from '../access/errors.ts';
import { codeAnswers } from '../errors/answers.ts';
import { endWebSession, personForWebSession, startWebSession, webSessionSeconds } from '../access/web-sessions.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { safeNextPath } from './next-path.ts';
import { sendPage, setWebSession, webSessionId, type WebDeps } from './index.ts';
import { formBody, pathParam } from './form-schemas.ts';
import { takeFlash, type Flash } from './flash.ts';
import { flashMessage } from './form-outcome.ts';

interface LoginBody {
  email?: string;
  password?: string;
}

const uidParams = pathParam('uid', 200);
const loginBody = formBody({ email: 320, password: 1024 });

export async function loginPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Params: { uid: string } }>('/login/:uid', { schema: { hide: true, params: uidParams } }, async (request, reply) => {
    const interaction = await deps.interactions.current(request.raw, reply.raw);
    if (interaction.prompt !== 'login') return reply.redirect(`/consent/${interaction.uid}`, 303);
    const personId = await personForWebSession(deps.db, webSessionId(request));
    if (personId && !interaction.freshLoginRequired) {
      return reply.redirect(await deps.interactions.finishLogin(request.raw, reply.raw, personId), 303);
    }
    return sendPage(reply, loginForm(deps, { action: `/login/${interaction.uid}`, csrf: reply.generateCsrf() }));
  });

  app.post<{ Params: { uid: string }; Body: LoginBody }>('/login/:uid', {
    schema: { hide: true, params: uidParams, body: loginBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const interaction = await deps.interactions.current(request.raw, reply.raw);
    if (interaction.prompt !== 'login') return reply.redirect(`/consent/${interaction.uid}`, 303);
    const personId = await signIn(deps, request, reply, `/login/${interaction.uid}`);
    if (!personId) return reply;
    return reply.redirect(await deps.interactions.finishLogin(request.raw, reply.raw, personId), 303);
  });

  // `?next=` (a path on this site, such as an invitation link) is where a successful sign-in leads.
  app.get<{ Querystring: { next?: unknown } }>('/login', { schema: { hide: true } }, async (request, reply) => {
    const next = safeNextPath(request.query.next);
    if (await personForWebSession(deps.db, webSessionId(request))) return reply.redirect(next ?? '/account', 303);
    // Said here after signing out everywhere, a password change elsewhere or an email change.
    const flash = takeFlash(request, reply);
    return sendPage(reply, loginForm(deps, { action: loginAction(next), csrf: reply.generateCsrf(), flash, signUpPath: next ? `/signup?next=${encodeURIComponent(next)}` : '/signup' }));
  });

  app.post<{ Body: LoginBody; Querystring: { next?: unknown } }>('/login', { schema: { hide: true, body: loginBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const next = safeNextPath(request.query.next);
    const personId = await signIn(deps, request, reply, loginAction(next));
    if (!personId) return reply;
    return reply.redirect(next ?? '/account', 303);
  });
}

function loginAction(next: string | undefined): string {
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/** Checks the credentials; on failure renders the form again with the reason and returns undefined. */
async function signIn(deps: WebDeps, request: FastifyRequest<{ Body: LoginBody }>, reply: FastifyReply, action: string): Promise<string | undefined> {
  const email = request.body?.email?.trim() ?? '';
  const password = request.body?.password ?? '';
  try {
    if (!email || !password) throw new DomainError('invalid', 'Enter your email address and password.');
    const personId = await authenticatePerson(deps.db, deps.throttle, { email, password, address: request.ip });
    await endWebSession(deps.db, webSessionId(request));
    setWebSession(reply, await startWebSession(deps.db, personId), deps.secureCookies, webSessionSeconds);
    return personId;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.retryAfter) reply.header('retry-after', String(error.retryAfter));
    sendPage(reply.code(codeAnswers[error.code].page), loginForm(deps, { action, csrf: reply.generateCsrf(), email, error: error.message }));
    return undefined;
  }
}

function loginForm(deps: WebDeps, view: { action: string; csrf: string; email?: string; error?: string; flash?: Flash; signUpPath?: string }): string {
  return layout({ title: 'Sign in', sandbox: deps.sandbox }, html`
<h1>Sign in</h1>
${flashMessage(view.flash)}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
<form method="post" action="${view.action}">
  <input type="hidden" name="_csrf" value="${view.csrf}">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="${view.email ?? ''}" autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p class="login-links"><a href="/password-reset">Forgot your password?</a>${view.signUpPath ? html` · <a href="${view.signUpPath}">Create a login</a>` : ''}</p>
${deps.sandbox ? html`<p class="muted">Sandbox people: alex.admin@sandbox.parqex.test, sam.user@sandbox.parqex.test, nora.neighbor@sandbox.parqex.test; password <code>parqex-sandbox</code>.</p>` : ''}`);
}
