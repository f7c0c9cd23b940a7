// Account (Admins): the account's name, its time zone (every access hour at
// its doors is read in it), the third-party switch, and the vehicles the
// plate readers let in (gate-vehicles.ts).
import type { FastifyInstance } from 'fastify';
import { changeAccountTimeZone, setThirdPartyAccess, updateAccount } from '../../access/accounts.ts';
import { accountsOf } from '../../access/members.ts';
import { adminPoster, adminViewer, typed } from './admin-account.ts';
import { gateVehicles, gateVehiclesSection } from './gate-vehicles.ts';
import { attempt, invalidMark } from '../form-outcome.ts';
import { adminPath } from '../app-layout.ts';
import { redirectWith } from '../flash.ts';
import { formBody } from '../form-schemas.ts';
import { html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { commonTimeZones } from '../settings-form.ts';
import { sendAppPage } from '../signed-in.ts';

const params = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] };

export async function accountSettingsPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Params: { id: string } }>('/accounts/:id/settings', { schema: { hide: true, params } }, async (request, reply) => {
    const admin = await adminViewer(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const { viewer, accountId } = admin;
    const [accounts, vehicles] = await Promise.all([accountsOf(deps.db, viewer.personId), gateVehicles(deps.db, viewer.personId, accountId)]);
    const account = accounts.find((candidate) => candidate.id === accountId)!;
    const base = adminPath(accountId, 'account');
    const flash = viewer.flash;
    const nameRefused = flash?.values?._form === 'name' ? flash : undefined;
    const zoneRefused = flash?.values?._form === 'zone' ? flash : undefined;
    return sendAppPage(deps, reply, viewer, { title: `Account · ${account.name}`, section: 'account', accountId }, html`
<h1>Account settings</h1>
<h2>Name</h2>
<form method="post" action="${base}/name">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="account-name">Account name <span class="muted">(everyone in the account sees it)</span></label>
  <input id="account-name" name="name" type="text" required maxlength="100" autocomplete="off" value="${typed(nameRefused, 'name', 'name', account.name)}"${invalidMark(nameRefused, 'name')}>
  <button type="submit" class="secondary">Save name</button>
</form>
<h2>Time zone</h2>
<form method="post" action="${base}/time-zone">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="account-zone">Time zone of the account</label>
  <input id="account-zone" name="time_zone" type="text" list="time-zones" required maxlength="100" autocomplete="off" autocapitalize="off" spellcheck="false" value="${typed(zoneRefused, 'zone', 'time_zone', account.timeZone)}"${invalidMark(zoneRefused, 'time_zone')}>
  <datalist id="time-zones">${commonTimeZones.map((zone) => html`<option value="${zone}">`)}</datalist>
  <p class="muted">Everyone's access hours at ${account.name} are read in this zone, and invitations show them in it. Changing it moves every hour given so far to the new zone.</p>
  <button type="submit" class="secondary">Save time zone</button>
</form>
<h2>Third-party applications</h2>
<form method="post" action="${base}/third-party">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <input type="hidden" name="enabled" value="${account.thirdPartyAccess ? 'false' : 'true'}">
  <p>Applications other than ParqEx's own: <strong>${account.thirdPartyAccess ? 'allowed' : 'switched off'}</strong>.</p>
  <p class="muted">${account.thirdPartyAccess
    ? 'Switching off hides the account\'s doors from every application its members authorized, at once, until you allow them again.'
    : 'The account\'s doors are hidden from every application other than ParqEx\'s own.'}</p>
  <button type="submit" class="secondary">${account.thirdPartyAccess ? 'Switch off for every application' : 'Allow applications again'}</button>
</form>
${gateVehiclesSection(base, vehicles, viewer.csrf, flash)}`);
  });

  app.post<{ Params: { id: string }; Body: { name?: string } }>('/accounts/:id/settings/name', {
    schema: { hide: true, params, body: formBody({ name: 200 }) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const base = adminPath(admin.accountId, 'account');
    const name = request.body?.name ?? '';
    const saved = await attempt(() => updateAccount(deps.db, admin.personId, admin.accountId, { name }), { field: 'name', values: { _form: 'name', name } });
    if (saved.refused) return redirectWith(reply, `${base}#flash`, saved.refused, deps.secureCookies);
    return redirectWith(reply, base, { info: 'Account name saved.' }, deps.secureCookies);
  });

  app.post<{ Params: { id: string }; Body: { time_zone?: string } }>('/accounts/:id/settings/time-zone', {
    schema: { hide: true, params, body: formBody({ time_zone: 100 }) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const base = adminPath(admin.accountId, 'account');
    const value = request.body?.time_zone ?? '';
    const zone = await attempt(() => changeAccountTimeZone(deps.db, admin.personId, admin.accountId, value), { field: 'time_zone', values: { _form: 'zone', time_zone: value } });
    if (zone.refused) return redirectWith(reply, `${base}#flash`, zone.refused, deps.secureCookies);
    return redirectWith(reply, base, { info: `Time zone saved: access hours are now read in ${zone.value}.` }, deps.secureCookies);
  });

  app.post<{ Params: { id: string }; Body: { enabled: string } }>('/accounts/:id/settings/third-party', {
    schema: { hide: true, params, body: formBody({ enabled: { type: 'string', enum: ['true', 'false'] } }, ['enabled']) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const enabled = request.body.enabled === 'true';
    await setThirdPartyAccess(deps.db, admin.personId, admin.accountId, enabled);
    return redirectWith(reply, adminPath(admin.accountId, 'account'), { info: enabled ? 'Third-party applications are allowed again.' : 'Third-party applications are switched off for this account.' }, deps.secureCookies);
  });
}
