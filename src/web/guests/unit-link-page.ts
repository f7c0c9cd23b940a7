// The self-registration page of a unit link, /u/{token} (phase2.md D.3): no
// login and no JavaScript. A visitor gives a name, an email, a plate and the
// times of the visit in the account's zone; the pass is issued in the link
// owner's name or waits for the owner. Like the guest page it is kept out of
// referrers, caches and search engines: the path is the credential.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError } from '../../access/errors.ts';
import { localInput } from '../../access/local-window.ts';
import { defaultVisit, registerAtUnitLink, unitLinkOfToken, unitLinkPage, type RegistrationForm } from '../../access/guests/unit-links.ts';
import { redirectWith, takeFlash } from '../flash.ts';
import { flashMessage, invalidMark, typed } from '../form-outcome.ts';
import { formBody, pathParam } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import { pageGuestDeps } from './guests-section.ts';
import { refusedField, timeFields } from './form-fields.ts';
import { privateHeaders } from './private-headers.ts';
import { layout } from '../layout.ts';
import { sendPage, type WebDeps } from '../index.ts';

const tokenParams = pathParam('token', 200);
const registrationBody = formBody({ name: 100, email: 320, plate: 20, starts_at: 20, ends_at: 20 });

function sendLinkPage(deps: WebDeps, reply: FastifyReply, status: number, title: string, body: Html) {
  return sendPage(reply.code(status), layout({ title, sandbox: deps.sandbox }, body));
}

export async function unitLinkPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const pageDeps = pageGuestDeps(deps);

  app.get<{ Params: { token: string } }>('/u/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    privateHeaders(reply);
    const page = await unitLinkPage(pageDeps, request.params.token).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'not_found') return undefined;
      throw error;
    });
    if (!page) return unknownLink(deps, reply);
    if (!page.active) return inactiveLink(deps, reply, page.label);
    const flash = takeFlash(request, reply);
    const visit = defaultVisit(Math.floor(deps.clock.now() / 1000), page.timeZone, page.maxHours);
    const startDefault = localInput(visit.startsAt, page.timeZone);
    const endDefault = localInput(visit.endsAt, page.timeZone);
    return sendLinkPage(deps, reply, 200, `Register a visit: ${page.label}`, html`
<h1>Visit ${page.label}</h1>
${flashMessage(flash)}
<p>${page.ownerFirstName} invites you to register your visit. ${page.autoApprove
  ? 'Your guest pass is emailed to you at once.'
  : html`${page.ownerFirstName} approves it; you get an email either way.`}</p>
<p class="muted">Doors: ${page.doorNames.join(', ')}. At most ${page.maxHours} ${page.maxHours === 1 ? 'hour' : 'hours'}; times are ${page.timeZone} time.</p>
<form method="post" action="/u/${request.params.token}" class="visit">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <label for="visit-name">Your name</label>
  <input id="visit-name" name="name" type="text" required maxlength="100" autocomplete="name" value="${typed(flash, 'name')}"${invalidMark(flash, 'visit.name')}>
  <label for="visit-email">Email address</label>
  <input id="visit-email" name="email" type="email" required maxlength="320" autocomplete="email" value="${typed(flash, 'email')}"${invalidMark(flash, 'visit.email')}>
  <label for="visit-plate">Licence plate <span class="muted">(optional)</span></label>
  <input id="visit-plate" name="plate" type="text" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${typed(flash, 'plate')}"${invalidMark(flash, 'visit.plate')}>
  ${timeFields('visit', ['Arriving', 'Leaving'], flash, [startDefault, endDefault])}
  <button type="submit">Register my visit</button>
</form>`);
  });

  app.post<{ Params: { token: string }; Body: RegistrationForm | undefined }>('/u/:token', {
    schema: { hide: true, params: tokenParams, body: registrationBody },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    privateHeaders(reply);
    const token = request.params.token;
    const link = await unitLinkOfToken(deps.db, token).catch(() => undefined);
    if (!link) return unknownLink(deps, reply);
    if (link.active !== 1) return inactiveLink(deps, reply, link.label);
    const body = request.body ?? {};
    const values = { name: body.name ?? '', email: body.email ?? '', plate: body.plate ?? '', starts_at: body.starts_at ?? '', ends_at: body.ends_at ?? '' };
    try {
      const outcome = await registerAtUnitLink(pageDeps, link, body);
      const info = outcome.status === 'pending'
        ? `Thank you. ${outcome.ownerFirstName} was asked to approve your visit; we will email ${outcome.email} the answer.`
        : `Thank you. Your guest pass is on its way to ${outcome.email}.`;
      return redirectWith(reply, `/u/${token}/done`, { info }, deps.secureCookies);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'rate_limited') {
        reply.header('retry-after', String(error.retryAfter ?? 3600));
        return sendLinkPage(deps, reply, 429, 'Too many registrations', html`
<h1>Too many registrations</h1>
<p class="error" role="alert">${error.message}</p>`);
      }
      if (error.code === 'invalid') return redirectWith(reply, `/u/${token}#flash`, { error: error.message, field: refusedField('visit', error.message), values }, deps.secureCookies);
      // What the visitor cannot fix is said on the form too. The owner's rights and doors are theirs to
      // know (the owner lost the permission or a door): the visitor only learns the link cannot take it.
      if (error.code === 'limit_reached') {
        return redirectWith(reply, `/u/${token}#flash`, { error: `${error.message} Ask the person who gave you this link.`, values }, deps.secureCookies);
      }
      if (error.code === 'forbidden' || error.code === 'not_found') {
        return redirectWith(reply, `/u/${token}#flash`, { error: 'This link cannot take registrations for these doors now. Ask the person who gave it to you.', values }, deps.secureCookies);
      }
      throw error;
    }
  });

  // The outcome on a page of its own, so a reload of it sends nothing again.
  app.get<{ Params: { token: string } }>('/u/:token/done', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    privateHeaders(reply);
    const link = await unitLinkOfToken(deps.db, request.params.token).catch(() => undefined);
    if (!link) return unknownLink(deps, reply);
    const flash = takeFlash(request, reply);
    return sendLinkPage(deps, reply, 200, `Visit ${link.label}`, html`
<h1>Visit ${link.label}</h1>
${flash?.info ? html`<p class="notice" role="status" id="flash">${flash.info}</p>` : html`<p>Your registration was sent.</p>`}
<p><a href="/u/${request.params.token}">Register another visit</a></p>`);
  });
}

function unknownLink(deps: WebDeps, reply: FastifyReply) {
  return sendLinkPage(deps, reply, 404, 'Link not found', html`
<h1>Link not found</h1>
<p class="error" role="alert">This link is not valid. Check that it was copied whole, or ask the person who gave it to you.</p>`);
}

function inactiveLink(deps: WebDeps, reply: FastifyReply, label: string) {
  return sendLinkPage(deps, reply, 410, 'Link not in use', html`
<h1>Visit ${label}</h1>
<p class="error" role="alert">This link is not taking registrations now. Ask the person who gave it to you.</p>`);
}
