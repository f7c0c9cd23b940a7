// Doors (/account): the person's doors grouped by account, each with its state
// in words, their hours there, the Open and Close buttons (channel "ParqEx
// Web": the API's toggle, for the person themselves) and their own name for it.
// Every form answers 303 (src/web/flash.ts): a reload never moves a door.
import type { FastifyInstance } from 'fastify';
import { doorCapabilities } from '../../access/door-policy.ts';
import { doorStatusDetail, doorStatusText, doorViews, hoursLines, type DoorView } from '../../access/door-status.ts';
import { renameDoor } from '../../access/door-names.ts';
import { recentHistory } from '../../access/history.ts';
import { parseId } from '../../access/ids.ts';
import { pinNotices } from '../../access/pin-notices.ts';
import { personTimeZone } from '../../access/settings.ts';
import { toggleDoor } from '../../access/toggle-door.ts';
import type { Flash } from '../flash.ts';
import { redirectWith } from '../flash.ts';
import { allButNotFound, attempt } from '../form-outcome.ts';
import { formBody, pathParam } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson } from '../signed-in.ts';
import { activityItem, activityRow } from './activity.ts';
import { doorsLiveRoute } from './doors-live.ts';
import { newAccountPath } from './new-account.ts';

/** How far back "Recent activity" looks, and how much of it is shown. */
const RECENT_SECONDS = 24 * 3600;
const RECENT_ROWS = 10;

export async function doorPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const at = new Date(deps.clock.now());
    const [views, timeZone, warnings] = await Promise.all([
      doorViews(deps.db, { personId: viewer.personId }, at), personTimeZone(deps.db, viewer.personId), pinNotices(deps.db, viewer.personId),
    ]);
    const recent = await recentHistory(deps.db, { personId: viewer.personId }, Math.floor(at.getTime() / 1000) - RECENT_SECONDS, at, RECENT_ROWS);
    const accounts = [...new Set(views.map((view) => view.door.row.account_id))];
    return sendAppPage(deps, reply, viewer, { title: 'Doors', section: 'doors', scripts: ['doors.js'] }, html`
<h1>Doors</h1>
${warnings.map((warning) => html`<p class="error" role="alert">${warning}</p>`)}
${views.length === 0 ? html`<p class="muted">No doors yet. When someone gives you access to a door, it appears here.</p>
<p>Installing ParqEx controllers yourself? <a class="button secondary" href="${newAccountPath}">Create an account</a></p>` : ''}
${accounts.map((accountId) => {
    const doors = views.filter((view) => view.door.row.account_id === accountId);
    const first = doors[0]!.door.row;
    return html`<section class="door-group" aria-labelledby="account-${accountId}">
<h2 id="account-${accountId}">${first.account_name}</h2>
<p class="muted">${first.admin_role !== null ? html`You are an Admin of ${first.account_name}. ` : ''}Hours at ${first.account_name} are read in ${first.account_time_zone} time.</p>
<ul class="doors">${doors.map((view) => doorCard(view, viewer.csrf, viewer.flash))}</ul>
</section>`;
  })}
<section class="recent" aria-labelledby="recent-heading">
<h2 id="recent-heading">Recent activity</h2>
<p class="muted">The last day at your doors, times in ${timeZone} time. <a href="/account/history">All history</a></p>
<ol class="activity" id="recent-activity" aria-live="polite">${recent.map((event) => activityItem(activityRow(event, timeZone, viewer.personId)))}</ol>
${recent.length === 0 ? html`<p class="muted" id="recent-empty">Nothing in the last day.</p>` : ''}
</section>`);
  });

  app.post<{ Params: { id: string }; Body: { state: 'OPEN' | 'CLOSED' } }>('/account/doors/:id/toggle', {
    schema: { hide: true, params: pathParam('id', 64), body: formBody({ state: { type: 'string', enum: ['OPEN', 'CLOSED'] } }, ['state']) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const doorId = parseId(request.params.id);
    const toggled = await attempt(() => toggleDoor(deps.toggle, { personId }, { doorId, state: request.body.state, channel: 'ParqEx Web', clientId: null, receivedAt: Date.now() - reply.elapsedTime }),
      { codes: allButNotFound, field: `door-${doorId}` });
    if (toggled.refused) return redirectWith(reply, '/account#flash', toggled.refused, deps.secureCookies);
    const { doorName, state } = toggled.value;
    return redirectWith(reply, `/account#door-${toggled.value.doorId}`, { info: `${doorName}: ${state === 'OPEN' ? 'opening' : 'closing'}.` }, deps.secureCookies);
  });

  app.post<{ Params: { id: string }; Body: { name?: string } | undefined }>('/account/doors/:id/name', {
    schema: { hide: true, params: pathParam('id', 100), body: formBody({ name: 1000 }) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const name = request.body?.name ?? '';
    const renamed = await attempt(() => renameDoor(deps.db, personId, request.params.id, name, new Date(deps.clock.now())), { codes: ['invalid'], field: `door-name-${parseId(request.params.id)}`, values: { name } });
    return redirectWith(reply, renamed.refused ? '/account#flash' : '/account', renamed.refused ?? { info: 'Door name saved. Only you see it.' }, deps.secureCookies);
  });

  doorsLiveRoute(app, deps);
}

function doorCard({ door, status }: DoorView, csrf: string, flash: Flash | undefined): Html {
  const can = doorCapabilities(door.row);
  const refusedName = flash?.field === `door-name-${door.id}` ? flash : undefined;
  const admin = door.relationship === 'Owner';
  const detail = doorStatusDetail[status];
  return html`<li class="door" id="door-${door.id}" data-door="${door.id}">
  <h3>${door.name}</h3>
  <p class="door-state"><span class="state state-${status}" data-state="${status}"><span class="state-icon" aria-hidden="true"></span> <span class="state-text">${doorStatusText[status]}</span></span></p>
  ${detail ? html`<p class="muted state-detail">${detail}</p>` : ''}
  <p class="hours-heading">Your hours</p>
  <ul class="hours">${hoursLines(door).map((line) => html`<li>${line}</li>`)}</ul>
  ${can.canOpen || can.canClose ? html`<form method="post" action="/account/doors/${door.id}/toggle" class="door-actions">
    <input type="hidden" name="_csrf" value="${csrf}">
    ${can.canOpen ? html`<button type="submit" name="state" value="OPEN" aria-label="Open ${door.name}">Open</button>` : ''}
    ${can.canClose ? html`<button type="submit" name="state" value="CLOSED" class="secondary" aria-label="Close ${door.name}">Close</button>` : ''}
  </form>` : html`<p class="muted">Needs a door sensor before it can be operated remotely.</p>`}
  <details class="rename"${refusedName ? html` open` : ''}><summary>Rename for me</summary>
  <form method="post" action="/account/doors/${door.id}/name">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="door-name-${door.id}">Your name for this door</label>
    <input id="door-name-${door.id}" name="name" type="text" required maxlength="60" autocomplete="off" aria-describedby="door-name-hint-${door.id}${refusedName ? ' flash' : ''}"${refusedName ? html` aria-invalid="true"` : ''} value="${refusedName?.values?.name ?? door.name}">
    <p class="muted" id="door-name-hint-${door.id}">${admin
      ? html`This name is personal: only you see it. Everyone else keeps seeing ${door.row.admin_name}; as an Admin you change that name under Controllers.`
      : html`This name is personal: only you see it${door.name !== door.row.admin_name ? html`; the Admin calls it ${door.row.admin_name}` : ''}.`}</p>
    <button type="submit" class="secondary">Save my name</button>
  </form></details>
</li>`;
}
