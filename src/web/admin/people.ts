// People and access (Admins): the account's members with their role and
// permissions, who may use each door and when (in the account's zone, named),
// invitations, and changes to all of them. Every form answers with a redirect
// back here (flash.ts); removals and cancellations go through a confirmation page.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DateTime } from 'luxon';
import { accountAccess, cancelInvitation, changeAccess, describePendingInvitation, inviteToAccount, removeAccountAccess, resendInvitation, type AccessEntry, type InviteForm } from '../../access/account-access.ts';
import { compactId, parseId } from '../../access/ids.ts';
import { localInput, type LocalWindowForm } from '../../access/local-window.ts';
import { changeMemberPermissions, listMembers, permissionNames, removeMember, type Member } from '../../access/members.ts';
import { weekdays } from '../../access/schedules.ts';
import { personTimeZone } from '../../access/settings.ts';
import { DomainError } from '../../access/errors.ts';
import { permissionLabels } from './accounts.ts';
import { adminPoster, adminViewer, typed } from './admin-account.ts';
import { attempt, invalidMark } from '../form-outcome.ts';
import { adminPath } from '../app-layout.ts';
import type { Flash } from '../flash.ts';
import { redirectWith } from '../flash.ts';
import { formBody } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { sendAppPage } from '../signed-in.ts';

const manyStrings = (maxLength: number, maxItems: number) => ({ anyOf: [{ type: 'string', maxLength }, { type: 'array', items: { type: 'string', maxLength }, maxItems }] });
const windowFields = { starts_at: 40, ends_at: 40, days: manyStrings(3, 7), from: 10, until: 10 };
const inviteBody = formBody({ email_address: 320, door_ids: manyStrings(64, 50), ...windowFields });
const windowBody = formBody(windowFields);
const permissionsBody = formBody({ permissions: manyStrings(20, 3) });
const emptyBody = formBody({});
const params = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((name) => [name, { type: 'string', maxLength: 100 }])), required: names });

const dayNames: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

interface AccountRoute { Params: { id: string } }
interface MemberRoute { Params: { id: string; person: string } }
interface AccessRoute { Params: { id: string; door: string; person: string } }
interface InvitationRoute { Params: { id: string; invitation: string } }

export async function peoplePages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const now = () => Math.floor(deps.clock.now() / 1000);
  const invitations = { db: deps.db, clock: deps.clock, mailer: deps.identity.mailer, publicUrl: deps.identity.publicUrl };
  const peoplePath = (accountId: string) => adminPath(accountId, 'people');
  const done = (reply: FastifyReply, accountId: string, info: string) => redirectWith(reply, peoplePath(accountId), { info }, deps.secureCookies);
  /** A form's work saying what it did; a refusal is said at the top of the People page, with what was typed (never a secret here). */
  const answer = async (reply: FastifyReply, accountId: string, form: string, work: () => Promise<string>, values: Record<string, string> = {}) => {
    const outcome = await attempt(work, { values: { ...values, _form: form } });
    return outcome.refused ? redirectWith(reply, `${peoplePath(accountId)}#flash`, outcome.refused, deps.secureCookies) : done(reply, accountId, outcome.value);
  };

  app.get<AccountRoute>('/accounts/:id/people', { schema: { hide: true, params: params('id') } }, async (request, reply) => {
    const admin = await adminViewer(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const { viewer, accountId } = admin;
    const [members, access, zone] = await Promise.all([
      listMembers(deps.db, viewer.personId, accountId, { limit: 200 }), accountAccess(deps.db, viewer.personId, accountId, now()), personTimeZone(deps.db, viewer.personId),
    ]);
    const base = peoplePath(accountId);
    const { csrf, flash } = viewer;
    return sendAppPage(deps, reply, viewer, { title: `People · ${access.account.name}`, section: 'people', accountId }, html`
<h1>People and access</h1>
<p class="muted">${access.account.name}. Access hours are read in the account's time zone, ${access.account.timeZone}.</p>
<h2 id="members">Members</h2>
<div class="table-wrap"><table class="list members">
<thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Permissions</th><th scope="col">Keypad PIN</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${members.members.map((member) => memberRow(base, member, csrf, flash))}</tbody>
</table></div>
<h2 id="doors">Who can use each door</h2>
${access.doors.length === 0 ? html`<p class="muted">No doors yet: claim a controller on the <a href="${adminPath(accountId, 'controllers')}">Controllers</a> page.</p>` : access.doors.map((door) => html`
<h3>${door.name}</h3>
<ul class="access-list">
  <li>${members.members.filter((member) => member.role === 'admin').map((member) => `${member.firstName} ${member.lastName}`).join(', ')} <span class="muted">(Admin: any time)</span></li>
  ${door.people.map((entry) => accessRow(base, door.id, door.name, entry, access.account.timeZone, csrf, flash))}
</ul>`)}
<h2 id="invite">Invite someone</h2>
${inviteForm(base, access.doors, access.account.timeZone, csrf, flash)}
<h2 id="invitations">Pending invitations</h2>
${access.invitations.length === 0 ? html`<p class="muted">None.</p>` : html`<ul class="access-list">${access.invitations.map((invitation) => html`<li>
  <strong>${invitation.email}</strong>: ${invitation.doorNames.join(', ')}
  ${invitation.lines.length > 0 ? html`<br><span class="muted">${invitation.lines.join('; ')}</span>` : html`<br><span class="muted">Any time</span>`}
  <br><span class="muted">Link valid until ${DateTime.fromSeconds(invitation.expiresAt, { zone }).toFormat('yyyy-MM-dd HH:mm')} ${zone}</span>
  <div class="row-actions">
    <form method="post" action="${base}/invitations/${compactId(invitation.id)}/resend" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">Resend<span class="visually-hidden"> the invitation to ${invitation.email}</span></button></form>
    <a class="button-link" href="${base}/invitations/${compactId(invitation.id)}/cancel">Cancel<span class="visually-hidden"> the invitation to ${invitation.email}</span></a>
  </div>
</li>`)}</ul>`}`);
  });

  app.post<AccountRoute & { Body: InviteForm }>('/accounts/:id/people/invite', { schema: { hide: true, params: params('id'), body: inviteBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const form = request.body ?? {};
    return answer(reply, admin.accountId, 'invite', async () => `Invitation sent to ${(await inviteToAccount(invitations, admin.personId, admin.accountId, form)).email}.`, flatten(form));
  });

  app.post<MemberRoute & { Body: { permissions?: string | string[] } }>('/accounts/:id/people/members/:person/permissions', {
    schema: { hide: true, params: params('id', 'person'), body: permissionsBody }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    return answer(reply, admin.accountId, `member-${request.params.person}`, async () => {
      const member = await changeMemberPermissions(deps, admin.personId, admin.accountId, request.params.person, [request.body?.permissions ?? []].flat());
      return `Permissions of ${member.firstName} ${member.lastName} saved.`;
    });
  });

  app.get<MemberRoute>('/accounts/:id/people/members/:person/remove', { schema: { hide: true, params: params('id', 'person') } }, async (request, reply) => {
    const admin = await adminViewer(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const member = await requireListedMember(deps, admin.viewer.personId, admin.accountId, request.params.person);
    const name = `${member.firstName} ${member.lastName}`;
    return sendAppPage(deps, reply, admin.viewer, { title: `Remove ${name}?`, section: 'people', accountId: admin.accountId }, confirmation({
      heading: `Remove ${name} from the account?`,
      consequences: [`${name} (${member.email}) loses access to every door of the account at once.`, 'Invitations still pending to them for its doors are cancelled.', 'Their keypad PIN stops working at its keypads.', 'Their history stays in the account\'s records.'],
      action: request.url, button: `Remove ${name}`, back: peoplePath(admin.accountId), csrf: admin.viewer.csrf,
    }));
  });

  app.post<MemberRoute>('/accounts/:id/people/members/:person/remove', { schema: { hide: true, params: params('id', 'person'), body: emptyBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const member = await requireListedMember(deps, admin.personId, admin.accountId, request.params.person);
    return answer(reply, admin.accountId, 'members', async () => {
      await removeMember(deps, admin.personId, admin.accountId, request.params.person);
      return `${member.firstName} ${member.lastName} was removed from the account.`;
    });
  });

  app.post<AccessRoute & { Body: LocalWindowForm }>('/accounts/:id/people/access/:door/:person', {
    schema: { hide: true, params: params('id', 'door', 'person'), body: windowBody }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const form = request.body ?? {};
    return answer(reply, admin.accountId, accessForm(request.params.door, request.params.person), async () => {
      await changeAccess(deps, admin.personId, admin.accountId, request.params.door, request.params.person, form);
      return 'Access hours saved.';
    }, flatten(form));
  });

  app.get<AccessRoute>('/accounts/:id/people/access/:door/:person/remove', { schema: { hide: true, params: params('id', 'door', 'person') } }, async (request, reply) => {
    const admin = await adminViewer(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const access = await accountAccess(deps.db, admin.viewer.personId, admin.accountId, now());
    const door = access.doors.find((candidate) => candidate.id === parseId(request.params.door));
    const entry = door?.people.find((candidate) => candidate.personId === parseId(request.params.person));
    if (!door || !entry) throw new DomainError('not_found', 'No such access.');
    return sendAppPage(deps, reply, admin.viewer, { title: `Remove access to ${door.name}?`, section: 'people', accountId: admin.accountId }, confirmation({
      heading: `Remove ${entry.name}'s access to ${door.name}?`,
      consequences: [`${entry.name} (${entry.email}) can no longer open ${door.name}, from now on.`, 'Their other doors stay as they are.'],
      action: request.url, button: 'Remove access', back: peoplePath(admin.accountId), csrf: admin.viewer.csrf,
    }));
  });

  app.post<AccessRoute>('/accounts/:id/people/access/:door/:person/remove', { schema: { hide: true, params: params('id', 'door', 'person'), body: emptyBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    await removeAccountAccess(deps, admin.personId, admin.accountId, request.params.door, request.params.person);
    return done(reply, admin.accountId, 'Access removed.');
  });

  app.post<InvitationRoute>('/accounts/:id/people/invitations/:invitation/resend', { schema: { hide: true, params: params('id', 'invitation'), body: emptyBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const email = await resendInvitation(invitations, admin.personId, admin.accountId, request.params.invitation);
    return done(reply, admin.accountId, `A new link was sent to ${email}; the previous one no longer works.`);
  });

  app.get<InvitationRoute>('/accounts/:id/people/invitations/:invitation/cancel', { schema: { hide: true, params: params('id', 'invitation') } }, async (request, reply) => {
    const admin = await adminViewer(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const invitation = await describePendingInvitation(deps.db, admin.viewer.personId, admin.accountId, request.params.invitation, now());
    return sendAppPage(deps, reply, admin.viewer, { title: 'Cancel the invitation?', section: 'people', accountId: admin.accountId }, confirmation({
      heading: `Cancel the invitation to ${invitation.email}?`,
      consequences: [`The link sent to ${invitation.email} stops working for ${invitation.doorNames.join(', ')}.`],
      action: request.url, button: 'Cancel the invitation', back: peoplePath(admin.accountId), csrf: admin.viewer.csrf, backLabel: 'Keep it',
    }));
  });

  app.post<InvitationRoute>('/accounts/:id/people/invitations/:invitation/cancel', { schema: { hide: true, params: params('id', 'invitation'), body: emptyBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const email = await cancelInvitation(deps, admin.personId, admin.accountId, request.params.invitation);
    return done(reply, admin.accountId, `The invitation to ${email} was cancelled.`);
  });
}

async function requireListedMember(deps: WebDeps, adminId: string, accountId: string, personInput: string): Promise<Member> {
  const personId = parseId(personInput);
  const member = (await listMembers(deps.db, adminId, accountId, { limit: 200 })).members.find((candidate) => candidate.personId === personId);
  // The Admin's own row is never offered for removal: nothing to confirm.
  if (!member || member.role === 'admin') throw new DomainError('not_found', 'No such member.');
  return member;
}

function memberRow(base: string, member: Member, csrf: string, flash: Flash | undefined): Html {
  const name = `${member.firstName} ${member.lastName}`;
  const id = compactId(member.personId);
  const pin = member.pinActive ? 'works here' : 'not set, or held by another member';
  if (member.role === 'admin') {
    return html`<tr><th scope="row">${name}<br><span class="muted">${member.email}</span></th><td data-label="Role">Admin</td><td data-label="Permissions">All</td><td data-label="Keypad PIN">${pin}</td><td></td></tr>`;
  }
  const form = `member-${id}`;
  return html`<tr><th scope="row">${name}<br><span class="muted">${member.email}</span></th><td data-label="Role">User</td>
<td><form method="post" action="${base}/members/${id}/permissions" class="permissions">
  <input type="hidden" name="_csrf" value="${csrf}">
  <fieldset><legend class="visually-hidden">Permissions of ${name}</legend>
  ${permissionNames.map((permission) => html`<label class="check"><input type="checkbox" name="permissions" value="${permission}"${member.permissions.includes(permission) ? html` checked` : ''}${invalidMark(flash?.values?._form === form ? flash : undefined, 'permissions')}> ${permissionLabels[permission]}</label>`)}
  </fieldset>
  <button type="submit" class="secondary">Save<span class="visually-hidden"> permissions of ${name}</span></button>
</form></td>
<td data-label="Keypad PIN">${pin}</td>
<td><a class="button-link" href="${base}/members/${id}/remove">Remove<span class="visually-hidden"> ${name}</span></a></td></tr>`;
}

function accessForm(door: string, person: string): string {
  return `access-${compactId(parseId(door) ?? door)}-${compactId(parseId(person) ?? person)}`;
}

function accessRow(base: string, doorId: string, doorName: string, entry: AccessEntry, timeZone: string, csrf: string, flash: Flash | undefined): Html {
  const form = accessForm(doorId, entry.personId);
  const refused = flash?.values?._form === form ? flash : undefined;
  const path = `${base}/access/${compactId(doorId)}/${compactId(entry.personId)}`;
  const slot = entry.window.weeklyHours?.[0];
  return html`<li>${entry.name} <span class="muted">(${entry.email})</span>: ${entry.lines.length > 0 ? entry.lines.join('; ') : 'any time'}
  <details class="change"${refused ? html` open` : ''}><summary>Change<span class="visually-hidden"> ${entry.name}'s access to ${doorName}</span></summary>
  ${(entry.window.weeklyHours?.length ?? 0) > 1 ? html`<p class="muted">These hours have several weekly periods; saving replaces them with the one below.</p>` : ''}
  ${windowForm(path, form, csrf, refused, timeZone, {
    starts_at: localInput(entry.window.startsAt, timeZone), ends_at: localInput(entry.window.endsAt, timeZone),
    days: slot && slot.days.length < 7 ? slot.days.join(',') : '', from: slot ? slot.start : '', until: slot ? (slot.end === '24:00' ? '00:00' : slot.end) : '',
  }, html`<button type="submit" class="secondary">Save hours</button>`)}
  </details>
  <a class="button-link" href="${path}/remove">Remove access<span class="visually-hidden"> of ${entry.name} to ${doorName}</span></a>
</li>`;
}

/** The window fields, typed in the account's zone; `current` fills them, or what was typed when refused. */
function windowForm(action: string, form: string, csrf: string, flash: Flash | undefined, timeZone: string, current: Record<string, string>, submit: Html, extra: Html | string = ''): Html {
  const value = (name: string) => typed(flash, form, name, current[name] ?? '');
  const days = value('days').split(',');
  return html`<form method="post" action="${action}" class="window">
  <input type="hidden" name="_csrf" value="${csrf}">
  ${extra}
  <div class="pair">
    <div><label for="${form}-starts">Starts <span class="muted">(optional, ${timeZone})</span></label>
    <input id="${form}-starts" name="starts_at" type="datetime-local" value="${value('starts_at')}"${invalidMark(flash, 'starts_at')}></div>
    <div><label for="${form}-ends">Ends <span class="muted">(optional, ${timeZone})</span></label>
    <input id="${form}-ends" name="ends_at" type="datetime-local" value="${value('ends_at')}"${invalidMark(flash, 'ends_at')}></div>
  </div>
  <fieldset class="days"><legend>Days <span class="muted">(none ticked: every day)</span></legend>
    ${weekdays.map((day) => html`<label class="day"><input type="checkbox" name="days" value="${day}"${days.includes(day) ? html` checked` : ''}> ${dayNames[day]}</label>`)}
  </fieldset>
  <div class="pair">
    <div><label for="${form}-from">From <span class="muted">(${timeZone})</span></label>
    <input id="${form}-from" name="from" type="time" value="${value('from')}"${invalidMark(flash, 'hours')}></div>
    <div><label for="${form}-until">Until <span class="muted">(${timeZone}; 00:00 is midnight)</span></label>
    <input id="${form}-until" name="until" type="time" value="${value('until')}"${invalidMark(flash, 'hours')}></div>
  </div>
  ${submit}
</form>`;
}

function inviteForm(base: string, doors: { id: string; name: string }[], timeZone: string, csrf: string, flash: Flash | undefined): Html {
  const refused = flash?.values?._form === 'invite' ? flash : undefined;
  const ticked = typed(refused, 'invite', 'door_ids').split(',');
  const fields = html`<label for="invite-email">Email address</label>
  <input id="invite-email" name="email_address" type="email" required maxlength="254" autocomplete="off" value="${typed(refused, 'invite', 'email_address')}"${invalidMark(refused, 'email_address')}>
  <fieldset class="doors"><legend>Doors</legend>
    ${doors.map((door) => html`<label class="door"><input type="checkbox" name="door_ids" value="${compactId(door.id)}"${ticked.includes(compactId(door.id)) ? html` checked` : ''}${invalidMark(refused, 'door_ids')}> ${door.name}</label>`)}
  </fieldset>
  <p class="muted">Leave the dates empty for access from acceptance on, with no end; leave the hours empty for any time of day.</p>`;
  return windowForm(`${base}/invite`, 'invite', csrf, refused, timeZone, {}, html`<button type="submit">Send invitation</button>`, fields);
}

function confirmation(page: { heading: string; consequences: string[]; action: string; button: string; back: string; csrf: string; backLabel?: string }): Html {
  return html`<h1>${page.heading}</h1>
<ul>${page.consequences.map((line) => html`<li>${line}</li>`)}</ul>
<form method="post" action="${page.action}" class="confirm">
  <input type="hidden" name="_csrf" value="${page.csrf}">
  <button type="submit" class="danger">${page.button}</button>
</form>
<p><a href="${page.back}">${page.backLabel ?? 'Keep them'}, and go back</a></p>`;
}

/** What was typed, as the flash keeps it: lists joined by commas. */
function flatten(form: object): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([name]) => name !== '_csrf').map(([name, value]) => [name, [value].flat().join(',')]));
}

