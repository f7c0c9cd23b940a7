// What the account's plate readers admit (phase2.md B.2), for its Admin with
// the `lpr` scope: each member vehicle, admitted or why not.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { compactId } from '../../access/ids.ts';
import { listAccountVehicles, type AccountVehicle } from '../../access/lpr-vehicles.ts';
import { scopedAccount } from '../auth.ts';
import type { ApiDeps } from '../index.ts';
import { listOf, listPage, listQueryFields } from '../lists.ts';
import { accountIdField, bearerSecurity, codedErrors } from '../schemas.ts';

const AccountVehicleData = Type.Object({
  vehicle_id: Type.String({ description: 'The vehicle, 32 lowercase hex' }),
  person: Type.Object({ id: Type.String({ description: 'The member holding it, a dashed UUID' }), first_name: Type.String(), last_name: Type.String(), email: Type.String() }),
  plate: Type.String({ description: 'The plate key' }),
  region: Type.Union([Type.String(), Type.Null()], { description: 'Lower-case region code; null when not known' }),
  admitted: Type.Boolean({ description: 'The readers admit it as a member vehicle' }),
  reason: Type.Union([Type.Literal('excluded'), Type.Literal('over_cap'), Type.Null()], { description: 'Why not: the Admin excluded the plate, or the member has more vehicles than the cap (lpr_vehicle_cap) before it; null when admitted' }),
});
const Query = Type.Object({ account_id: Type.Optional(accountIdField), ...listQueryFields }, { additionalProperties: false });

function present(vehicle: AccountVehicle) {
  return {
    vehicle_id: compactId(vehicle.vehicleId),
    person: { id: vehicle.person.id, first_name: vehicle.person.firstName, last_name: vehicle.person.lastName, email: vehicle.person.email },
    plate: vehicle.plate, region: vehicle.region, admitted: vehicle.admitted, reason: vehicle.reason,
  };
}

const vehicleList = listOf('vehicles', AccountVehicleData, present, {
  filename: 'lpr-vehicles.csv',
  header: ['vehicle_id', 'person_id', 'first_name', 'last_name', 'email', 'plate', 'region', 'admitted', 'reason'],
  row: (v) => [v.vehicle_id, v.person.id, v.person.first_name, v.person.last_name, v.person.email, v.plate, v.region, v.admitted, v.reason],
});

export async function lprVehiclesRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/lpr/vehicles', {
    config: { domainCodes: true },
    schema: {
      tags: ['LPR'], summary: 'List what the plate readers admit',
      description: 'The `lpr` scope; the account\'s Admin only (another member 403, anyone else 404). Every member vehicle, newest first, with whether the account\'s readers admit it: the cap counts each member\'s vehicles in adding order, excluded plates skipped.',
      security: bearerSecurity, querystring: Query,
      response: { 200: vehicleList.response, ...codedErrors },
    },
  }, async (request, reply) => {
    const { query } = request;
    const accountId = await scopedAccount(deps.db, request, query.account_id, 'lpr');
    const page = await listAccountVehicles(deps.db, request.principal!.personId, accountId, listPage(query));
    return vehicleList.send(reply, query, page);
  });
}
