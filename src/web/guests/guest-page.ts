// The guest page of a pass, /g/{token} (phase2.md D.2): no login and no
// JavaScript. The token in the path is the credential, so the page and its
// answers stay out of referrers, caches and search engines, and the Open form
// carries no CSRF token: a site able to post it already knows the token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../access/errors.ts';
import { compactId } from '../../access/ids.ts';
import { guestPageDoors, openAsGuest, passOfToken, passRefusal } from '../../access/guests/use.ts';
import { passStatus } from '../../access/guests/status.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { personProfile } from '../../access/people.ts';
import { statusOn } from '../../errors/answers.ts';
import { unixNow } from '../../api/format.ts';
import { guestPolicy, type GuestPassRow } from '../../store/repositories/guest-passes.ts';
import { redirectWith, takeFlash } from '../flash.ts';
import { flashMessage } from '../form-outcome.ts';
import { pathParam } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import { layout } from '../layout.ts';
import { sendPage, type WebDeps } from '../index.ts';
import { privateHeaders } from './private-headers.ts';

const tokenParams = pathParam('token', 200);

function send(deps: WebDeps, reply: FastifyReply, status: number, title: string, body: Html) {
  return sendPage(reply.code(status), layout({ title, sandbox: deps.sandbox }, body));
}

const endedText: Record<string, string> = {
  revoked: 'This guest pass was revoked: it no longer opens anything.',
  declined: 'This guest pass was declined.',
  expired: 'This guest pass has ended.',
  used: 'This guest pass was used and has ended.',
};

export async function guestPassPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Params: { token: string } }>('/g/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    privateHeaders(reply);
    const row = await passOfToken(deps.db, request.params.token);
    if (!row) return send(deps, reply, 404, 'Guest pass not found', html`<h1>Guest pass not found</h1>
<p class="error" role="alert">This link is not valid. Check that it was copied whole, or ask the person who gave it to you.</p>`);
    const status = passStatus(row, Math.floor(deps.clock.now() / 1000));
    if (endedText[status]) return send(deps, reply, 410, 'Guest pass ended', html`<h1>Guest pass for ${row.guest_name}</h1>
<p class="error" role="alert">${endedText[status]!}</p>`);
    return send(deps, reply, 200, `Guest pass for ${row.guest_name}`, await passPage(deps, request, reply, row, status));
  });

  app.post<{ Params: { token: string }; Body: { door_id?: string } | undefined }>('/g/:token/open', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    privateHeaders(reply);
    const json = String(request.headers['content-type'] ?? '').includes('application/json');
    const back = `/g/${request.params.token}`;
    const row = await passOfToken(deps.db, request.params.token);
    try {
      if (!row) throw new DomainError('not_found', 'No such guest pass.');
      const outcome = await openAsGuest(deps.toggle, row, request.body?.door_id);
      if (!json) return redirectWith(reply, back, { info: `${outcome.doorName} is opening.` }, deps.secureCookies);
      return { success: true, timestamp: unixNow(), message: '200', data: { toggle_id: outcome.toggleId, door_id: compactId(outcome.doorId), door_state: outcome.state } };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
      if (json) return reply.code(statusOn('api', error.code)).send({ errors: [{ message: error.message, code: error.code }] });
      if (!row) return reply.code(404).send('Not found');
      return redirectWith(reply, back, { error: error.message }, deps.secureCookies);
    }
  });
}

async function passPage(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, row: GuestPassRow, status: string): Promise<Html> {
  const flash = takeFlash(request, reply);
  const { time_zone: zone, name: accountName } = await guestPolicy(deps.db, row.account_id);
  const issuer = await personProfile(deps.db, row.issuer_id);
  const doors = await guestPageDoors(deps.db, deps.clock, row);
  const pin = row.pin_sealed ? deps.settings.box.open(row.pin_sealed) : null;
  const token = (request.params as { token: string }).token;
  return html`<h1>Guest pass for ${row.guest_name}</h1>
${flashMessage(flash)}
<p>From ${issuer.firstName}, at ${accountName}.</p>
<p>Valid from ${zonedTime(Number(row.starts_at), zone)} until ${zonedTime(Number(row.ends_at), zone)}${row.kind === 'one_time' ? ' (once: for 15 minutes after the first opening)' : ''}.</p>
${status === 'pending' ? html`<p class="notice" role="status">${issuer.firstName} has not approved this pass yet.</p>` : ''}
${status === 'scheduled' ? html`<p class="notice" role="status">This pass has not started yet.</p>` : ''}
<h2>How to get in</h2>
<ul>
  <li>Press Open below for a door when you are in front of it.</li>
  ${pin ? html`<li>Or type your PIN <strong>${pin}</strong> at the keypad.</li>` : ''}
  ${row.plate ? html`<li>The plate reader lets in ${row.plate}.</li>` : ''}
</ul>
<h2>Doors</h2>
<ul class="doors">
${doors.map((door) => door.decision.allowed
    ? html`<li><form method="post" action="/g/${token}/open"><input type="hidden" name="door_id" value="${compactId(door.id)}"><button type="submit">Open ${door.name}</button></form>
  <span class="muted">${door.decision.until === null ? '' : html`until ${zonedTime(Math.floor(door.decision.until / 1000), zone)}`}</span></li>`
    : html`<li>${door.name}: <span class="muted">${passRefusal(door.name, door.decision.reason)}</span></li>`)}
</ul>`;
}
