// The person's account page: their doors (each renamable, for them alone),
// their vehicles, their settings, the applications they authorized (revocable
// in a click), and for Admins the account switches.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listAuthorizations, revokeAuthorization } from '../access/authorizations.ts';
import { changeAccountTimeZone, claimController, setThirdPartyAccess } from '../access/accounts.ts';
import { changeSettings } from '../access/change-settings.ts';
import { renameDoor } from '../access/door-names.ts';
import { visibleDoors, type VisibleDoor } from '../access/door-policy.ts';
import { DomainError } from '../access/errors.ts';
import { codeAnswers } from '../errors/answers.ts';
import { windowText } from '../access/hours-text.ts';
import { parseId } from '../access/ids.ts';
import { personAccounts, personProfile } from '../access/people.ts';
import { pinNotices } from '../access/pin-notices.ts';
import { readSettings } from '../access/settings.ts';
import { personVehicles } from '../access/vehicles.ts';
import { endWebSession, personForWebSession } from '../access/web-sessions.ts';
import { providerSessionCookie } from '../oauth/interactions.ts';
import { isScope, scopeDescriptions } from '../oauth/scopes.ts';
import { html } from './html.ts';
import { doorControlRoutes, doorControls } from './door-controls.ts';
import { appPage } from './app-layout.ts';
import { sendPage, webSessionCookie, webSessionId, type WebDeps } from './index.ts';
import { settingsChanges, settingsFormSchema, settingsSection, settingsView, submittedView, type SettingsFormBody } from './settings-form.ts';
import { vehicleRoutes, vehiclesSection, type VehicleRefusal } from './vehicles-form.ts';
import { formBody, pathParam } from './form-schemas.ts';

const idParams = pathParam('id', 100);
const doorNameBody = formBody({ name: 1000 });

/** What to say on the page: a general message, or a refusal shown beside the form it concerns. */
interface Notice {
  error?: string;
  info?: string;
  settings?: { error: string; body: SettingsFormBody };
  door?: { id: string | undefined; error: string; name: string };
  vehicle?: VehicleRefusal;
  timeZone?: { accountId: string; error: string; value: string };
}

const savedMessages: Record<string, string> = {
  settings: 'Settings saved.', door: 'Door name saved.', vehicle: 'Vehicle added.', 'vehicle-removed': 'Vehicle removed.', 'account-time-zone': 'Time zone saved.',
};

export async function accountPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const signedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> => {
    const personId = await personForWebSession(deps.db, webSessionId(request));
    if (!personId) reply.redirect('/login', 303);
    return personId;
  };

  const render = async (request: FastifyRequest, reply: FastifyReply, personId: string, notice?: Notice) => {
    const [person, accounts, doors, applications, settings, vehicles, pinWarnings] = await Promise.all([
      personProfile(deps.db, personId), personAccounts(deps.db, personId), visibleDoors(deps.db, { personId }, new Date(deps.clock.now())), listAuthorizations(deps.db, personId),
      readSettings(deps.settings, personId), personVehicles(deps.db, personId), pinNotices(deps.db, personId),
    ]);
    const shownSettings = notice?.settings ? submittedView(settingsView(settings), notice.settings.body) : settingsView(settings);
    const doorNames = new Map(doors.map((door) => [door.id, door.name]));
    const csrf = reply.generateCsrf();
    const admin = accounts.filter((account) => account.role === 'admin');
    return sendPage(reply, appPage({
      title: 'Your account', sandbox: deps.sandbox, section: 'doors', csrf, personName: `${person.firstName} ${person.lastName}`,
      adminAccounts: admin.map(({ accountId, name }) => ({ accountId, name })),
    }, html`
<h1>${person.firstName} ${person.lastName}</h1>
<p class="muted">${person.email}</p>
${notice?.error ? html`<p class="error" role="alert">${notice.error}</p>` : ''}
${notice?.info ? html`<p class="notice" role="status">${notice.info}</p>` : ''}
${pinWarnings.map((warning) => html`<p class="error" role="alert">${warning}</p>`)}
<h2>Your doors</h2>
${doors.length === 0 ? html`<p class="muted">No doors yet.</p>` : html`<table class="list"><tbody>
${doors.map((door) => {
    const refused = notice?.door?.id === door.id ? notice.door : undefined;
    return html`<tr><td>${door.name}<br><span class="muted">${door.row.account_name} · ${door.relationship} · ${door.row.state === 'OPEN' ? 'open' : 'closed'}${accessText(door)}</span>
  ${doorControls(door, csrf)}
  <details class="rename"${refused ? html` open` : ''}><summary>Rename</summary>
  <form method="post" action="/account/doors/${door.id}/name">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="door-name-${door.id}">Your name for this door</label>
    ${refused ? html`<p class="error" role="alert">${refused.error}</p>` : ''}
    <input id="door-name-${door.id}" name="name" type="text" required maxlength="60" autocomplete="off" value="${refused ? refused.name : door.name}">
    <p class="muted">Only you see this name${door.name !== door.row.admin_name ? html`; the Admin calls it ${door.row.admin_name}` : ''}.</p>
    <button type="submit" class="secondary">Save name</button>
  </form></details></td></tr>`;
  })}
</tbody></table>`}
${vehiclesSection(vehicles, csrf, notice?.vehicle)}
${settingsSection(shownSettings, csrf, notice?.settings?.error)}
<h2>Applications you authorized</h2>
${applications.length === 0 ? html`<p class="muted">None.</p>` : html`<table class="list"><tbody>
${applications.map((application) => html`<tr>
  <td><strong>${application.clientName}</strong><br>
    <span class="muted">${application.scopes.filter(isScope).map((scope) => scopeDescriptions[scope]).join('; ') || 'Read only'}</span><br>
    <span class="muted">Doors: ${application.allDoors ? 'all, including doors added later' : application.doorIds.map((id) => doorNames.get(id) ?? 'a door you no longer have').join(', ') || 'none'}</span><br>
    <span class="muted">Last used: ${application.lastUsedAt ? new Date(application.lastUsedAt * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'never'}</span></td>
  <td><form method="post" action="/account/applications/${application.grantId}/revoke" class="inline">
    <input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">Remove</button></form></td>
</tr>`)}
</tbody></table>`}
<h2>Accounts</h2>
<ul>${accounts.map((account) => html`<li>${account.name} (${account.role === 'admin' ? 'Admin' : 'User'})<br><span class="muted">${account.name}: hours are read in ${account.timeZone} time</span></li>`)}</ul>
${admin.map((account) => {
    const refused = notice?.timeZone?.accountId === account.accountId ? notice.timeZone : undefined;
    return html`
<h3>${account.name}</h3>
<form method="post" action="/account/accounts/${account.accountId}/time-zone">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="account-zone-${account.accountId}">Time zone of the account</label>
  ${refused ? html`<p class="error" role="alert">${refused.error}</p>` : ''}
  <input id="account-zone-${account.accountId}" name="time_zone" type="text" list="time-zones" required maxlength="100" autocomplete="off" autocapitalize="off" spellcheck="false" value="${refused ? refused.value : account.timeZone}">
  <p class="muted">Everyone's access hours at ${account.name} are read in this zone, and invitations show them in it.</p>
  <button type="submit" class="secondary">Save time zone</button>
</form>
<form method="post" action="/account/accounts/${account.accountId}/third-party">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="enabled" value="${account.thirdPartyAccess ? 'false' : 'true'}">
  <p>Third-party applications: <strong>${account.thirdPartyAccess ? 'allowed' : 'switched off'}</strong></p>
  <button type="submit" class="secondary">${account.thirdPartyAccess ? 'Switch off for every application' : 'Allow applications again'}</button>
</form>
<form method="post" action="/account/accounts/${account.accountId}/controllers">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="serial-${account.accountId}">Add a controller: serial number</label>
  <input id="serial-${account.accountId}" name="blackbox_code" type="text" inputmode="text" autocomplete="off" required maxlength="32">
  <label for="claim-${account.accountId}">Claim code (inside the box)</label>
  <input id="claim-${account.accountId}" name="claim_code" type="text" autocomplete="off" required maxlength="64">
  <button type="submit">Add controller</button>
</form>`;
  })}
<form method="post" action="/logout">
  <input type="hidden" name="_csrf" value="${csrf}">
  <button type="submit" class="secondary">Sign out</button>
</form>`));
  };

  app.get<{ Querystring: { saved?: unknown } }>('/account', { schema: { hide: true } }, async (request, reply) => {
    const personId = await signedIn(request, reply);
    const saved = typeof request.query.saved === 'string' ? savedMessages[request.query.saved] : undefined;
    return personId ? render(request, reply, personId, saved ? { info: saved } : undefined) : reply;
  });

  app.post<{ Body: SettingsFormBody | undefined }>('/account/settings', {
    schema: { hide: true, body: settingsFormSchema },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedIn(request, reply);
    if (!personId) return reply;
    const body = request.body ?? {};
    try {
      await changeSettings(deps.settings, personId, settingsChanges(body));
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'invalid' && error.code !== 'rate_limited')) throw error;
      if (error.retryAfter) reply.header('retry-after', String(error.retryAfter));
      return render(request, reply.code(codeAnswers[error.code].page), personId, { settings: { error: error.message, body } });
    }
    return reply.redirect('/account?saved=settings', 303);
  });

  app.post<{ Params: { id: string }; Body: { name?: string } | undefined }>('/account/doors/:id/name', {
    schema: { hide: true, params: idParams, body: doorNameBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedIn(request, reply);
    if (!personId) return reply;
    const name = request.body?.name ?? '';
    try {
      await renameDoor(deps.db, personId, request.params.id, name, new Date(deps.clock.now()));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') {
        return render(request, reply.code(400), personId, { door: { id: parseId(request.params.id), error: error.message, name } });
      }
      throw error;
    }
    return reply.redirect('/account?saved=door', 303);
  });

  doorControlRoutes(app, { toggle: deps.toggle, signedIn, renderWith: (request, reply, personId, notice) => render(request, reply, personId, notice) });
  vehicleRoutes(app, { db: deps.db, signedIn, renderWith: (request, reply, personId, notice) => render(request, reply, personId, notice) });

  app.post<{ Params: { id: string } }>('/account/applications/:id/revoke', { schema: { hide: true, params: idParams }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedIn(request, reply);
    if (!personId) return reply;
    await revokeAuthorization(deps.db, personId, request.params.id);
    return reply.redirect('/account', 303);
  });

  app.post<{ Params: { id: string }; Body: { enabled: string } }>('/account/accounts/:id/third-party', {
    schema: { hide: true, params: idParams, body: formBody({ enabled: { type: 'string', enum: ['true', 'false'] } }, ['enabled']) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedIn(request, reply);
    if (!personId) return reply;
    await setThirdPartyAccess(deps.db, personId, request.params.id, request.body.enabled === 'true');
    return reply.redirect('/account', 303);
  });

  app.post<{ Params: { id: string }; Body: { time_zone?: string } | undefined }>('/account/accounts/:id/time-zone', {
    schema: { hide: true, params: idParams, body: formBody({ time_zone: 100 }) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedIn(request, reply);
    if (!personId) return reply;
    const value = request.body?.time_zone ?? '';
    try {
      await changeAccountTimeZone(deps.db, personId, request.params.id, value);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') {
        return render(request, reply.code(400), personId, { timeZone: { accountId: request.params.id, error: error.message, value } });
      }
      throw error;
    }
    return reply.redirect('/account?saved=account-time-zone', 303);
  });

  app.post<{ Params: { id: string }; Body: { blackbox_code: string; claim_code: string } }>('/account/accounts/:id/controllers', {
    schema: {
      hide: true,
      params: idParams,
      body: formBody({ blackbox_code: 32, claim_code: 64 }, ['blackbox_code', 'claim_code']),
    },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedIn(request, reply);
    if (!personId) return reply;
    try {
      await claimController(deps.db, personId, request.params.id, request.body.blackbox_code, request.body.claim_code);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') return render(request, reply.code(400), personId, { error: error.message });
      throw error;
    }
    return reply.redirect('/account', 303);
  });

  // Signing out ends the web session and the authorization server's browser
  // session; tokens already given to applications live on (spec 3, Lifetimes).
  app.post('/logout', { schema: { hide: true }, preHandler: app.csrfProtection }, async (request, reply) => {
    await endWebSession(deps.db, webSessionId(request));
    const providerSession = request.cookies[providerSessionCookie];
    if (providerSession) await deps.interactions.endSession(providerSession);
    for (const name of [webSessionCookie, providerSessionCookie, `${providerSessionCookie}.sig`]) {
      reply.clearCookie(name, { path: '/' });
    }
    return reply.redirect('/login', 303);
  });
}

/** A User's window on a door, in the zone of the door's account. */
function accessText(door: VisibleDoor): string {
  const lines = door.window ? windowText(door.window, [{ accountName: door.row.account_name, timeZone: door.row.account_time_zone }]) : [];
  return lines.map((line) => ` · ${line}`).join('');
}
