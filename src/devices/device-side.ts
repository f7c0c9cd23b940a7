// Starts the device side: the embedded broker (or a connection to an external
// one) and the platform's gateway, handing what controllers say to the domain's
// door-side port.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { DomainError } from '../access/errors.ts';
import type { DoorCommands } from '../access/door-commands.ts';
import type { DoorSidePort } from '../access/door-side-port.ts';
import type { ToggleDeps } from '../access/toggle-door.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../store/database.ts';
import { onlineDeviceIds } from '../store/repositories/devices.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { DeviceGateway } from './gateway.ts';
import { limitMessageRate } from './message-rate.ts';
import { oncePer } from './once-per.ts';
import { portHandlers } from './port-handlers.ts';

export interface DeviceSide {
  /** The domain's way to move doors. */
  toggle: ToggleDeps;
  /** Where controllers connect (the embedded broker, or the external one). */
  brokerUrl: string;
  /** The platform's own sign-in on the embedded broker (none with MQTT_URL): for benchmarks that measure the broker alone. */
  platformLogin: { username: string; password: string } | undefined;
  close(): Promise<void>;
}

export interface DeviceSideDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** The domain's side of what controllers say, given the way to move doors built here. */
  doorSide: (toggle: ToggleDeps) => DoorSidePort;
  log: FastifyBaseLogger;
  development: boolean;
}

export async function startDeviceSide(config: Config['devices'], deps: DeviceSideDeps): Promise<DeviceSide> {
  const fallbackAllowed = deps.development;
  let gateway: DeviceGateway | undefined;
  const noticeDue = oncePer(60_000);
  const commands: DoorCommands = {
    execute: (command) => (gateway ? gateway.execute(command) : Promise.resolve({ answered: false })),
  };
  const toggle: ToggleDeps = { db: deps.db, clock: deps.clock, commands, deadlineMs: config.toggleDeadlineMs, travelDeadlineMs: config.travelDeadlineMs };
  const port = deps.doorSide(toggle);
  // A misbehaving controller must not flood the log either.
  const onNotice = (deviceId: string, what: string) => {
    if (noticeDue(`${deviceId} ${what}`)) deps.log.warn({ deviceId }, `controller message: ${what} (told at most once a minute per controller)`);
  };
  const handlers = limitMessageRate(portHandlers(port, {
    // The domain refusing what a controller said (a plate read at an entity it does not have) is the controller's doing, not ours.
    onError: (error, context) => (error instanceof DomainError ? onNotice(context.deviceId, error.message) : deps.log.warn({ err: error, ...context }, 'device message not handled')),
    onNotice,
  }), {
    perSecond: config.controllerMessagesPerSecond,
    onMisbehaving: (deviceId) => {
      port.misbehaving(deviceId, `more than ${config.controllerMessagesPerSecond} messages a second`)
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
    platformLogin: broker?.platform,
    async close() {
      handlers.stop();
      await gateway?.close();
      await broker?.close();
    },
  };
}
