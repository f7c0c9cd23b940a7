// Vehicles at the gates (Admins, on the Account page): the members' vehicles
// as the plate readers see them (phase2.md B.2), the Admin's exclusions with
// their reasons, and the vehicle cap. The rules and their refusals are the
// domain's (lpr-vehicles.ts, lpr-exclusions.ts, lpr-cap.ts); this file says
// them in words and answers each form with a redirect back to the Account page.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { setVehicleCap } from '../../access/lpr-cap.ts';
import { excludePlate, maxReasonLength, readmitPlate } from '../../access/lpr-exclusions.ts';
import { listAccountVehicles, type AccountVehicle } from '../../access/lpr-vehicles.ts';
import { maxVehicles } from '../../access/vehicles.ts';
import type { Database } from '../../store/database.ts';
import { exclusionsOf, vehicleCapOf } from '../../store/repositories/lpr.ts';
import { adminPoster, typed } from './admin-account.ts';
import { attempt, invalidMark } from '../form-outcome.ts';
import { adminPath } from '../app-layout.ts';
import { redirectWith, type Flash } from '../flash.ts';
import { formBody, pathParam } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';

const params = pathParam('id', 100);

export interface GateVehicles {
  vehicles: AccountVehicle[];
  cap: number | null;
  /** Why each excluded plate is, by plate. */
  reasons: Map<string, string>;
}

/** Each member's vehicles together, in the order they were added (the order the cap counts in). */
export async function gateVehicles(db: Kysely<Database>, adminId: string, accountId: string): Promise<GateVehicles> {
  const [{ items }, cap, exclusions] = await Promise.all([listAccountVehicles(db, adminId, accountId, { all: true }), vehicleCapOf(db, accountId), exclusionsOf(db, accountId)]);
  const byMember = items.reverse().sort((a, b) => memberName(a).localeCompare(memberName(b)) || (a.person.id < b.person.id ? -1 : a.person.id > b.person.id ? 1 : 0));
  return { vehicles: byMember, cap, reasons: new Map(exclusions.map((row) => [row.plate_key, row.reason])) };
}

const memberName = (vehicle: AccountVehicle) => `${vehicle.person.firstName} ${vehicle.person.lastName}`.trim() || vehicle.person.email;

const admissionWords = { excluded: 'excluded', over_cap: 'over the cap' } as const;

export function gateVehiclesSection(base: string, { vehicles, cap, reasons }: GateVehicles, csrf: string, flash: Flash | undefined): Html {
  const capRefused = flash?.values?._form === 'cap' ? flash : undefined;
  const capValue = typed(capRefused, 'cap', 'cap', cap === null ? '' : String(cap));
  return html`
<h2 id="gate-vehicles">Vehicles at the gates</h2>
<p class="muted">The plate readers open for these vehicles of the account's members. An excluded plate is not let in as a member's vehicle (a guest pass or a booking for it still counts); with a cap, each member's first vehicles in the order they were added are let in.</p>
${vehicles.length === 0 ? html`<p class="muted">No member has added a vehicle yet.</p>` : html`
<div class="table-wrap"><table class="list stacked gate-vehicles">
<caption class="visually-hidden">Members' vehicles and whether the readers let them in</caption>
<thead><tr><th scope="col">Plate</th><th scope="col">Region</th><th scope="col">Member</th><th scope="col">At the gates</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${vehicles.map((vehicle) => vehicleRow(base, vehicle, reasons.get(vehicle.plate), csrf, flash))}</tbody>
</table></div>`}
<form method="post" action="${base}/vehicle-cap" class="vehicle-cap">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="vehicle-cap">Vehicles let in per member</label>
  <select id="vehicle-cap" name="cap" aria-describedby="vehicle-cap-hint"${invalidMark(capRefused, 'cap')}>
    <option value=""${capValue === '' ? html` selected` : ''}>No cap: every vehicle</option>
    ${Array.from({ length: maxVehicles }, (_, i) => String(i + 1)).map((n) => html`<option value="${n}"${capValue === n ? html` selected` : ''}>${n}</option>`)}
  </select>
  <p class="muted" id="vehicle-cap-hint">A member's vehicles past the cap are shown as "over the cap" and refused at the readers.</p>
  <button type="submit" class="secondary">Save vehicle cap</button>
</form>`;
}

function vehicleRow(base: string, vehicle: AccountVehicle, reason: string | undefined, csrf: string, flash: Flash | undefined): Html {
  const form = `exclude-${vehicle.vehicleId}`;
  const refused = flash?.values?._form === form ? flash : undefined;
  const status = vehicle.reason === null ? 'admitted' : admissionWords[vehicle.reason];
  return html`<tr>
  <th scope="row">${vehicle.plate}</th>
  <td data-label="Region">${vehicle.region ?? 'not known'}</td>
  <td data-label="Member">${memberName(vehicle)}</td>
  <td data-label="At the gates"><span class="badge outcome-${vehicle.admitted ? 'done' : 'refused'}">${status}</span>${vehicle.reason === 'excluded' && reason ? html` <span class="muted">${reason}</span>` : ''}</td>
  <td>${vehicle.reason === 'excluded' ? html`
    <form method="post" action="${base}/exclusions/readmit" class="inline">
      <input type="hidden" name="_csrf" value="${csrf}">
      <input type="hidden" name="plate" value="${vehicle.plate}">
      <button type="submit" class="secondary">Readmit<span class="visually-hidden"> ${vehicle.plate}</span></button>
    </form>` : html`
    <details class="change"${refused ? html` open` : ''}><summary>Exclude<span class="visually-hidden"> ${vehicle.plate}</span></summary>
    <form method="post" action="${base}/exclusions">
      <input type="hidden" name="_csrf" value="${csrf}">
      <input type="hidden" name="plate" value="${vehicle.plate}">
      <input type="hidden" name="form" value="${form}">
      <label for="${form}">Why ${vehicle.plate} is excluded</label>
      <input id="${form}" name="reason" type="text" required maxlength="${maxReasonLength}" autocomplete="off" value="${typed(refused, form, 'reason')}"${invalidMark(refused, 'reason')}>
      <button type="submit" class="danger">Exclude ${vehicle.plate}</button>
    </form></details>`}</td>
</tr>`;
}

/**
 * A plate no longer a member's, or no longer excluded, is said on the page:
 * it was older than the list (another tab, another Admin). The account itself
 * was checked before, so a not-found here is about the plate alone.
 */
const plateRefusals = ['invalid', 'not_found'] as const;

export async function gateVehicleForms(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const back = (reply: FastifyReply, accountId: string, flash: Flash) =>
    redirectWith(reply, `${adminPath(accountId, 'account')}${flash.error ? '#flash' : ''}`, flash, deps.secureCookies);

  app.post<{ Params: { id: string }; Body: { plate: string; reason?: string; form?: string } }>('/accounts/:id/settings/exclusions', {
    schema: { hide: true, params, body: formBody({ plate: 40, reason: 1000, form: 100 }, ['plate']) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const { plate, reason = '', form = '' } = request.body;
    const excluded = await attempt(() => excludePlate(deps.db, deps.clock, { accountId: admin.accountId, actorId: admin.personId, plate, reason }),
      { codes: plateRefusals, field: 'reason', values: { _form: form, reason } });
    return back(reply, admin.accountId, excluded.refused ?? { info: `${excluded.value.plate} is excluded: the readers no longer let it in as a member's vehicle.` });
  });

  app.post<{ Params: { id: string }; Body: { plate: string } }>('/accounts/:id/settings/exclusions/readmit', {
    schema: { hide: true, params, body: formBody({ plate: 40 }, ['plate']) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const readmitted = await attempt(() => readmitPlate(deps.db, deps.clock, { accountId: admin.accountId, actorId: admin.personId, plate: request.body.plate }), { codes: plateRefusals });
    return back(reply, admin.accountId, readmitted.refused ?? { info: `${readmitted.value.plate} is readmitted.` });
  });

  app.post<{ Params: { id: string }; Body: { cap?: string } }>('/accounts/:id/settings/vehicle-cap', {
    schema: { hide: true, params, body: formBody({ cap: 10 }) }, preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const value = request.body?.cap ?? '';
    // Whatever is not a whole number reaches the rule as NaN and is refused there.
    const set = await attempt(() => setVehicleCap(deps.db, admin.accountId, value === '' ? null : /^\d+$/.test(value) ? Number(value) : Number.NaN),
      { field: 'cap', values: { _form: 'cap', cap: value } });
    if (set.refused) return back(reply, admin.accountId, set.refused);
    return back(reply, admin.accountId, { info: value === '' ? 'No vehicle cap: every member vehicle is let in.' : `Vehicle cap saved: ${value} vehicle${value === '1' ? '' : 's'} per member.` });
  });
}
