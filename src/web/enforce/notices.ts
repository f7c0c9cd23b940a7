// Parking notices on patrol (phase2.md C.2, C.3): the list with its statuses,
// "Issue a notice" with up to three photos, a notice's page (its facts, the
// photos, the status moves this person may make, remarks, the status log), the
// photos themselves (only for the account's Admin and enforcement members) and
// a printable notice. Refusals come back to the form at the top, focused.
import type { FastifyInstance } from 'fastify';
import { addEvidence, readEvidence } from '../../access/enforcer/evidence.ts';
import {
  addRemark, adminStatuses, changeNoticeStatus, getNotice, issueNotice, listNotices, maxNoticeText, noticeKinds, openStatuses, finalStatuses, settableStatuses,
  type Notice, type NoticeDetail, type NoticeStatus,
} from '../../access/enforcer/notices.ts';
import { DomainError } from '../../access/errors.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { personTimeZone } from '../../access/settings.ts';
import { typed } from '../admin/admin-account.ts';
import type { Flash } from '../flash.ts';
import { attempt, invalidMark } from '../form-outcome.ts';
import { formBody } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import { sendPage, type WebDeps } from '../index.ts';
import { documentHead } from '../layout.ts';
import { kindWords, isFinal, noticeCard, noticePath, statusBadge, statusWords, vehicleWords } from './notice-words.ts';
import { accountParams, patrolBack, patrolListPage, patrolPath, patrolPoster, patrolRefusals, patrolViewer, sendPatrolPage, type PatrolViewer } from './index.ts';
import { maxPhotos, readMultipartForm, registerUploads, uploadsOf } from './uploads.ts';

const noticeParams = { type: 'object', properties: { account: { type: 'string', maxLength: 100 }, notice: { type: 'string', maxLength: 100 } }, required: ['account', 'notice'] };
const evidenceParams = { type: 'object', properties: { ...noticeParams.properties, evidence: { type: 'string', maxLength: 100 } }, required: ['account', 'notice', 'evidence'] };
const listQuery = { type: 'object', properties: { status: { type: 'string', maxLength: 40 }, plate: { type: 'string', maxLength: 40 }, cursor: { type: 'string', maxLength: 500 } } };
const newQuery = { type: 'object', properties: { plate: { type: 'string', maxLength: 40 }, region: { type: 'string', maxLength: 20 } } };

const noticeFields = ['kind', 'plate', 'region', 'make', 'model', 'color', 'location', 'description', 'override_reason'] as const;
type NoticeForm = Partial<Record<(typeof noticeFields)[number], string>>;
const noticeBody = formBody({ kind: 40, plate: 40, region: 20, make: 200, model: 200, color: 200, location: 1000, description: 10_000, override_reason: 2000 });

/** The statuses this person may move an open notice to: members the open ones and resolved, paid, released; the Admin also dismissed and voided. */
export function allowedMoves(status: NoticeStatus, admin: boolean): NoticeStatus[] {
  if (isFinal(status)) return [];
  return settableStatuses.filter((next) => next !== status && (admin || !(adminStatuses as readonly string[]).includes(next)));
}

export async function noticePages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await registerUploads(app);

  patrolListPage<{ status?: string; plate?: string; cursor?: string }, Notice>(app, deps, {
    name: 'notices', title: 'Notices', querystring: listQuery,
    list: (patroller, query) => listNotices(deps.enforcer, patroller, query),
    view: ({ base, query, problem, zone }) => ({
      top: html`<p><a class="button" href="${base}/notices/new">Issue a notice</a></p>
<form method="get" action="${base}/notices" class="filters" aria-label="Filter the notices">
  <div class="field"><label for="notices-status">Status</label>
  <select id="notices-status" name="status"${invalidMark(problem, 'status')}><option value="">Any</option>
    ${[...openStatuses, ...finalStatuses].map((status) => html`<option value="${status}"${query.status === status ? html` selected` : ''}>${statusWords[status]}</option>`)}
  </select></div>
  <div class="field"><label for="notices-plate">Plate</label>
  <input id="notices-plate" name="plate" type="text" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${query.plate ?? ''}"${invalidMark(problem, 'plate')}></div>
  <button type="submit">Show</button> <a href="${base}/notices">Clear filters</a>
</form>`,
      none: `No notices${query.status || query.plate ? ' match these filters' : ' yet'}`,
      card: (notice) => noticeCard(base, notice, zone, 'h2'),
    }),
  });

  app.get<{ Params: { account: string }; Querystring: { plate?: string; region?: string } }>('/enforce/:account/notices/new', { schema: { hide: true, params: accountParams, querystring: newQuery } }, async (request, reply) => {
    const seen = await patrolViewer(deps, request, reply, request.params.account);
    if (!seen) return reply;
    const { viewer, patroller } = seen;
    const flash = viewer.flash;
    const value = (field: (typeof noticeFields)[number], fallback = '') => flash?.values?.[field] ?? fallback;
    const field = (name: 'make' | 'model' | 'color', label: string) => html`
  <label for="notice-${name}">${label} <span class="muted">(optional)</span></label>
  <input id="notice-${name}" name="${name}" type="text" maxlength="${maxNoticeText[name]}" autocomplete="off" value="${value(name)}"${invalidMark(flash, name)}>`;
    const kind = value('kind', 'warning');
    return sendPatrolPage(deps, reply, viewer, patroller, { title: 'Issue a notice', current: 'notices' }, html`
<form method="post" action="${patrolPath(patroller.accountId)}/notices" enctype="multipart/form-data" class="patrol issue">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="notice-kind">Kind</label>
  <select id="notice-kind" name="kind"${invalidMark(flash, 'kind')}>${noticeKinds.map((choice) => html`<option value="${choice}"${choice === kind ? html` selected` : ''}>${kindWords[choice]}</option>`)}</select>
  <label for="notice-plate">Plate</label>
  <input id="notice-plate" name="plate" type="text" required maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${value('plate', request.query.plate ?? '')}"${invalidMark(flash, 'plate')}>
  <label for="notice-region">Region <span class="muted">(optional)</span></label>
  <input id="notice-region" name="region" type="text" maxlength="10" autocomplete="off" spellcheck="false" placeholder="us-ny" value="${value('region', request.query.region ?? '')}"${invalidMark(flash, 'region')}>
  ${field('make', 'Make')}
  ${field('model', 'Model')}
  ${field('color', 'Colour')}
  <label for="notice-location">Location <span class="muted">(optional)</span></label>
  <input id="notice-location" name="location" type="text" maxlength="${maxNoticeText.location}" autocomplete="off" placeholder="Visitor bay 4" value="${value('location')}"${invalidMark(flash, 'location')}>
  <label for="notice-description">Description <span class="muted">(optional)</span></label>
  <textarea id="notice-description" name="description" maxlength="${maxNoticeText.description}"${invalidMark(flash, 'description')}>${value('description')}</textarea>
  <label for="notice-photos">Photos <span class="muted">(optional)</span></label>
  <input id="notice-photos" name="photos" type="file" multiple accept="image/jpeg,image/png,application/pdf" aria-describedby="notice-photos-hint"${invalidMark(flash, 'photos')}>
  <p class="muted hint" id="notice-photos-hint">Up to ${maxPhotos}: JPEG or PNG photos (or a PDF), 5 MiB each. Choose them again after a refusal.</p>
  ${seen.patroller.admin ? html`<label for="notice-override">Override reason <span class="muted">(Admin only: to issue a notice to a plate that may be here)</span></label>
  <textarea id="notice-override" name="override_reason" maxlength="${maxNoticeText.override_reason}"${invalidMark(flash, 'override_reason')}>${value('override_reason')}</textarea>` : ''}
  <button type="submit">Issue notice</button>
</form>`);
  });

  app.post<{ Params: { account: string }; Body: NoticeForm }>('/enforce/:account/notices', {
    schema: { hide: true, params: accountParams, body: noticeBody }, preValidation: readMultipartForm, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const patroller = await patrolPoster(deps, request, reply, request.params.account);
    if (!patroller) return reply;
    const form = request.body ?? {};
    const values = Object.fromEntries(noticeFields.flatMap((name) => form[name] !== undefined ? [[name, form[name]!]] : []));
    const base = patrolPath(patroller.accountId);
    const issued = await attempt(async () => {
      const photos = uploadsOf(request);
      const notice = await issueNotice(deps.enforcer, patroller, form);
      for (const photo of photos) await addEvidence(deps.enforcer, patroller, notice.id, photo);
      return { notice, photos: photos.length };
    }, { codes: patrolRefusals, values });
    if (issued.refused) return patrolBack(deps, reply, `${base}/notices/new`, issued.refused);
    const { notice, photos } = issued.value;
    const count = photos === 0 ? '' : ` with ${photos} photo${photos === 1 ? '' : 's'}`;
    return patrolBack(deps, reply, noticePath(base, notice), { info: `Notice ${notice.number} issued to ${notice.plate}${count}.` });
  });

  app.get<{ Params: { account: string; notice: string } }>('/enforce/:account/notices/:notice', { schema: { hide: true, params: noticeParams } }, async (request, reply) => {
    const seen = await patrolViewer(deps, request, reply, request.params.account);
    if (!seen) return reply;
    const { viewer, patroller } = seen;
    const [notice, zone] = await Promise.all([getNotice(deps.enforcer, patroller, request.params.notice), personTimeZone(deps.db, viewer.personId)]);
    return sendPatrolPage(deps, reply, viewer, patroller, { title: `Notice ${notice.number}`, current: 'notices' }, noticePage(patroller, notice, zone, viewer.csrf, viewer.flash));
  });

  app.post<{ Params: { account: string; notice: string }; Body: { status?: string; note?: string } }>('/enforce/:account/notices/:notice/status', {
    schema: { hide: true, params: noticeParams, body: formBody({ status: 40, note: 10_000 }) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const patroller = await patrolPoster(deps, request, reply, request.params.account);
    if (!patroller) return reply;
    const { status = '', note = '' } = request.body;
    const page = noticePath(patrolPath(patroller.accountId), { number: request.params.notice });
    const moved = await attempt(() => changeNoticeStatus(deps.enforcer, patroller, request.params.notice, { status, note }), { codes: patrolRefusals, values: { _form: 'status', status, note } });
    // The form has two fields: the note when the refusal is about it, else the status.
    if (moved.refused) return patrolBack(deps, reply, page, { ...moved.refused, field: moved.refused.field === 'note' ? 'note' : 'status' });
    return patrolBack(deps, reply, page, { info: `Notice ${moved.value.number} is now ${statusWords[moved.value.status].toLowerCase()}.` });
  });

  app.post<{ Params: { account: string; notice: string }; Body: { text?: string } }>('/enforce/:account/notices/:notice/remarks', {
    schema: { hide: true, params: noticeParams, body: formBody({ text: 10_000 }) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const patroller = await patrolPoster(deps, request, reply, request.params.account);
    if (!patroller) return reply;
    const text = request.body.text ?? '';
    const page = noticePath(patrolPath(patroller.accountId), { number: request.params.notice });
    const added = await attempt(() => addRemark(deps.enforcer, patroller, request.params.notice, { text }), { codes: patrolRefusals, field: 'text', values: { _form: 'remark', text } });
    return patrolBack(deps, reply, page, added.refused ?? { info: 'Remark added.' });
  });

  app.post<{ Params: { account: string; notice: string } }>('/enforce/:account/notices/:notice/evidence', {
    schema: { hide: true, params: noticeParams, body: formBody({}) }, preValidation: readMultipartForm, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const patroller = await patrolPoster(deps, request, reply, request.params.account);
    if (!patroller) return reply;
    const page = noticePath(patrolPath(patroller.accountId), { number: request.params.notice });
    const added = await attempt(async () => {
      const photos = uploadsOf(request);
      if (photos.length === 0) throw new DomainError('invalid', 'Invalid photos: choose at least one photo.');
      for (const photo of photos) await addEvidence(deps.enforcer, patroller, request.params.notice, photo);
      return photos.length;
    }, { codes: patrolRefusals, field: 'photos', values: { _form: 'evidence' } });
    return patrolBack(deps, reply, page, added.refused ?? { info: `${added.value} photo${added.value === 1 ? '' : 's'} added.` });
  });

  app.get<{ Params: { account: string; notice: string; evidence: string } }>('/enforce/:account/notices/:notice/evidence/:evidence', { schema: { hide: true, params: evidenceParams } }, async (request, reply) => {
    const patroller = await patrolPoster(deps, request, reply, request.params.account);
    if (!patroller) return reply;
    const file = await readEvidence(deps.enforcer, patroller, request.params.notice, request.params.evidence);
    // Personal data: never kept by a shared cache; shown in the page, never run as anything else.
    return reply.type(file.contentType).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff')
      .header('content-disposition', `inline; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`).send(file.data);
  });

  app.get<{ Params: { account: string; notice: string } }>('/enforce/:account/notices/:notice/print', { schema: { hide: true, params: noticeParams } }, async (request, reply) => {
    const seen = await patrolViewer(deps, request, reply, request.params.account);
    if (!seen) return reply;
    const { viewer, patroller } = seen;
    const [notice, zone] = await Promise.all([getNotice(deps.enforcer, patroller, request.params.notice), personTimeZone(deps.db, viewer.personId)]);
    const account = viewer.enforceAccounts.find((candidate) => candidate.accountId === patroller.accountId);
    return sendPage(reply, printableNotice(deps.sandbox, patroller, account?.name ?? '', notice, zone));
  });
}

function noticeFacts(notice: NoticeDetail, zone: string): Html {
  const issuer = notice.statusLog[0]?.person;
  return html`<dl class="notice-facts">
  <dt>Kind</dt><dd>${kindWords[notice.kind]}</dd>
  <dt>Status</dt><dd>${statusBadge(notice.status)}</dd>
  <dt>Vehicle</dt><dd>${vehicleWords(notice)}</dd>
  <dt>Location</dt><dd>${notice.location || 'not noted'}</dd>
  <dt>Observed</dt><dd>${zonedTime(notice.observedAt, zone)}</dd>
  ${issuer ? html`<dt>Issued by</dt><dd>${`${issuer.firstName} ${issuer.lastName}`.trim()}</dd>` : ''}
  ${notice.description ? html`<dt>Description</dt><dd>${notice.description}</dd>` : ''}
  ${notice.overrideReason ? html`<dt>Issued despite</dt><dd>${notice.overrideReason}</dd>` : ''}
</dl>`;
}

function evidenceList(base: string, notice: NoticeDetail): Html {
  const path = (id: string) => `${noticePath(base, notice)}/evidence/${id}`;
  return html`<ul class="evidence">${notice.evidence.map((item, index) => html`<li>${item.contentType === 'application/pdf'
    ? html`<a href="${path(item.id)}">Document ${index + 1} (PDF): ${item.filename}</a>`
    : html`<a href="${path(item.id)}"><img src="${path(item.id)}" alt="Photo ${index + 1} of notice ${notice.number}" width="120" height="120"></a>`}</li>`)}</ul>`;
}

function noticePage(patroller: PatrolViewer, notice: NoticeDetail, zone: string, csrf: string, flash: Flash | undefined): Html {
  const base = patrolPath(patroller.accountId);
  const action = noticePath(base, notice);
  const moves = allowedMoves(notice.status, patroller.admin);
  const statusRefused = flash?.values?._form === 'status' ? flash : undefined;
  const remarkRefused = flash?.values?._form === 'remark' ? flash : undefined;
  const evidenceRefused = flash?.values?._form === 'evidence' ? flash : undefined;
  const chosen = typed(statusRefused, 'status', 'status');
  const who = (person: { firstName: string; lastName: string } | null) => person ? `${person.firstName} ${person.lastName}`.trim() : 'the system';
  return html`
${noticeFacts(notice, zone)}
${notice.alertId ? html`<p>Issued on accepting <a href="${base}/alerts/${notice.alertId}">an alert</a>.</p>` : ''}
<p><a href="${action}/print">Printable notice</a></p>
<h2>Photos</h2>
${notice.evidence.length === 0 ? html`<p class="muted">No photos.</p>` : evidenceList(base, notice)}
<form method="post" action="${action}/evidence" enctype="multipart/form-data" class="patrol">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="evidence-photos">Add photos</label>
  <input id="evidence-photos" name="photos" type="file" multiple required accept="image/jpeg,image/png,application/pdf" aria-describedby="evidence-photos-hint"${invalidMark(evidenceRefused, 'photos')}>
  <p class="muted hint" id="evidence-photos-hint">Up to ${maxPhotos} at a time, 5 MiB each. Photos are kept for good: they cannot be removed.</p>
  <button type="submit" class="secondary">Add photos</button>
</form>
<h2>Status</h2>
${moves.length === 0 ? html`<p>${statusWords[notice.status]} is a final status: the notice no longer changes.</p>` : html`
<form method="post" action="${action}/status" class="patrol">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="notice-status">New status</label>
  <select id="notice-status" name="status"${invalidMark(statusRefused, 'status')}>
    ${moves.map((move) => html`<option value="${move}"${chosen === move ? html` selected` : ''}>${statusWords[move]}${(adminStatuses as readonly string[]).includes(move) ? ' (with a note)' : ''}</option>`)}
  </select>
  <label for="notice-note">Note <span class="muted">(${patroller.admin ? 'needed to dismiss or void' : 'optional'})</span></label>
  <textarea id="notice-note" name="note" maxlength="${maxNoticeText.note}"${invalidMark(statusRefused, 'note')}>${typed(statusRefused, 'status', 'note')}</textarea>
  <button type="submit">Change status</button>
</form>`}
<h2>Remarks</h2>
${notice.remarks.length === 0 ? html`<p class="muted">No remarks yet.</p>` : html`<ol class="log">${notice.remarks.map((remark) => html`<li><span class="muted">${zonedTime(remark.at, zone)}, ${who(remark.person)}:</span> ${remark.text}</li>`)}</ol>`}
<form method="post" action="${action}/remarks" class="patrol">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="notice-remark">Add a remark</label>
  <textarea id="notice-remark" name="text" required maxlength="${maxNoticeText.remark}"${invalidMark(remarkRefused, 'text')}>${typed(remarkRefused, 'remark', 'text')}</textarea>
  <button type="submit" class="secondary">Add remark</button>
</form>
<h2>History</h2>
<ol class="log">${notice.statusLog.map((entry) => html`<li><span class="muted">${zonedTime(entry.at, zone)}, ${who(entry.person)}:</span> ${statusWords[entry.status as NoticeStatus] ?? entry.status}${entry.note ? html` · ${entry.note}` : ''}</li>`)}</ol>`;
}

/** A page of its own, without the frame, styled for paper (@media print in parqex.css). */
function printableNotice(sandbox: boolean, patroller: PatrolViewer, accountName: string, notice: NoticeDetail, zone: string): string {
  const base = patrolPath(patroller.accountId);
  return html`<!doctype html>
<html lang="en">
${documentHead(`Notice ${notice.number}`)}
<body class="printable">
${sandbox ? html`<div class="sandbox-banner" role="status">Sandbox: test data with public passwords. Do not use real information.</div>` : ''}
<main id="main">
<p class="print-hide"><a href="${noticePath(base, notice)}">Back to the notice</a> · print this page from your browser's menu.</p>
<p class="brand">${accountName || 'ParqEx'}</p>
<h1>Parking notice</h1>
<p class="print-number">${notice.number}</p>
${noticeFacts(notice, zone)}
${notice.evidence.length > 0 ? html`<h2>Photos</h2>${evidenceList(base, notice)}` : ''}
</main>
</body>
</html>`.value;
}
