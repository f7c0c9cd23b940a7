// Alerts on patrol (phase2.md C.3): what the doors and plate readers raised,
// open ones first to act on. An open alert is accepted (optionally issuing a
// notice for its plate in the same step) or rejected with a reason and a note;
// a resolved one only says how it ended.
import type { FastifyInstance } from 'fastify';
import { acceptAlert, alertStates, getAlert, listAlerts, maxAlertNote, rejectAlert, rejectReasons, type Alert, type RejectReason } from '../../access/enforcer/alerts.ts';
import { maxNoticeText, noticeKinds } from '../../access/enforcer/notices.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { personTimeZone } from '../../access/settings.ts';
import type { AlertState, AlertTrigger } from '../../store/database.ts';
import { typed } from '../admin/admin-account.ts';
import { attempt, invalidMark } from '../form-outcome.ts';
import { formBody } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { kindWords, noticePath } from './notice-words.ts';
import { patrolBack, patrolListPage, patrolPath, patrolPoster, patrolRefusals, patrolViewer, sendPatrolPage } from './index.ts';

const alertParams = { type: 'object', properties: { account: { type: 'string', maxLength: 100 }, alert: { type: 'string', maxLength: 100 } }, required: ['account', 'alert'] };
const listQuery = { type: 'object', properties: { state: { type: 'string', maxLength: 20 }, cursor: { type: 'string', maxLength: 500 } } };

const triggerWords: Record<AlertTrigger, string> = {
  unauthorized_vehicle: 'Refused vehicle', watchlist_hit: 'Watchlist hit', wrong_pin: 'Wrong PINs at a keypad', forced_open: 'Door forced open', overstay: 'Overstay',
};
const stateWords: Record<AlertState, string> = { open: 'Open', accepted: 'Accepted', rejected: 'Rejected' };
const reasonWords: Record<RejectReason, string> = {
  authorized_vehicle: 'The vehicle may be here', misread: 'The plate was misread', duplicate: 'A duplicate of another alert', left: 'The vehicle has left', other: 'Another reason',
};

function alertTitle(alert: Alert): string {
  return `${triggerWords[alert.trigger]}${alert.plate ? `: ${alert.plate}` : ''}`;
}

function alertCard(base: string, alert: Alert, zone: string): Html {
  return html`<li>
  <h2><a href="${base}/alerts/${alert.id}">${alertTitle(alert)}</a></h2>
  <p><span class="status-badge ${alert.state === 'open' ? 'open' : 'final'}">${stateWords[alert.state]}</span>${alert.occurrences > 1 ? ` ${alert.occurrences} times` : ''}</p>
  <p class="muted">${zonedTime(alert.lastAt, zone)}${alert.door ? ` · ${alert.door.name}` : ''}</p>
</li>`;
}

export async function alertPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  patrolListPage<{ state?: string; cursor?: string }, Alert>(app, deps, {
    name: 'alerts', title: 'Alerts', querystring: listQuery,
    list: (patroller, query) => listAlerts(deps.enforcer, patroller, query),
    view: ({ base, query, problem, zone }) => ({
      top: html`<form method="get" action="${base}/alerts" class="filters" aria-label="Filter the alerts">
  <div class="field"><label for="alerts-state">State</label>
  <select id="alerts-state" name="state"${invalidMark(problem, 'state')}><option value="">Any</option>
    ${alertStates.map((state) => html`<option value="${state}"${query.state === state ? html` selected` : ''}>${stateWords[state]}</option>`)}
  </select></div>
  <button type="submit">Show</button>
</form>`,
      none: `No alerts${query.state ? ' in this state' : ' yet'}`,
      card: (alert) => alertCard(base, alert, zone),
    }),
  });

  app.get<{ Params: { account: string; alert: string } }>('/enforce/:account/alerts/:alert', { schema: { hide: true, params: alertParams } }, async (request, reply) => {
    const seen = await patrolViewer(deps, request, reply, request.params.account);
    if (!seen) return reply;
    const { viewer, patroller } = seen;
    const [alert, zone] = await Promise.all([getAlert(deps.enforcer, patroller, request.params.alert), personTimeZone(deps.db, viewer.personId)]);
    const base = patrolPath(patroller.accountId);
    const action = `${base}/alerts/${alert.id}`;
    const flash = viewer.flash;
    const acceptRefused = flash?.values?._form === 'accept' ? flash : undefined;
    const rejectRefused = flash?.values?._form === 'reject' ? flash : undefined;
    const kind = typed(acceptRefused, 'accept', 'kind', 'warning');
    const reason = typed(rejectRefused, 'reject', 'reason');
    return sendPatrolPage(deps, reply, viewer, patroller, { title: alertTitle(alert), current: 'alerts' }, html`
<dl class="notice-facts">
  <dt>State</dt><dd><span class="status-badge ${alert.state === 'open' ? 'open' : 'final'}">${stateWords[alert.state]}</span></dd>
  <dt>Happened</dt><dd>${alert.occurrences === 1 ? 'once' : `${alert.occurrences} times`}, first ${zonedTime(alert.openedAt, zone)}${alert.occurrences > 1 ? `, last ${zonedTime(alert.lastAt, zone)}` : ''}</dd>
  ${alert.door ? html`<dt>Door</dt><dd>${alert.door.name} · <a href="/account#door-${alert.door.id}">Open or close it on the Doors page</a></dd>` : ''}
  ${alert.plate ? html`<dt>Plate</dt><dd>${alert.plate} · <a href="${base}?plate=${encodeURIComponent(alert.plate)}">Look it up</a></dd>` : ''}
  ${alert.reason ? html`<dt>Reason</dt><dd>${reasonWords[alert.reason as RejectReason] ?? alert.reason}</dd>` : ''}
  ${alert.note ? html`<dt>Note</dt><dd>${alert.note}</dd>` : ''}
  ${alert.resolvedAt !== null ? html`<dt>Resolved</dt><dd>${zonedTime(alert.resolvedAt, zone)}</dd>` : ''}
  ${alert.noticeId ? html`<dt>Notice</dt><dd><a href="${base}/notices/${alert.noticeId}">The notice issued for it</a></dd>` : ''}
</dl>
${alert.state !== 'open' ? '' : html`
<h2>Accept</h2>
<form method="post" action="${action}/accept" class="patrol">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="accept-note">Note <span class="muted">(optional)</span></label>
  <textarea id="accept-note" name="note" maxlength="${maxAlertNote}"${invalidMark(acceptRefused, 'note')}>${typed(acceptRefused, 'accept', 'note')}</textarea>
  ${alert.plate ? html`<fieldset>
    <legend>A notice for ${alert.plate}</legend>
    <label class="check"><input type="checkbox" name="issue_notice" value="yes"${typed(acceptRefused, 'accept', 'issue_notice') === 'yes' ? html` checked` : ''}> Issue a notice as well</label>
    <label for="accept-kind">Kind</label>
    <select id="accept-kind" name="kind"${invalidMark(acceptRefused, 'kind')}>${noticeKinds.map((choice) => html`<option value="${choice}"${choice === kind ? html` selected` : ''}>${kindWords[choice]}</option>`)}</select>
    <label for="accept-location">Location <span class="muted">(optional)</span></label>
    <input id="accept-location" name="location" type="text" maxlength="${maxNoticeText.location}" autocomplete="off" value="${typed(acceptRefused, 'accept', 'location')}"${invalidMark(acceptRefused, 'location')}>
  </fieldset>` : ''}
  <button type="submit">Accept alert</button>
</form>
<h2>Reject</h2>
<form method="post" action="${action}/reject" class="patrol">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="reject-reason">Reason</label>
  <select id="reject-reason" name="reason"${invalidMark(rejectRefused, 'reason')}>${rejectReasons.map((choice) => html`<option value="${choice}"${choice === reason ? html` selected` : ''}>${reasonWords[choice]}</option>`)}</select>
  <label for="reject-note">Note</label>
  <textarea id="reject-note" name="note" required maxlength="${maxAlertNote}"${invalidMark(rejectRefused, 'note')}>${typed(rejectRefused, 'reject', 'note')}</textarea>
  <button type="submit" class="secondary">Reject alert</button>
</form>`}`);
  });

  app.post<{ Params: { account: string; alert: string }; Body: { note?: string; issue_notice?: string; kind?: string; location?: string } }>('/enforce/:account/alerts/:alert/accept', {
    schema: { hide: true, params: alertParams, body: formBody({ note: 10_000, issue_notice: 10, kind: 40, location: 1000 }) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const patroller = await patrolPoster(deps, request, reply, request.params.account);
    if (!patroller) return reply;
    const { note = '', issue_notice: issue = '', kind = '', location = '' } = request.body;
    const base = patrolPath(patroller.accountId);
    const page = `${base}/alerts/${request.params.alert}`;
    const accepted = await attempt(() => acceptAlert(deps.enforcer, patroller, request.params.alert, { note, issueNotice: issue === 'yes' ? { kind, location } : undefined }),
      { codes: patrolRefusals, values: { _form: 'accept', note, issue_notice: issue, kind, location } });
    if (accepted.refused) return patrolBack(deps, reply, page, accepted.refused);
    const { notice } = accepted.value;
    return notice
      ? patrolBack(deps, reply, noticePath(base, notice), { info: `Alert accepted; notice ${notice.number} issued to ${notice.plate}.` })
      : patrolBack(deps, reply, page, { info: 'Alert accepted.' });
  });

  app.post<{ Params: { account: string; alert: string }; Body: { reason?: string; note?: string } }>('/enforce/:account/alerts/:alert/reject', {
    schema: { hide: true, params: alertParams, body: formBody({ reason: 40, note: 10_000 }) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const patroller = await patrolPoster(deps, request, reply, request.params.account);
    if (!patroller) return reply;
    const { reason = '', note = '' } = request.body;
    const page = `${patrolPath(patroller.accountId)}/alerts/${request.params.alert}`;
    const rejected = await attempt(() => rejectAlert(deps.enforcer, patroller, request.params.alert, { reason, note }), { codes: patrolRefusals, values: { _form: 'reject', reason, note } });
    return patrolBack(deps, reply, page, rejected.refused ?? { info: `Alert rejected: ${reasonWords[rejected.value.reason as RejectReason].toLowerCase()}.` });
  });
}
