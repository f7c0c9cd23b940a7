// Simulated controllers for the sandbox devices, connected to a test server's broker.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import type { App } from '../../src/app.ts';
import mqtt from 'mqtt';
import { topic } from '../../src/devices/protocol.ts';
import { SimulatedController } from '../../src/devices/simulator/controller.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';

export type SandboxDeviceKey = 'a' | 'b' | 'neighbor';

export async function sandboxController(t: TestContext, app: App, key: SandboxDeviceKey, options: { travelMs?: number; deviceProtocol?: '1.0' | '1.1' } = {}): Promise<SimulatedController> {
  const controller = new SimulatedController({
    url: app.brokerUrl,
    ...(options.deviceProtocol ? { deviceProtocol: options.deviceProtocol } : {}),
    deviceId: sandboxDevices[key].id,
    secret: sandboxDevices[key].secret,
    travelMs: options.travelMs ?? 30,
    doors: Object.values(sandboxDoors).filter((door) => door.device === key).map((door) => ({
      entityNumber: door.entity_number,
      kind: door.kind,
      sensor: door.sensor === 1,
      ...(door.auto_close_delay > 0 ? { autoCloseDelayMs: door.auto_close_delay * 1000 } : {}),
    })),
  });
  t.after(async () => {
    await controller.stop();
    if (app.config.devices.mqttUrl) await clearRetained(app.brokerUrl, sandboxDevices[key].id);
  });
  await controller.start();
  await until(async () => (await app.db.selectFrom('devices').select('online').where('id', '=', sandboxDevices[key].id).executeTakeFirst())?.online === 1);
  return controller;
}

/** Polls a condition (the platform handles device messages asynchronously). */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** On a shared external broker, a test's retained state must not reach the next test's platform. */
async function clearRetained(url: string, deviceId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { username: deviceId, password: 'cleanup', reconnectPeriod: 0 });
  for (const channel of ['state', 'status'] as const) await client.publishAsync(topic(deviceId, channel), '', { qos: 1, retain: true });
  await client.endAsync();
}

/** Brokers the device suites run on: always the embedded one; Mosquitto too when MQTT_URL is set. */
export function brokers(): { name: string; env: Record<string, string> }[] {
  const external = process.env.MQTT_URL;
  return [{ name: 'embedded', env: {} }, ...(external ? [{ name: 'mosquitto', env: { MQTT_URL: external } }] : [])];
}
