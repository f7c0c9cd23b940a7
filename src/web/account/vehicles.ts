// Vehicles (/account/vehicles): the person's vehicles, whose plates open their
// doors at a licence plate reader; add one, remove one after a confirmation.
import type { FastifyInstance } from 'fastify';
import { DomainError, type ErrorCode } from '../../access/errors.ts';
import { parseId } from '../../access/ids.ts';
import { addVehicle, maxDetailLength, personVehicles, removeVehicle, type Vehicle, type VehicleInput } from '../../access/vehicles.ts';
import { redirectWith, type Flash } from '../flash.ts';
import { attempt } from '../form-outcome.ts';
import { formBody, pathParam } from '../form-schemas.ts';
import { confirmForm } from '../confirm-form.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson } from '../signed-in.ts';

const vehicleFields = { plate: 100, region: 100, make: 100, model: 100, color: 100 };
const idParams = pathParam('id', 100);
// A plate already there, or one too many, is said beside the form like any refusal (the API answers 409).
const inlineRefusals: readonly ErrorCode[] = ['invalid', 'duplicate', 'limit_reached'];

export async function vehiclePages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get('/account/vehicles', { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const vehicles = await personVehicles(deps.db, viewer.personId);
    return sendAppPage(deps, reply, viewer, { title: 'Vehicles', section: 'vehicles' }, vehiclesSection(vehicles, viewer.csrf, viewer.flash));
  });

  app.post<{ Body: VehicleInput | undefined }>('/account/vehicles', {
    schema: { hide: true, body: formBody(vehicleFields) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const body = request.body ?? {};
    const values = Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => entry[0] in vehicleFields && typeof entry[1] === 'string'));
    const added = await attempt(() => addVehicle(deps.db, personId, body, new Date(deps.clock.now())), { codes: inlineRefusals, field: 'vehicle', values });
    if (added.refused) return redirectWith(reply, '/account/vehicles#flash', added.refused, deps.secureCookies);
    return redirectWith(reply, '/account/vehicles', { info: `Vehicle ${added.value.plate} added.` }, deps.secureCookies);
  });

  // Someone else's vehicle, or one already gone, is the error page's 404.
  app.get<{ Params: { id: string } }>('/account/vehicles/:id/remove', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const id = parseId(request.params.id);
    const vehicle = (await personVehicles(deps.db, viewer.personId)).find((item) => item.id === id);
    if (!vehicle) throw new DomainError('not_found', 'No such vehicle.');
    return sendAppPage(deps, reply, viewer, { title: `Remove ${vehicle.plate}?`, section: 'vehicles' }, html`
<h1>Remove ${vehicle.plate}?</h1>
<p>Licence plate readers at your doors will no longer open them for ${vehicle.plate}.</p>
${confirmForm(`/account/vehicles/${vehicle.id}/remove`, viewer.csrf, `Remove ${vehicle.plate}`, '/account/vehicles')}`);
  });

  app.post<{ Params: { id: string } }>('/account/vehicles/:id/remove', {
    schema: { hide: true, params: idParams },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const vehicle = await removeVehicle(deps.db, personId, request.params.id, new Date(deps.clock.now()));
    return redirectWith(reply, '/account/vehicles', { info: `Vehicle ${vehicle.plate} removed.` }, deps.secureCookies);
  });
}

function vehiclesSection(vehicles: Vehicle[], csrf: string, flash: Flash | undefined): Html {
  const refused = flash?.field === 'vehicle' ? flash : undefined;
  const typed = refused?.values ?? {};
  const detail = (field: keyof typeof maxDetailLength, label: string, hint: string) => html`
  <label for="vehicle-${field}">${label} <span class="muted">(optional)</span></label>
  <input id="vehicle-${field}" name="${field}" type="text" maxlength="${maxDetailLength[field]}" autocomplete="off" placeholder="${hint}" value="${typed[field] ?? ''}">`;
  return html`
<h1>Vehicles</h1>
<p class="muted">A licence plate reader at your doors opens them for these plates.</p>
${vehicles.length === 0 ? html`<p class="muted">No vehicles yet.</p>` : html`<table class="list"><caption class="visually-hidden">Your vehicles</caption>
<thead><tr><th scope="col">Plate</th><th scope="col">Details</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${vehicles.map((vehicle) => html`<tr>
  <td><strong>${vehicle.plate}</strong>${vehicle.region ? html` <span class="muted">${vehicle.region.toUpperCase()}</span>` : ''}</td>
  <td><span class="muted">${[vehicle.make, vehicle.model, vehicle.color].filter((part) => part !== '').join(' · ') || 'No details'}</span></td>
  <td><a class="button secondary" href="/account/vehicles/${vehicle.id}/remove" aria-label="Remove ${vehicle.plate}">Remove</a></td>
</tr>`)}
</tbody></table>`}
<h2>Add a vehicle</h2>
<form method="post" action="/account/vehicles" class="vehicle">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="vehicle-plate">Licence plate</label>
  <input id="vehicle-plate" name="plate" type="text" required maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="vehicle-plate-hint${refused ? ' flash' : ''}"${refused ? html` aria-invalid="true"` : ''} value="${typed.plate ?? ''}">
  <p class="muted" id="vehicle-plate-hint">2 to 10 letters and digits, as on the plate; spaces and hyphens are left out.</p>
  ${detail('region', 'Region', 'us-ny')}
  ${detail('make', 'Make', 'Tesla')}
  ${detail('model', 'Model', 'Model 3')}
  ${detail('color', 'Color', 'white')}
  <button type="submit">Add vehicle</button>
</form>`;
}
