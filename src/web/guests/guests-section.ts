// The Guests section (/account/guests, phase2.md D.3): for the Admin and Users
// with `guests`. Visits waiting for approval first (a visitor may be standing
// at the door), then a quick "issue a pass" form, so a resident lets a visitor
// in for an evening from a phone in under a minute; then the passes (the
// Admin's: all of the account) with revoke after a confirmation, and the unit
// links. Times are in the account's zone and say so.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, type ErrorCode } from '../../access/errors.ts';
import { localInput, localWindow } from '../../access/local-window.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { visibleDoors } from '../../access/door-policy.ts';
import { approvePass, declinePass, getPass, issuePass, listPasses, revokePass, type GuestDeps, type GuestPass } from '../../access/guests/passes.ts';
import {
  createUnitLink, defaultMaxHours, defaultVisit, guestAccountsOf, listUnitLinks, maxMaxHours, updateUnitLink, type GuestAccount, type UnitLink,
} from '../../access/guests/unit-links.ts';
import { redirectWith, type Flash } from '../flash.ts';
import { invalidMark, typed } from '../form-outcome.ts';
import { formBody, pathParam } from '../form-schemas.ts';
import { confirmForm } from '../confirm-form.ts';
import { html, type Html } from '../html.ts';
import { refusalOf, refusedField, timeFields } from './form-fields.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson, type Viewer } from '../signed-in.ts';

const sectionPath = '/account/guests';
const doorList = { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 } }] };
const passBody = formBody({ account_id: 64, name: 100, email: 320, doors: doorList, starts_at: 20, ends_at: 20, plate: 20, pin: 3 });
const linkBody = formBody({ account_id: 64, label: 100, doors: doorList, max_hours: 4, auto_approve: 3 });
const activeBody = formBody({ active: 1 });
const idParams = pathParam('id', 100);
const passesShown = 100;
/** Refusals the person can fix on the form: shown at the top with what they typed. */
const formRefusals = new Set<ErrorCode>(['invalid', 'limit_reached']);

type Doors = { id: string; name: string }[];

/** What the guest rules need, from the pages' dependencies. */
export function pageGuestDeps(deps: WebDeps): GuestDeps {
  return { db: deps.db, clock: deps.clock, box: deps.settings.box, pinKey: deps.settings.pinKey, mailer: deps.identity.mailer, publicUrl: deps.identity.publicUrl };
}

export async function guestsSection(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const guestDeps = pageGuestDeps(deps);

  /** The account the section shows: `?account=` among those the person may issue at, else the first; none: 403. */
  async function sectionAccount(personId: string, input: string | undefined): Promise<{ account: GuestAccount; accounts: GuestAccount[] }> {
    const accounts = await guestAccountsOf(deps.db, personId);
    if (accounts.length === 0) throw new DomainError('forbidden', 'You may not issue guest passes.');
    const account = accounts.find((item) => item.id === input) ?? accounts[0]!;
    return { account, accounts };
  }

  async function issuableDoors(personId: string, accountId: string): Promise<Doors> {
    return (await visibleDoors(deps.db, { personId }, new Date(deps.clock.now())))
      .filter((door) => door.row.account_id === accountId).map((door) => ({ id: door.id, name: door.name }));
  }

  app.get<{ Querystring: { account?: string } }>(sectionPath, { schema: { hide: true, querystring: formBody({ account: 64 }) } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const { account, accounts } = await sectionAccount(viewer.personId, request.query.account);
    const [doors, passes, links] = await Promise.all([
      issuableDoors(viewer.personId, account.id),
      listPasses(guestDeps, { accountId: account.id, personId: viewer.personId, limit: passesShown }),
      listUnitLinks(guestDeps, { personId: viewer.personId }, account.id),
    ]);
    const now = Math.floor(deps.clock.now() / 1000);
    return sendAppPage(deps, reply, viewer, { title: 'Guests', section: 'guests' }, html`
<h1>Guests</h1>
${accounts.length > 1 ? html`<p class="muted">At ${account.name} · ${accounts.filter((item) => item !== account).map((item) => html`<a href="${sectionPath}?account=${item.id}">${item.name}</a> `)}</p>` : ''}
${approvals(viewer, account, passes.items.filter((pass) => pass.status === 'pending'), doors)}
${issueForm(viewer, account, doors, now)}
${passList(account, passes.items.filter((pass) => pass.status !== 'pending'), doors, account.admin)}
${passes.nextCursor ? html`<p class="muted">The newest ${passesShown} passes; the API (GET guest-passes) lists them all.</p>` : ''}
${unitLinks(viewer, account, links, doors)}`);
  });

  /** The form's refusal back to the section with what was typed; anything else is the error page's. */
  async function answerForm(reply: FastifyReply, form: 'pass' | 'link', values: Record<string, string>, work: () => Promise<string>) {
    try {
      return redirectWith(reply, sectionPath, { info: await work() }, deps.secureCookies);
    } catch (error) {
      if (!(error instanceof DomainError) || !formRefusals.has(error.code)) throw error;
      return redirectWith(reply, `${sectionPath}#flash`, { error: error.message, field: refusedField(form, error.message), values }, deps.secureCookies);
    }
  }

  app.post<{ Body: Record<string, string | string[] | undefined> | undefined }>(`${sectionPath}/passes`, {
    schema: { hide: true, body: passBody }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const body = request.body ?? {};
    const { account } = await sectionAccount(personId, text(body.account_id));
    const values = { name: text(body.name), email: text(body.email), starts_at: text(body.starts_at), ends_at: text(body.ends_at), plate: text(body.plate) };
    return answerForm(reply, 'pass', values, async () => {
      const window = localWindow({ starts_at: values.starts_at, ends_at: values.ends_at }, account.timeZone);
      const pass = await issuePass(guestDeps, {
        accountId: account.id, viewer: { personId }, guest: { name: values.name, email: values.email }, kind: 'window',
        startsAt: window.starts_at, endsAt: window.ends_at, doorIds: [body.doors ?? []].flat(), plate: values.plate || null, pin: body.pin === 'yes',
      });
      return `Pass issued to ${pass.guest.name}: the link${pass.pin ? ' and PIN were' : ' was'} emailed to ${pass.guest.email}.`;
    });
  });

  app.get<{ Params: { id: string } }>(`${sectionPath}/passes/:id/revoke`, { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const pass = await getPass(guestDeps, viewer.personId, request.params.id);
    return sendAppPage(deps, reply, viewer, { title: `Revoke ${pass.guest.name}'s pass?`, section: 'guests' }, html`
<h1>Revoke ${pass.guest.name}'s pass?</h1>
<p>The link${pass.pin ? ', the PIN' : ''}${pass.plate ? html` and the plate ${pass.plate}` : ''} stop opening doors at once.</p>
${confirmForm(`${sectionPath}/passes/${pass.id}/revoke`, viewer.csrf, 'Revoke the pass', sectionPath)}`);
  });

  const passAction = (action: 'revoke' | 'approve' | 'decline', work: typeof revokePass, said: (pass: GuestPass) => string) =>
    app.post<{ Params: { id: string } }>(`${sectionPath}/passes/:id/${action}`, {
      schema: { hide: true, params: idParams, body: formBody({}) }, preHandler: app.csrfProtection,
    }, async (request, reply) => {
      const personId = await signedInPerson(deps, request, reply);
      if (!personId) return reply;
      const pass = await work(guestDeps, personId, request.params.id);
      return redirectWith(reply, sectionPath, { info: said(pass) }, deps.secureCookies);
    });
  passAction('revoke', revokePass, (pass) => `${pass.guest.name}'s pass is revoked.`);
  passAction('approve', approvePass, (pass) => `${pass.guest.name}'s pass is approved and emailed.`);
  passAction('decline', declinePass, (pass) => `${pass.guest.name}'s request is declined.`);

  app.post<{ Body: Record<string, string | string[] | undefined> | undefined }>(`${sectionPath}/links`, {
    schema: { hide: true, body: linkBody }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const body = request.body ?? {};
    const { account } = await sectionAccount(personId, text(body.account_id));
    const values = { label: text(body.label), max_hours: text(body.max_hours) };
    return answerForm(reply, 'link', values, async () => {
      const hours = Number(values.max_hours === '' ? defaultMaxHours : values.max_hours);
      const link = await createUnitLink(guestDeps, { personId }, account.id, {
        label: values.label, door_ids: [body.doors ?? []].flat(), max_hours: hours, auto_approve: body.auto_approve === 'yes',
      });
      return `Unit link "${link.label}" created: share its address with your visitors.`;
    });
  });

  app.post<{ Params: { id: string }; Body: { active?: string } | undefined }>(`${sectionPath}/links/:id/active`, {
    schema: { hide: true, params: idParams, body: activeBody }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const active = request.body?.active === '1';
    const link = await updateUnitLink(guestDeps, { personId }, request.params.id, { active });
    return redirectWith(reply, sectionPath, { info: `Unit link "${link.label}" ${active ? 'takes registrations again' : 'is deactivated: its page no longer takes registrations'}.` }, deps.secureCookies);
  });
}

function text(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

function doorNames(ids: readonly string[], doors: Doors): string {
  return ids.map((id) => doors.find((door) => door.id === id)?.name ?? 'a door').join(', ');
}

function doorChoices(form: string, doors: Doors, checked: (id: string, index: number) => boolean): Html {
  return html`<fieldset class="days"><legend>Doors</legend>
${doors.map((door, index) => html`<label class="day"><input type="checkbox" name="doors" value="${door.id}" id="${form}-door-${index}"${checked(door.id, index) ? ' checked' : ''}> ${door.name}</label>`)}
</fieldset>`;
}

function issueForm(viewer: Viewer, account: GuestAccount, doors: Doors, now: number): Html {
  const flash = refusalOf(viewer.flash, 'pass');
  const visit = defaultVisit(now, account.timeZone, 4);
  return html`
<section aria-labelledby="issue-heading">
<h2 id="issue-heading">Issue a pass</h2>
<form method="post" action="${sectionPath}/passes" class="window guest-pass">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <input type="hidden" name="account_id" value="${account.id}">
  <label for="pass-name">Guest name</label>
  <input id="pass-name" name="name" type="text" required maxlength="100" autocomplete="off" value="${typed(flash, 'name')}"${invalidMark(flash, 'pass.name')}>
  <label for="pass-email">Guest email</label>
  <input id="pass-email" name="email" type="email" required maxlength="320" autocomplete="off" inputmode="email" value="${typed(flash, 'email')}"${invalidMark(flash, 'pass.email')}>
  ${doorChoices('pass', doors, (_id, index) => index === 0)}
  ${timeFields('pass', ['From', 'Until'], flash, [localInput(visit.startsAt, account.timeZone), localInput(visit.endsAt, account.timeZone)])}
  <p class="muted">${account.timeZone} time.</p>
  <label for="pass-plate">Licence plate <span class="muted">(optional: opens gates with a plate reader)</span></label>
  <input id="pass-plate" name="plate" type="text" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${typed(flash, 'plate')}"${invalidMark(flash, 'pass.plate')}>
  <label class="day"><input type="checkbox" name="pin" value="yes" id="pass-pin"> Also give a keypad PIN</label>
  <button type="submit">Issue pass</button>
</form>
</section>`;
}

function when(pass: GuestPass, timeZone: string): string {
  return `${zonedTime(pass.startsAt, timeZone)} – ${zonedTime(pass.endsAt, timeZone)}`;
}

function approvals(viewer: Viewer, account: GuestAccount, pending: GuestPass[], doors: Doors): Html {
  if (pending.length === 0) return html``;
  return html`
<section aria-labelledby="approvals-heading">
<h2 id="approvals-heading">Waiting for your approval</h2>
<ul class="access-list">
${pending.map((pass) => html`<li>
  <strong>${pass.guest.name}</strong> <span class="muted">${pass.guest.email ?? ''}</span>
  <p class="muted">${doorNames(pass.doorIds, doors)} · ${when(pass, account.timeZone)}${pass.plate ? ` · ${pass.plate}` : ''}</p>
  <div class="row-actions">
    <form method="post" action="${sectionPath}/passes/${pass.id}/approve" class="inline"><input type="hidden" name="_csrf" value="${viewer.csrf}"><button type="submit" aria-label="Approve ${pass.guest.name}">Approve</button></form>
    <form method="post" action="${sectionPath}/passes/${pass.id}/decline" class="inline"><input type="hidden" name="_csrf" value="${viewer.csrf}"><button type="submit" class="secondary" aria-label="Decline ${pass.guest.name}">Decline</button></form>
  </div>
</li>`)}
</ul>
</section>`;
}

function passList(account: GuestAccount, passes: GuestPass[], doors: Doors, admin: boolean): Html {
  const live = (pass: GuestPass) => pass.status === 'scheduled' || pass.status === 'active';
  return html`
<section aria-labelledby="passes-heading">
<h2 id="passes-heading">${admin ? 'Passes at this account' : 'Your passes'}</h2>
${passes.length === 0 ? html`<p class="muted">No passes yet.</p>` : html`<table class="list stacked guest-passes"><caption class="visually-hidden">Guest passes</caption>
<thead><tr><th scope="col">Guest</th><th scope="col">Status</th><th scope="col">Doors</th><th scope="col">When</th>${admin ? html`<th scope="col">Issued by</th>` : ''}<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${passes.map((pass) => html`<tr>
  <th scope="row">${pass.guest.name}</th>
  <td data-label="Status">${pass.status}</td>
  <td data-label="Doors">${doorNames(pass.doorIds, doors)}</td>
  <td data-label="When">${when(pass, account.timeZone)}</td>
  ${admin ? html`<td data-label="Issued by">${`${pass.issuer.firstName} ${pass.issuer.lastName}`.trim()}</td>` : ''}
  <td>${live(pass) ? html`<details class="change"><summary>Link${pass.pin ? ' and PIN' : ''}<span class="visually-hidden"> of ${pass.guest.name}</span></summary>
    <label for="pass-link-${pass.id}">Guest page</label>
    <input id="pass-link-${pass.id}" type="text" readonly value="${pass.linkUrl}">
    ${pass.pin ? html`<p>Keypad PIN: <strong>${pass.pin}</strong></p>` : ''}
  </details>
  <a class="button secondary" href="${sectionPath}/passes/${pass.id}/revoke" aria-label="Revoke ${pass.guest.name}'s pass">Revoke</a>` : ''}</td>
</tr>`)}
</tbody></table>`}
</section>`;
}

function unitLinks(viewer: Viewer, account: GuestAccount, links: UnitLink[], doors: Doors): Html {
  const flash = refusalOf(viewer.flash, 'link');
  return html`
<section aria-labelledby="links-heading">
<h2 id="links-heading">Unit links</h2>
<p class="muted">A link your visitors open to register themselves; you approve each visit unless you let the link approve it.</p>
${links.length === 0 ? '' : html`<ul class="access-list unit-links">
${links.map((link) => html`<li>
  <strong>${link.label}</strong> <span class="muted">${link.active ? 'active' : 'deactivated'} · ${link.autoApprove ? 'approves at once' : 'you approve'} · up to ${link.maxHours} h · ${doorNames(link.doorIds, doors)}</span>
  <label for="link-url-${link.id}">Address to share</label>
  <input id="link-url-${link.id}" type="text" readonly value="${link.url}">
  <div class="row-actions">
    <form method="post" action="${sectionPath}/links/${link.id}/active" class="inline"><input type="hidden" name="_csrf" value="${viewer.csrf}"><input type="hidden" name="active" value="${link.active ? '0' : '1'}"><button type="submit" class="secondary">${link.active ? html`Deactivate <span class="visually-hidden">${link.label}</span>` : html`Activate <span class="visually-hidden">${link.label}</span>`}</button></form>
  </div>
</li>`)}
</ul>`}
<details class="change"${flash ? ' open' : ''}><summary>Create a unit link</summary>
<form method="post" action="${sectionPath}/links" class="window unit-link">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <input type="hidden" name="account_id" value="${account.id}">
  <label for="link-label">Label</label>
  <input id="link-label" name="label" type="text" required maxlength="100" placeholder="Unit 4B" value="${typed(flash, 'label')}"${invalidMark(flash, 'link.label')}>
  ${doorChoices('link', doors, (_id, index) => index === 0)}
  <label for="link-hours">Longest visit, hours</label>
  <input id="link-hours" name="max_hours" type="number" min="1" max="${maxMaxHours}" required value="${typed(flash, 'max_hours', String(defaultMaxHours))}"${invalidMark(flash, 'link.max_hours')}>
  <label class="day"><input type="checkbox" name="auto_approve" value="yes" id="link-auto"> Approve visits at once</label>
  <button type="submit">Create link</button>
</form>
</details>
</section>`;
}
