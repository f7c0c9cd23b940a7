// The link in an invitation email (spec 4, "Invite User"): who shares which
// doors, then one of four things: accept (signed in as the invited address),
// sign out first (signed in as someone else), create a login (the address
// has none) or sign in. Plain forms: it works without JavaScript on a phone.
import type { FastifyInstance } from 'fastify';
import { acceptInvitation, minPasswordLength, signUpAndAccept, type SignUp } from '../access/accept-invitation.ts';
import { DomainError } from '../access/errors.ts';
import { windowText } from '../access/hours-text.ts';
import { utc } from '../access/invitation-mail.ts';
import { describeInvitation, type InvitationView } from '../access/invitations.ts';
import { personProfile, type PersonProfile } from '../access/people.ts';
import { pinNotices } from '../access/pin-notices.ts';
import { endWebSession, personForWebSession, startWebSession, webSessionSeconds } from '../access/web-sessions.ts';
import { errorPage } from './error-page.ts';
import { html, type Html } from './html.ts';
import { layout } from './layout.ts';
import { sendPage, setWebSession, webSessionId, type WebDeps } from './index.ts';
import { formBody, pathParam } from './form-schemas.ts';

const tokenParams = pathParam('token', 200);
const acceptBody = formBody({});
const signUpBody = formBody({ first_name: 200, last_name: 200, password: 1024 });

interface TokenRoute {
  Params: { token: string };
}

export async function invitationPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  // A used, expired or unknown link, and the wrong person, get their own sentence; anything else goes to the pages' handler.
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof DomainError && error.code === 'not_found') {
      return sendPage(reply.code(404), errorPage(deps.sandbox, 'Invitation not valid', error.message, 'Ask the person who invited you to send a new invitation.'));
    }
    if (error instanceof DomainError && error.code === 'forbidden') {
      return sendPage(reply.code(403), errorPage(deps.sandbox, 'This invitation is for someone else', error.message));
    }
    throw error;
  });

  app.get<TokenRoute>('/invitations/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const view = await describeInvitation(deps.db, request.params.token, new Date(deps.clock.now()));
    const personId = await personForWebSession(deps.db, webSessionId(request));
    const person = personId ? await personProfile(deps.db, personId) : undefined;
    return sendPage(reply, invitationPage(deps, request.params.token, view, person, reply.generateCsrf()));
  });

  app.post<TokenRoute>('/invitations/:token/accept', {
    schema: { hide: true, params: tokenParams, body: acceptBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await personForWebSession(deps.db, webSessionId(request));
    if (!personId) return reply.redirect(signInPath(request.params.token), 303);
    await acceptInvitation(deps, request.params.token, personId);
    // Said here first, where the person is looking; the account page keeps saying it.
    const notices = await pinNotices(deps.db, personId);
    if (notices.length === 0) return reply.redirect('/account', 303);
    return sendPage(reply, layout({ title: 'Invitation accepted', sandbox: deps.sandbox }, html`
<h1>Invitation accepted</h1>
<p>Your new doors are on your account page.</p>
${notices.map((notice) => html`<p class="error" role="alert">${notice}</p>`)}
<p><a href="/account#settings">Go to your account</a></p>`));
  });

  app.post<TokenRoute & { Body: SignUp }>('/invitations/:token/sign-up', {
    schema: { hide: true, params: tokenParams, body: signUpBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const { token } = request.params;
    let personId: string;
    try {
      personId = await signUpAndAccept(deps, token, request.body ?? {});
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid') throw error;
      const view = await describeInvitation(deps.db, token, new Date(deps.clock.now()));
      return sendPage(reply.code(400), invitationPage(deps, token, view, undefined, reply.generateCsrf(), { error: error.message, ...request.body }));
    }
    await endWebSession(deps.db, webSessionId(request));
    setWebSession(reply, await startWebSession(deps.db, personId), deps.secureCookies, webSessionSeconds);
    return reply.redirect('/account', 303);
  });
}

function signInPath(token: string): string {
  return `/login?next=${encodeURIComponent(`/invitations/${token}`)}`;
}

interface FormState extends SignUp {
  error?: string;
}

function invitationPage(deps: WebDeps, token: string, view: InvitationView, person: PersonProfile | undefined, csrf: string, form: FormState = {}): string {
  const inviter = `${view.inviter.firstName} ${view.inviter.lastName}`;
  return layout({ title: 'Invitation', sandbox: deps.sandbox }, html`
<h1>${inviter} shared access with you</h1>
<p><strong>${inviter}</strong> (${view.inviter.email}) invited <strong>${view.email}</strong> to use:</p>
<ul>${view.doors.map((door) => html`<li>${door.name} <span class="muted">(${door.accountName})</span></li>`)}</ul>
${windowDescription(view)}
<p class="muted">This link works once, until ${utc(view.expiresAt)}.</p>
${form.error ? html`<p class="error" role="alert">${form.error}</p>` : ''}
${nextStep(token, view, person, csrf, form)}`);
}

function nextStep(token: string, view: InvitationView, person: PersonProfile | undefined, csrf: string, form: FormState): Html {
  if (person && person.email.toLowerCase() === view.email) {
    return html`<p>You are signed in as ${person.email}.</p>
<form method="post" action="/invitations/${token}/accept">
  <input type="hidden" name="_csrf" value="${csrf}">
  <button type="submit">Accept</button>
</form>`;
  }
  if (person) {
    return html`<p class="error" role="alert">You are signed in as ${person.email}, but this invitation is for ${view.email}. Sign out, then open this link again and sign in as ${view.email}.</p>
<form method="post" action="/logout">
  <input type="hidden" name="_csrf" value="${csrf}">
  <button type="submit" class="secondary">Sign out</button>
</form>`;
  }
  if (!view.loginExists) {
    return html`<h2>Create your login to accept</h2>
<form method="post" action="/invitations/${token}/sign-up">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="email">Email address</label>
  <input id="email" type="email" value="${view.email}" autocomplete="username" readonly>
  <label for="first_name">First name</label>
  <input id="first_name" name="first_name" type="text" autocomplete="given-name" required maxlength="100" value="${form.first_name ?? ''}">
  <label for="last_name">Last name</label>
  <input id="last_name" name="last_name" type="text" autocomplete="family-name" required maxlength="100" value="${form.last_name ?? ''}">
  <label for="password">Password (at least ${minPasswordLength} characters)</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}">
  <button type="submit">Create login and accept</button>
</form>`;
  }
  return html`<p>Sign in as ${view.email} to accept.</p>
<form method="get" action="/login">
  <input type="hidden" name="next" value="/invitations/${token}">
  <button type="submit">Sign in</button>
</form>`;
}

function windowDescription(view: InvitationView): Html | string {
  const lines = windowText(view, view.doors);
  return lines.length > 0 ? html`<ul class="muted">${lines.map((line) => html`<li>${line}</li>`)}</ul>` : '';
}
