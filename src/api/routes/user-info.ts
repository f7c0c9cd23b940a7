import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../index.ts';
import { personProfile } from '../../access/people.ts';
import { bearerSecurity, errorEnvelope, successEnvelope, Vehicle } from '../schemas.ts';
import { unixNow } from '../format.ts';
import { listVehicles } from '../../access/people.ts';

const UserInfo = Type.Object({
  id: Type.String({ description: 'The person\'s id, a dashed lowercase UUID' }),
  first_name: Type.String(),
  last_name: Type.String(),
  email_address: Type.Optional(Type.String({ description: 'Extension: with the `profile` scope' })),
  phone: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Extension: with the `profile` scope' })),
  vehicles: Type.Optional(Type.Array(Vehicle, { description: 'Extension: with the `profile` scope' })),
});

export async function userInfoRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/user-info', {
    schema: {
      tags: ['People'],
      summary: 'Get user info',
      description: 'The person who authorized the token. With the `profile` scope also their email address, phone and vehicles.',
      security: bearerSecurity,
      response: {
        200: successEnvelope(UserInfo),
        401: errorEnvelope,
      },
    },
  }, async (request) => {
    const principal = request.principal!;
    const person = await personProfile(deps.db, principal.personId);
    const profile = principal.scopes.has('profile')
      ? { email_address: person.email, phone: person.phone, vehicles: await listVehicles(deps.db, person.id) }
      : {};
    return {
      success: true as const,
      timestamp: unixNow(),
      data: { id: person.id, first_name: person.firstName, last_name: person.lastName, ...profile },
    };
  });
}
