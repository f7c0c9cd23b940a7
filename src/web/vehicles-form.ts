// The Vehicles section of the account page: the person's vehicles, each with
// a Remove button, and a form to add one. No JavaScript: a refused form comes
// back with its message and what was typed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { DomainError } from '../access/errors.ts';
import { addVehicle, maxDetailLength, removeVehicle, type Vehicle, type VehicleInput } from '../access/vehicles.ts';
import type { Database } from '../store/database.ts';
import { html, type Html } from './html.ts';
import { formBody, pathParam } from './form-schemas.ts';

/** A refused add form: the message, and the fields as sent. */
export interface VehicleRefusal {
  error: string;
  body: VehicleInput;
}

const vehicleFormSchema = formBody({ plate: 100, region: 100, make: 100, model: 100, color: 100 });

export function vehiclesSection(vehicles: Vehicle[], csrf: string, refusal?: VehicleRefusal): Html {
  const typed = refusal?.body ?? {};
  const detail = (field: keyof typeof maxDetailLength, label: string, hint: string) => html`
  <label for="vehicle-${field}">${label} <span class="muted">(optional)</span></label>
  <input id="vehicle-${field}" name="${field}" type="text" maxlength="${maxDetailLength[field]}" autocomplete="off" placeholder="${hint}" value="${typed[field] ?? ''}">`;
  return html`
<h2 id="vehicles">Vehicles</h2>
<p class="muted">A licence plate reader at your doors opens them for these plates.</p>
${vehicles.length === 0 ? html`<p class="muted">No vehicles yet.</p>` : html`<table class="list"><tbody>
${vehicles.map((vehicle) => html`<tr>
  <td><strong>${vehicle.plate}</strong>${vehicle.region ? html` <span class="muted">${vehicle.region}</span>` : ''}<br>
    <span class="muted">${[vehicle.make, vehicle.model, vehicle.color].filter((part) => part !== '').join(' · ') || 'No details'}</span></td>
  <td><form method="post" action="/account/vehicles/${vehicle.id}/remove" class="inline">
    <input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary" aria-label="Remove ${vehicle.plate}">Remove</button></form></td>
</tr>`)}
</tbody></table>`}
<h3>Add a vehicle</h3>
${refusal ? html`<p class="error" role="alert">${refusal.error}</p>` : ''}
<form method="post" action="/account/vehicles" class="vehicle">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="vehicle-plate">Licence plate</label>
  <input id="vehicle-plate" name="plate" type="text" required maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="vehicle-plate-hint" value="${typed.plate ?? ''}">
  <p class="muted" id="vehicle-plate-hint">2 to 10 letters and digits, as on the plate; spaces and hyphens are left out.</p>
  ${detail('region', 'Region', 'US-NY')}
  ${detail('make', 'Make', 'Tesla')}
  ${detail('model', 'Model', 'Model 3')}
  ${detail('color', 'Color', 'white')}
  <button type="submit">Add vehicle</button>
</form>`;
}

export interface VehicleRouteDeps {
  db: Kysely<Database>;
  signedIn(request: FastifyRequest, reply: FastifyReply): Promise<string | undefined>;
  /** Shows the account page again with the add form refused. */
  renderWith(request: FastifyRequest, reply: FastifyReply, personId: string, notice: { vehicle: VehicleRefusal }): Promise<unknown>;
}

export function vehicleRoutes(app: FastifyInstance, deps: VehicleRouteDeps): void {
  app.post<{ Body: VehicleInput | undefined }>('/account/vehicles', {
    schema: { hide: true, body: vehicleFormSchema },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await deps.signedIn(request, reply);
    if (!personId) return reply;
    const body = request.body ?? {};
    try {
      await addVehicle(deps.db, personId, body, new Date(app.clock.now()));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid') return deps.renderWith(request, reply.code(400), personId, { vehicle: { error: error.message, body } });
      throw error;
    }
    return reply.redirect('/account?saved=vehicle', 303);
  });

  // Someone else's vehicle, or one already gone, is the error page's 404.
  app.post<{ Params: { id: string } }>('/account/vehicles/:id/remove', {
    schema: { hide: true, params: pathParam('id', 100) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await deps.signedIn(request, reply);
    if (!personId) return reply;
    await removeVehicle(deps.db, personId, request.params.id, new Date(app.clock.now()));
    return reply.redirect('/account?saved=vehicle-removed', 303);
  });
}
