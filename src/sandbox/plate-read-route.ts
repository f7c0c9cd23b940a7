// POST /_sandbox/plate-read: a sandbox controller's camera reads a plate. The
// running simulated controller publishes the read (a second MQTT client with
// the controller's id would knock it off the broker), so it travels the way a
// real one does. Registered only in development with the simulator; anywhere
// else the path is unknown (404).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../access/errors.ts';
import { parseId } from '../access/ids.ts';
import type { SimulatedController } from '../devices/simulator/controller.ts';
import { unixNow } from '../api/format.ts';

export const sandboxPlateReadPath = '/_sandbox/plate-read';

const Confidence = Type.Number({ minimum: 0, maximum: 1 });
const Body = Type.Object({
  device_id: Type.String({ maxLength: 64 }),
  entity_number: Type.Integer({ minimum: 1, maximum: 100 }),
  plate: Type.String({ maxLength: 16 }),
  region: Type.Optional(Type.String({ maxLength: 16 })),
  confidence: Type.Optional(Confidence),
  candidates: Type.Optional(Type.Array(Type.Object({ plate: Type.String({ maxLength: 16 }), confidence: Confidence }, { additionalProperties: false }), { maxItems: 5 })),
  read_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
}, { additionalProperties: false });

export async function sandboxPlateReadRoute(app: FastifyInstance, deps: { controllers: readonly SimulatedController[] }): Promise<void> {
  app.post<{ Body: Static<typeof Body> }>(sandboxPlateReadPath, { schema: { hide: true, body: Body } }, async (request, reply) => {
    const { device_id: deviceId, entity_number: entityNumber, plate, ...read } = request.body;
    const id = parseId(deviceId);
    const controller = deps.controllers.find((candidate) => candidate.deviceId === id);
    if (!controller?.connected) throw new DomainError('not_found', 'No simulated controller with that device_id is running.');
    await controller.readPlate(entityNumber, plate, read);
    return reply.code(202).send({ success: true, timestamp: unixNow(), data: { device_id: deviceId, entity_number: entityNumber, plate } });
  });
}
