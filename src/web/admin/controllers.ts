// Controllers (Admins): claim one with its serial and the claim code from its
// box; each controller's presence, last contact (in the viewer's zone),
// firmware, doors with their sensor battery and auto-close, and the open-alert
// time, which the platform applies and the Admin may change here. The Admin
// names each controller and gives each door the name everyone sees unless
// they chose one of their own. Each controller's plate readers are set here
// too (plate-readers.ts): a reader is a channel of the controller, so it sits
// beside the doors of that controller, where the one installing it looks.
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { claimController } from '../../access/accounts.ts';
import { accountControllers, changeOpenAlertTime, maxOpenAlertMinutes, renameController, renameDoorForEveryone, type Controller, type ControllerDoor } from '../../access/controllers.ts';
import { maxNameLength } from '../../access/door-names.ts';
import { accountReaders } from '../../access/lpr-readers.ts';
import { compactId } from '../../access/ids.ts';
import { personTimeZone } from '../../access/settings.ts';
import { adminPoster, adminViewer, typed } from './admin-account.ts';
import { plateReadersSection } from './plate-readers.ts';
import { attempt, invalidMark } from '../form-outcome.ts';
import { adminPath } from '../app-layout.ts';
import type { Flash } from '../flash.ts';
import { redirectWith } from '../flash.ts';
import { formBody } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { sendAppPage } from '../signed-in.ts';

const params = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((name) => [name, { type: 'string', maxLength: 100 }])), required: names });

export async function controllersPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Params: { id: string } }>('/accounts/:id/controllers', { schema: { hide: true, params: params('id') } }, async (request, reply) => {
    const admin = await adminViewer(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const { viewer, accountId } = admin;
    const [controllers, readers, zone] = await Promise.all([accountControllers(deps.db, viewer.personId, accountId), accountReaders(deps.db, accountId), personTimeZone(deps.db, viewer.personId)]);
    const doors = controllers.flatMap((controller) => controller.doors);
    const base = adminPath(accountId, 'controllers');
    const claiming = viewer.flash?.values?._form === 'claim' ? viewer.flash : undefined;
    return sendAppPage(deps, reply, viewer, { title: 'Controllers', section: 'controllers', accountId }, html`
<h1>Controllers</h1>
${controllers.length === 0 ? html`<p class="muted">No controller yet. Claim the first one below.</p>` : controllers.map((controller) => controllerSection(base, controller, zone, viewer.csrf, viewer.flash,
  plateReadersSection(base, readers.find((candidate) => candidate.deviceId === controller.id)!, doors, viewer.csrf, viewer.flash)))}
<h2 id="claim">Claim a controller</h2>
<form method="post" action="${base}/claim" class="claim">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="serial">Serial number <span class="muted">(16 characters, on the controller's label)</span></label>
  <input id="serial" name="blackbox_code" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" required maxlength="32" value="${typed(claiming, 'claim', 'blackbox_code')}"${invalidMark(claiming, 'blackbox_code')}>
  <label for="claim-code">Claim code <span class="muted">(on the card inside the box)</span></label>
  <input id="claim-code" name="claim_code" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" required maxlength="64"${invalidMark(claiming, 'blackbox_code')}>
  <button type="submit">Claim controller</button>
</form>`);
  });

  app.post<{ Params: { id: string }; Body: { blackbox_code: string; claim_code: string } }>('/accounts/:id/controllers/claim', {
    schema: { hide: true, params: params('id'), body: formBody({ blackbox_code: 32, claim_code: 64 }, ['blackbox_code', 'claim_code']) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const base = adminPath(admin.accountId, 'controllers');
    // The claim code is a secret of sorts: never given back to the form.
    const claimed = await attempt(() => claimController(deps.db, admin.personId, admin.accountId, request.body.blackbox_code, request.body.claim_code),
      { field: 'blackbox_code', values: { _form: 'claim', blackbox_code: request.body.blackbox_code } });
    if (claimed.refused) return redirectWith(reply, `${base}#flash`, claimed.refused, deps.secureCookies);
    return redirectWith(reply, base, { info: 'Controller claimed: its doors are now the account\'s.' }, deps.secureCookies);
  });

  app.post<{ Params: { id: string; device: string }; Body: { open_alert_minutes: string } }>('/accounts/:id/controllers/:device/open-alert', {
    schema: { hide: true, params: params('id', 'device'), body: formBody({ open_alert_minutes: 10 }, ['open_alert_minutes']) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const base = adminPath(admin.accountId, 'controllers');
    const form = `alert-${compactId(request.params.device)}`;
    const set = await attempt(() => changeOpenAlertTime(deps.db, admin.personId, admin.accountId, request.params.device, request.body.open_alert_minutes),
      { field: 'open_alert_minutes', values: { _form: form, open_alert_minutes: request.body.open_alert_minutes } });
    if (set.refused) return redirectWith(reply, `${base}#flash`, set.refused, deps.secureCookies);
    const minutes = set.value;
    return redirectWith(reply, base, { info: `You will be alerted when a door of this controller stays open ${minutes} minute${minutes === 1 ? '' : 's'}.` }, deps.secureCookies);
  });

  // A controller's name and a door's name for everyone: the same form, refusal and answer.
  const renameRoute = (path: string, param: 'device' | 'door', formOf: (id: string) => string,
    rename: (admin: { personId: string; accountId: string }, id: string, name: string) => Promise<string>, done: (name: string) => string) => {
    app.post<{ Params: Record<'id' | typeof param, string>; Body: { name?: string } | undefined }>(path, {
      schema: { hide: true, params: params('id', param), body: formBody({ name: 1000 }) },
      preHandler: app.csrfProtection,
    }, async (request, reply) => {
      const admin = await adminPoster(deps, request, reply, request.params.id);
      if (!admin) return reply;
      const base = adminPath(admin.accountId, 'controllers');
      const typedName = request.body?.name ?? '';
      const named = await attempt(() => rename(admin, request.params[param], typedName), { field: 'name', values: { _form: formOf(compactId(request.params[param])), name: typedName } });
      if (named.refused) return redirectWith(reply, `${base}#flash`, named.refused, deps.secureCookies);
      return redirectWith(reply, base, { info: done(named.value) }, deps.secureCookies);
    });
  };
  renameRoute('/accounts/:id/controllers/:device/name', 'device', (id) => `name-${id}`,
    (admin, id, name) => renameController(deps.db, admin.personId, admin.accountId, id, name), (name) => `Controller named ${name}.`);
  renameRoute('/accounts/:id/controllers/doors/:door/name', 'door', (id) => `door-${id}`,
    (admin, id, name) => renameDoorForEveryone(deps.db, admin.personId, admin.accountId, id, name), (name) => `Door renamed ${name} for everyone who has not named it themselves.`);
}

function controllerSection(base: string, controller: Controller, zone: string, csrf: string, flash: Flash | undefined, readers: Html): Html {
  const id = compactId(controller.id);
  const form = `alert-${id}`;
  const refused = flash?.values?._form === form ? flash : undefined;
  const status = !controller.active ? 'Disabled' : controller.online ? 'Online' : 'Offline';
  const naming = flash?.values?._form === `name-${id}` ? flash : undefined;
  const lastContact = controller.lastContact === null ? 'never' : `${DateTime.fromSeconds(controller.lastContact, { zone }).toFormat('yyyy-MM-dd HH:mm')} ${zone}`;
  return html`<section class="controller" aria-labelledby="controller-${id}">
<h2 id="controller-${id}">${controller.name}</h2>
<dl class="facts">
  <div><dt>Serial number</dt><dd>${controller.serial}</dd></div>
  <div><dt>Status</dt><dd><span class="status status-${status.toLowerCase()}">${status}</span></dd></div>
  <div><dt>Last contact</dt><dd>${lastContact}</dd></div>
  <div><dt>Firmware</dt><dd>${controller.firmware || 'unknown'}</dd></div>
</dl>
<details class="rename"${naming ? html` open` : ''}><summary>Rename controller<span class="visually-hidden"> ${controller.name}</span></summary>
<form method="post" action="${base}/${id}/name">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="name-${id}">Name of the controller (1 to ${maxNameLength} characters)</label>
  <input id="name-${id}" name="name" type="text" required maxlength="${maxNameLength}" autocomplete="off" value="${typed(naming, `name-${id}`, 'name', controller.named ? controller.name : '')}"${invalidMark(naming, 'name')}>
  <button type="submit" class="secondary">Save name<span class="visually-hidden"> of controller ${controller.serial}</span></button>
</form></details>
<div class="table-wrap"><table class="list">
<caption class="visually-hidden">Doors of ${controller.name}</caption>
<thead><tr><th scope="col">Door</th><th scope="col">Type</th><th scope="col">Sensor battery</th><th scope="col">Auto-close</th><th scope="col">Name for everyone</th></tr></thead>
<tbody>${controller.doors.map((door) => html`<tr>
  <th scope="row">${door.name} <span class="muted">(channel ${door.entityNumber})</span></th>
  <td>${door.doorType}</td>
  <td>${door.battery === null ? 'no sensor' : `${door.battery} %`}</td>
  <td>${door.autoCloseSeconds === null ? 'off' : `after ${door.autoCloseSeconds} s`}</td>
  <td>${doorNameForm(base, door, csrf, flash)}</td>
</tr>`)}</tbody>
</table></div>
<p class="muted">Auto-close is set on the controller itself. A door's name here is the one everyone sees, in the applications too, except people who gave it a name of their own.</p>
<form method="post" action="${base}/${id}/open-alert" class="open-alert">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="${form}">Alert me when a door stays open for (minutes, 1 to ${maxOpenAlertMinutes})</label>
  <input id="${form}" name="open_alert_minutes" type="number" inputmode="numeric" min="1" max="${maxOpenAlertMinutes}" required value="${typed(refused, form, 'open_alert_minutes', String(Math.max(1, Math.round(controller.openAlertSeconds / 60))))}"${invalidMark(refused, 'open_alert_minutes')}>
  <button type="submit" class="secondary">Save alert time<span class="visually-hidden"> of controller ${controller.serial}</span></button>
</form>
${readers}
</section>`;
}

function doorNameForm(base: string, door: ControllerDoor, csrf: string, flash: Flash | undefined): Html {
  const id = compactId(door.id);
  const form = `door-${id}`;
  const refused = flash?.values?._form === form ? flash : undefined;
  return html`<details class="rename"${refused ? html` open` : ''}><summary>Rename<span class="visually-hidden"> ${door.name} for everyone</span></summary>
<form method="post" action="${base}/doors/${id}/name">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="${form}">Name of this door for everyone (1 to ${maxNameLength} characters)</label>
  <input id="${form}" name="name" type="text" required maxlength="${maxNameLength}" autocomplete="off" value="${typed(refused, form, 'name', door.name)}"${invalidMark(refused, 'name')}>
  <button type="submit" class="secondary">Save door name</button>
</form></details>`;
}
