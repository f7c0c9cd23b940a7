// The person's own vehicles (phase2.md B.1): read with `profile` or
// `vehicles`, written with `vehicles`. The rules are in access/vehicles.ts.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { compactId } from '../../access/ids.ts';
import { addVehicle, maxDetailLength, maxTypedPlateLength, personVehicles, removeVehicle, updateVehicle, type Vehicle } from '../../access/vehicles.ts';
import { requireScope } from '../auth.ts';
import { unixNow } from '../format.ts';
import { idempotencyErrors, idempotencyHeaders, idempotent } from '../idempotency.ts';
import type { ApiDeps } from '../index.ts';
import { bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

export const ApiVehicle = Type.Object({
  id: Type.String({ description: 'The vehicle, 32 lowercase hex' }),
  plate: Type.String({ description: 'The plate as stored: upper-case letters and digits, without spaces or hyphens' }),
  plate_key: Type.String({ description: 'The key plates are matched by (phase2.md section 0); the same as plate' }),
  region: Type.Union([Type.String(), Type.Null()], { description: 'Lower-case ISO 3166-2 (us-ny) or country (gb) code; null when not known' }),
  make: Type.String(),
  model: Type.String(),
  color: Type.String(),
});

const detail = (field: 'make' | 'model' | 'color') => Type.String({ maxLength: maxDetailLength[field], description: `At most ${maxDetailLength[field]} characters; "" for none` });
const fields = {
  plate: Type.String({ maxLength: maxTypedPlateLength, description: 'As typed, at most 20 characters: spaces and hyphens are left out, letters upper-cased; then 2 to 10 of A-Z and 0-9' }),
  region: Type.Union([Type.String({ maxLength: maxDetailLength.region }), Type.Null()], { description: 'A region code such as us-ny or gb (any case); "" or null when not known' }),
  make: detail('make'),
  model: detail('model'),
  color: detail('color'),
};
const NewVehicle = Type.Object({ ...fields, region: Type.Optional(fields.region), make: Type.Optional(fields.make), model: Type.Optional(fields.model), color: Type.Optional(fields.color) }, { additionalProperties: false });
const VehicleChanges = Type.Partial(Type.Object(fields), { additionalProperties: false });
const VehicleParams = Type.Object({ vehicle_id: Type.String({ maxLength: 64, description: 'The vehicle, 32 hex digits or a dashed UUID' }) });

const anotherIsNotFound = 'Another person\'s vehicle is not found (404).';

export function presentVehicle(vehicle: Vehicle) {
  return {
    id: compactId(vehicle.id), plate: vehicle.plate, plate_key: vehicle.plate, region: vehicle.region === '' ? null : vehicle.region,
    make: vehicle.make, model: vehicle.model, color: vehicle.color,
  };
}

export async function vehicleRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const idempotency = idempotent({ db: deps.db, box: deps.settings.box }, { owner: (request) => ({ clientId: request.principal!.clientId, personId: request.principal!.personId }) });
  const now = () => new Date(deps.clock.now());

  app.get('/vehicles', {
    config: { domainCodes: true },
    schema: {
      tags: ['Vehicles'], summary: 'List the person\'s vehicles', description: 'The `profile` or `vehicles` scope. In adding order; at most 10.',
      security: bearerSecurity, response: { 200: successEnvelope(Type.Array(ApiVehicle)), 401: codedErrorEnvelope, 403: codedErrorEnvelope },
    },
  }, async (request) => {
    requireScope(request, 'profile', 'vehicles');
    const vehicles = await personVehicles(deps.db, request.principal!.personId);
    return { success: true as const, timestamp: unixNow(), data: vehicles.map(presentVehicle) };
  });

  app.post<{ Body: Static<typeof NewVehicle> }>('/vehicles', {
    config: { domainCodes: true },
    schema: {
      tags: ['Vehicles'], summary: 'Add a vehicle',
      description: 'The `vehicles` scope. A plate the person already has (by plate key: `PQX-1001` is `pqx 1001`) is 409 `duplicate`; an 11th vehicle 409 `limit_reached`. Announced as vehicle_added.',
      security: bearerSecurity, headers: idempotencyHeaders, body: NewVehicle,
      response: { 201: successEnvelope(ApiVehicle), ...codedErrors, ...idempotencyErrors, 409: codedErrorEnvelope },
    },
    ...idempotency,
  }, async (request, reply) => {
    requireScope(request, 'vehicles');
    const vehicle = await addVehicle(deps.db, request.principal!.personId, request.body, now());
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: presentVehicle(vehicle) });
  });

  app.patch<{ Params: Static<typeof VehicleParams>; Body: Static<typeof VehicleChanges> }>('/vehicles/:vehicle_id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Vehicles'], summary: 'Change a vehicle',
      description: `The \`vehicles\` scope. Only the fields sent change; a plate the person already has on another vehicle is 409 \`duplicate\`. ${anotherIsNotFound}`,
      security: bearerSecurity, params: VehicleParams, body: VehicleChanges,
      response: { 200: successEnvelope(ApiVehicle), ...codedErrors, 409: codedErrorEnvelope },
    },
  }, async (request) => {
    requireScope(request, 'vehicles');
    const vehicle = await updateVehicle(deps.db, request.principal!.personId, request.params.vehicle_id, request.body ?? {});
    return { success: true as const, timestamp: unixNow(), data: presentVehicle(vehicle) };
  });

  app.delete<{ Params: Static<typeof VehicleParams> }>('/vehicles/:vehicle_id', {
    config: { domainCodes: true },
    schema: {
      tags: ['Vehicles'], summary: 'Remove a vehicle', description: `The \`vehicles\` scope. Announced as vehicle_removed. ${anotherIsNotFound}`,
      security: bearerSecurity, params: VehicleParams, response: { 200: successEnvelope(ApiVehicle), ...codedErrors },
    },
  }, async (request) => {
    requireScope(request, 'vehicles');
    const vehicle = await removeVehicle(deps.db, request.principal!.personId, request.params.vehicle_id, now());
    return { success: true as const, timestamp: unixNow(), data: presentVehicle(vehicle) };
  });
}
