// A.8 "Create an account" (/accounts/new): a name and a time zone (the
// creator's by default); the creator becomes its Admin.
import type { FastifyInstance } from 'fastify';
import { createAccount } from '../../access/create-account.ts';
import { personTimeZone } from '../../access/settings.ts';
import { adminPath } from '../app-layout.ts';
import { redirectWith } from '../flash.ts';
import { attempt, invalidMark, typed } from '../form-outcome.ts';
import { formBody } from '../form-schemas.ts';
import { html } from '../html.ts';
import { commonTimeZones } from '../settings-form.ts';
import { pageViewer, sendAppPage, signedInPerson } from '../signed-in.ts';
import type { WebDeps } from '../index.ts';

export const newAccountPath = '/accounts/new';

export async function newAccountPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get(newAccountPath, { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const zone = await personTimeZone(deps.db, viewer.personId);
    const flash = viewer.flash;
    return sendAppPage(deps, reply, viewer, { title: 'Create an account', section: 'settings' }, html`
<h1>Create an account</h1>
<p>An account holds your controllers and doors, and the people you let in. You become its Admin; you can add controllers and invite people once it exists.</p>
<form method="post" action="${newAccountPath}">
  <input type="hidden" name="_csrf" value="${viewer.csrf}">
  <label for="account-name">Name</label>
  <input id="account-name" name="name" type="text" required maxlength="100" autocomplete="organization" aria-describedby="account-name-help" value="${typed(flash, 'name')}"${invalidMark(flash, 'name')}>
  <p class="muted" id="account-name-help">For example the building or the family: "Maple Street 12".</p>
  <label for="account-zone">Time zone</label>
  <input id="account-zone" name="time_zone" type="text" list="account-zones" required maxlength="100" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="account-zone-help" value="${typed(flash, 'time_zone', zone)}"${invalidMark(flash, 'time_zone')}>
  <datalist id="account-zones">${commonTimeZones.map((name) => html`<option value="${name}">`)}</datalist>
  <p class="muted" id="account-zone-help">Everyone's access hours at this account are read in this zone. Yours is filled in.</p>
  <button type="submit">Create account</button>
</form>`);
  });

  app.post<{ Body: { name?: string; time_zone?: string } | undefined }>(newAccountPath, {
    schema: { hide: true, body: formBody({ name: 200, time_zone: 100 }) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const name = request.body?.name ?? '';
    const timeZone = request.body?.time_zone ?? '';
    const outcome = await attempt(() => createAccount(deps.db, personId, { name, timeZone }, Math.floor(deps.clock.now() / 1000)), { values: { name, time_zone: timeZone } });
    if (outcome.refused) return redirectWith(reply, newAccountPath, outcome.refused, deps.secureCookies);
    return redirectWith(reply, adminPath(outcome.value.accountId, 'account'), { info: `${name.trim()} was created. You are its Admin.` }, deps.secureCookies);
  });
}
