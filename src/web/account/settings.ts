// The person's Settings (/account/settings): profile (names, email address
// with re-verification), notifications, tone, time zone and keypad PIN
// (never shown back), password, and signing out everywhere. Each form posts
// to its own path and comes back here (POST-redirect-GET, src/web/flash.ts).
import type { FastifyInstance } from 'fastify';
import { minPasswordLength } from '../../access/accept-invitation.ts';
import { changeSettings } from '../../access/change-settings.ts';
import { linkLifetimeSeconds } from '../../access/mail-links.ts';
import { personProfile } from '../../access/people.ts';
import { changeNames, changePassword, requestEmailChange, signOutEverywhere } from '../../access/profile.ts';
import { readSettings } from '../../access/settings.ts';
import { providerSessionCookie } from '../../oauth/interactions.ts';
import { redirectWith, type Flash } from '../flash.ts';
import { attempt, invalidMark, typed } from '../form-outcome.ts';
import { formBody } from '../form-schemas.ts';
import { html } from '../html.ts';
import { settingsChanges, settingsFormSchema, settingsSection, settingsView, submittedView, type SettingsFormBody } from '../settings-form.ts';
import { pageViewer, sendAppPage, signedInPerson } from '../signed-in.ts';
import { webSessionCookie, webSessionId, type WebDeps } from '../index.ts';

export const settingsPath = '/account/settings';
const paths = {
  profile: `${settingsPath}/profile`,
  email: `${settingsPath}/email`,
  preferences: `${settingsPath}/preferences`,
  password: `${settingsPath}/password`,
  signOutEverywhere: `${settingsPath}/sign-out-everywhere`,
};

/** Tells apart the forms of this page in a refusal's typed values. */
const formKey = '_form';

function refusedForm(flash: Flash | undefined, form: string): Flash | undefined {
  return flash?.error && flash.values?.[formKey] === form ? flash : undefined;
}

export async function settingsPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get(settingsPath, { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const [person, settings] = await Promise.all([personProfile(deps.db, viewer.personId), readSettings(deps.settings, viewer.personId)]);
    const flash = viewer.flash;
    const names = refusedForm(flash, 'profile');
    const email = refusedForm(flash, 'email');
    const preferences = refusedForm(flash, 'preferences');
    const password = refusedForm(flash, 'password');
    const shown = preferences ? submittedView(settingsView(settings), preferences.values as SettingsFormBody) : settingsView(settings);
    return sendAppPage(deps, reply, viewer, { title: 'Settings', section: 'settings' }, html`
<h1>Settings</h1>
<section aria-labelledby="profile-heading" class="settings-group">
<h2 id="profile-heading">Profile</h2>
<form method="post" action="${paths.profile}">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <input type="hidden" name="${formKey}" value="profile">
  <label for="first_name">First name</label>
  <input id="first_name" name="first_name" type="text" autocomplete="given-name" required maxlength="100" value="${typed(names, 'first_name', person.firstName)}"${invalidMark(names, 'first_name')}>
  <label for="last_name">Last name</label>
  <input id="last_name" name="last_name" type="text" autocomplete="family-name" required maxlength="100" value="${typed(names, 'last_name', person.lastName)}"${invalidMark(names, 'last_name')}>
  <button type="submit">Save name</button>
</form>
<h3>Email address</h3>
<p>You sign in with <strong>${person.email}</strong>, and mail from ParqEx goes there.</p>
<form method="post" action="${paths.email}">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <input type="hidden" name="${formKey}" value="email">
  <label for="new-email">New email address</label>
  <input id="new-email" name="email" type="email" autocomplete="email" required maxlength="320" aria-describedby="new-email-help" value="${typed(email, 'email')}"${invalidMark(email, 'email')}>
  <p class="muted" id="new-email-help">We send a link to the new address; your address changes only when it is opened (within ${linkLifetimeSeconds.email_change / 3600} hours), and ${person.email} is told.</p>
  <button type="submit" class="secondary">Change email address</button>
</form>
</section>
<section aria-labelledby="settings" class="settings-group">
${settingsSection(shown, viewer.csrf, {
    action: paths.preferences,
    heading: 'Alerts, time zone and keypad PIN',
    refusal: preferences?.error ? { messageId: 'flash', field: preferences.field } : undefined,
  })}
</section>
<section aria-labelledby="password-heading" class="settings-group">
<h2 id="password-heading">Password</h2>
<form method="post" action="${paths.password}">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <input type="hidden" name="${formKey}" value="password">
  <input type="text" name="username" autocomplete="username" value="${person.email}" hidden>
  <label for="current_password">Current password</label>
  <input id="current_password" name="current_password" type="password" autocomplete="current-password" required maxlength="1024"${invalidMark(password, 'current_password')}>
  <label for="new_password">New password (at least ${minPasswordLength} characters)</label>
  <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" maxlength="1024"${invalidMark(password, 'new_password')}>
  <p class="muted">Other browsers signed in as you are signed out; this one stays signed in.</p>
  <button type="submit">Change password</button>
</form>
</section>
<section aria-labelledby="sessions-heading" class="settings-group">
<h2 id="sessions-heading">Sign out everywhere</h2>
<p>Signs you out of ParqEx in every browser, this one included. Applications you authorized keep their access: remove them under <a href="/account/applications">Applications</a>.</p>
<p><a class="button secondary" href="${paths.signOutEverywhere}">Sign out everywhere…</a></p>
</section>
<section aria-labelledby="accounts-heading" class="settings-group">
<h2 id="accounts-heading">Accounts</h2>
<p>An account holds controllers, doors and the people who use them. Create one for your own property: you become its Admin.</p>
<p><a class="button secondary" href="/accounts/new">Create an account</a></p>
</section>`);
  });

  app.post<{ Body: { first_name?: string; last_name?: string } | undefined }>(paths.profile, { schema: { hide: true, body: formBody({ first_name: 200, last_name: 200, [formKey]: 20 }) }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const body = request.body ?? {};
    const outcome = await attempt(() => changeNames(deps.db, personId, body), { values: { [formKey]: 'profile', first_name: body.first_name ?? '', last_name: body.last_name ?? '' } });
    return redirectWith(reply, settingsPath, outcome.refused ?? { info: 'Name saved.' }, deps.secureCookies);
  });

  app.post<{ Body: { email?: string } | undefined }>(paths.email, { schema: { hide: true, body: formBody({ email: 320, [formKey]: 20 }) }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const typedEmail = request.body?.email ?? '';
    const outcome = await attempt(() => requestEmailChange(deps.identity, personId, { email: typedEmail, clientAddress: request.ip }), { values: { [formKey]: 'email', email: typedEmail } });
    if (outcome.refused) return redirectWith(reply, settingsPath, outcome.refused, deps.secureCookies);
    return redirectWith(reply, settingsPath, { info: `We sent a link to ${outcome.value}. Your email address changes when you open it.` }, deps.secureCookies);
  });

  app.post<{ Body: SettingsFormBody | undefined }>(paths.preferences, { schema: { hide: true, body: settingsFormSchema }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const body = request.body ?? {};
    // Given back after a refusal: every field but the PIN.
    const { pin: _pin, ...kept } = body;
    const values = Object.fromEntries(Object.entries({ ...kept, [formKey]: 'preferences' }).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const outcome = await attempt(() => changeSettings(deps.settings, personId, settingsChanges(body)), { values });
    return redirectWith(reply, settingsPath, outcome.refused ?? { info: 'Settings saved.' }, deps.secureCookies);
  });

  app.post<{ Body: { current_password?: string; new_password?: string } | undefined }>(paths.password, { schema: { hide: true, body: formBody({ current_password: 1024, new_password: 1024, username: 320, [formKey]: 20 }) }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const outcome = await attempt(() => changePassword(deps, personId, request.body ?? {}, { sessionId: webSessionId(request), clientAddress: request.ip }), { values: { [formKey]: 'password' } });
    return redirectWith(reply, settingsPath, outcome.refused ?? { info: 'Password changed. Other browsers signed in as you were signed out.' }, deps.secureCookies);
  });

  app.get(paths.signOutEverywhere, { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    return sendAppPage(deps, reply, viewer, { title: 'Sign out everywhere', section: 'settings' }, html`
<h1>Sign out everywhere?</h1>
<p>Every browser signed in as you is signed out, this one included, and applications will ask you to sign in again before you authorize anything new.</p>
<p>Applications you already authorized keep their access (their tokens stay valid). To stop one, remove it under <a href="/account/applications">Applications</a>.</p>
<form method="post" action="${paths.signOutEverywhere}">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <button type="submit">Sign out everywhere</button>
</form>
<p><a href="${settingsPath}">Cancel</a></p>`);
  });

  app.post(paths.signOutEverywhere, { schema: { hide: true, body: formBody({}) }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    await signOutEverywhere(deps.identity, personId);
    for (const name of [webSessionCookie, providerSessionCookie, `${providerSessionCookie}.sig`]) reply.clearCookie(name, { path: '/' });
    return redirectWith(reply, '/login', { info: 'You were signed out everywhere. Applications you authorized keep their access.' }, deps.secureCookies);
  });
}
