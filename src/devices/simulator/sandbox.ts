// The sandbox's controllers, run in the simulator so its doors really move.
import { sandboxDevices, sandboxDoors } from '../../sandbox/seed.ts';
import { SimulatedController } from './controller.ts';

export async function startSandboxControllers(brokerUrl: string, travelMs: number): Promise<SimulatedController[]> {
  const controllers = (['a', 'b', 'neighbor'] as const).map((key) => new SimulatedController({
    url: brokerUrl,
    deviceId: sandboxDevices[key].id,
    secret: sandboxDevices[key].secret,
    travelMs,
    doors: Object.values(sandboxDoors).filter((door) => door.device === key).map((door) => ({
      entityNumber: door.entity_number,
      kind: door.kind,
      sensor: door.sensor === 1,
      ...(door.auto_close_delay > 0 ? { autoCloseDelayMs: door.auto_close_delay * 1000 } : {}),
    })),
  }));
  await Promise.all(controllers.map((controller) => controller.start()));
  return controllers;
}
