// Starts the device side: the embedded broker (or a connection to an external
// one) and the platform's gateway, with the report handlers behind it.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { DomainError } from '../access/errors.ts';
import type { DoorCommands } from '../access/door-commands.ts';
import type { ToggleDeps } from '../access/toggle-door.ts';
import type { Config } from '../config.ts';
import type { Database } from '../store/database.ts';
import { onlineDeviceIds } from '../store/repositories/devices.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { DeviceGateway } from './gateway.ts';
import { limitMessageRate } from './message-rate.ts';
import { announceMisbehaving } from './misbehaving.ts';
import { oncePer } from './once-per.ts';
import { reportHandlers, type KeypadGuesses } from './reports.ts';

export interface DeviceSide {
  /** The domain's way to move doors. */
  toggle: ToggleDeps;
  /** Where controllers connect (the embedded broker, or the external one). */
  brokerUrl: string;
  close(): Promise<void>;
}

export async function startDeviceSide(config: Config['devices'], deps: { db: Kysely<Database>; pinKey: Buffer; keypadGuesses: KeypadGuesses; log: FastifyBaseLogger; development: boolean }): Promise<DeviceSide> {
  const fallbackAllowed = deps.development;
  let gateway: DeviceGateway | undefined;
  const noticeDue = oncePer(60_000);
  const commands: DoorCommands = {
    execute: (command) => (gateway ? gateway.execute(command) : Promise.resolve({ answered: false })),
  };
  const toggle: ToggleDeps = { db: deps.db, commands, deadlineMs: config.toggleDeadlineMs };
  const handlers = limitMessageRate(reportHandlers({
    db: deps.db,
    toggle,
    pinKey: deps.pinKey,
    keypadGuesses: deps.keypadGuesses,
    onError: (error, context) => deps.log.warn({ err: error, ...context }, 'device message not handled'),
    // A misbehaving controller must not flood the log either.
    onNotice: (deviceId, what) => {
      if (noticeDue(`${deviceId} ${what}`)) deps.log.warn({ deviceId }, `controller message: ${what} (told at most once a minute per controller)`);
    },
  }), {
    perSecond: config.controllerMessagesPerSecond,
    onMisbehaving: (deviceId) => {
      announceMisbehaving(deps.db, deviceId, `more than ${config.controllerMessagesPerSecond} messages a second`)
        .catch((error: unknown) => deps.log.warn({ err: error, deviceId }, 'controller_misbehaving not announced'));
    },
  });

  let broker: EmbeddedBroker | undefined;
  let brokerUrl: string;
  if (config.mqttUrl) {
    const url = new URL(config.mqttUrl);
    const username = url.username ? decodeURIComponent(url.username) : undefined;
    const password = url.password ? decodeURIComponent(url.password) : undefined;
    url.username = '';
    url.password = '';
    brokerUrl = url.toString();
    gateway = await DeviceGateway.connect({ url: brokerUrl, username, password, shared: true, maxPacketBytes: config.maxPacketBytes }, handlers);
  } else {
    // No controller is connected to a broker that is only now starting: presence left by an
    // earlier process (killed, or closed without its controllers saying goodbye) is stale.
    for (const deviceId of await onlineDeviceIds(deps.db)) await handlers.status(deviceId, false);
    const start = (port: number) => startEmbeddedBroker(deps.db, {
      host: config.mqttHost,
      port,
      maxPacketBytes: config.maxPacketBytes,
      log: deps.log,
      onOversize: (deviceId) => handlers.notice(deviceId ?? 'not signed in', 'a packet over PARQEX_MQTT_MAX_PACKET_BYTES, disconnected'),
    });
    const taken = `MQTT_PORT ${config.mqttPort} on ${config.mqttHost} is already in use`;
    broker = await start(config.mqttPort).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      // Left at its default in development (a local Mosquitto often holds 1883): any free port will do for the simulator.
      if (!config.mqttPortExplicit && fallbackAllowed) {
        const fallback = await start(0);
        deps.log.warn(`${taken}; the embedded broker listens on ${fallback.port} instead (set MQTT_PORT to choose)`);
        return fallback;
      }
      throw new DomainError('invalid', `${taken}; set MQTT_PORT to a free port, or MQTT_URL to use that broker`);
    });
    brokerUrl = `mqtt://${config.mqttHost.includes(':') ? `[${config.mqttHost}]` : config.mqttHost}:${broker.port}`;
    gateway = await DeviceGateway.connect({ url: brokerUrl, ...broker.platform, shared: false, maxPacketBytes: config.maxPacketBytes }, handlers);
  }
  return {
    toggle,
    brokerUrl,
    async close() {
      handlers.stop();
      await gateway?.close();
      await broker?.close();
    },
  };
}
