// `parqex simulate`: simulated controllers as real MQTT clients of a broker (an
// external one, or a `parqex serve` whose own simulator is off). They are the
// controllers the database knows, the sandbox's, or throw-away ones registered
// here and removed again when the fleet stops (unless someone claimed one).
// Like real controllers, they reconnect when their connection drops.
import type { Kysely } from 'kysely';
import { DomainError } from '../../access/errors.ts';
import type { Config } from '../../config.ts';
import { sandboxDevices } from '../../sandbox/seed.ts';
import type { Database } from '../../store/database.ts';
import { deleteUnclaimedDevices, doorSetupOfDevice, findDevice } from '../../store/repositories/devices.ts';
import type { Ack, Command } from '../protocol.ts';
import { createController, noController, requireDeviceId, type DoorSpec } from '../registry.ts';
import { SimulatedController, type SimulatedDoorSpec } from './controller.ts';
import { startSandboxControllers } from './sandbox.ts';

export interface FleetOptions {
  url: string;
  travelMs: number;
  /** Run the sandbox's controllers (their ids and secrets are public). */
  sandbox: boolean;
  /** Controllers the database knows, each with the secret it signs in with. */
  devices: { deviceId: string; secret: string }[];
  /** Throw-away controllers to register now, unclaimed. */
  count: number;
  /** One line per event worth telling: a controller connected, a command answered, a connection lost. */
  report(line: string): void;
}

export interface Fleet {
  controllers: SimulatedController[];
  /** Says goodbye (offline) for every controller and removes the unclaimed throw-away ones; once. */
  stop(): Promise<void>;
}

interface Planned {
  deviceId: string;
  secret: string;
  doors: SimulatedDoorSpec[];
  note?: string;
}

/** Each throw-away controller: a garage with a position sensor, and a door strike. */
export const throwAwayDoors: DoorSpec[] = [
  { name: 'Simulated Garage', kind: 'stateful', type: 'garage', sensor: true },
  { name: 'Simulated Door', kind: 'momentary', type: 'pedestrian', sensor: false },
];

const reconnectAfterMs = { first: 1000, max: 30_000 };

export async function startFleet(db: Kysely<Database>, options: FleetOptions): Promise<Fleet> {
  const planned = await knownControllers(db, options);                // invalid, not_found
  const throwAway: string[] = [];
  const controllers: SimulatedController[] = [];
  let supervisor: { stop(): void } | undefined;
  let stopped: Promise<void> | undefined;
  const fleet: Fleet = {
    controllers,
    stop() {
      stopped ??= (async () => {
        supervisor?.stop();
        await Promise.all(controllers.map((controller) => controller.stop()));
        await deleteUnclaimedDevices(db, throwAway);
      })();
      return stopped;
    },
  };
  try {
    for (let i = 0; i < options.count; i += 1) {
      const issued = await createController(db, { entities: throwAwayDoors.length, doors: throwAwayDoors });
      throwAway.push(issued.device_id);
      planned.push({ deviceId: issued.device_id, secret: issued.secret, doors: doorsOf(throwAwayDoors), note: `serial ${issued.blackbox_code}, claim code ${issued.claim_code}` });
    }
    for (const plan of planned) {
      const controller = new SimulatedController({ url: options.url, deviceId: plan.deviceId, secret: plan.secret, doors: plan.doors, travelMs: options.travelMs });
      controller.onCommand = commandReporter(controller.deviceId, options.report);
      await connect(controller, options.url);
      controllers.push(controller);
      options.report(`controller ${plan.deviceId} connected (${plan.doors.length} doors${plan.note ? `; ${plan.note}` : ''})`);
    }
    if (options.sandbox) {
      const sandbox = await startSandboxControllers(options.url, options.travelMs).catch((error: unknown) => { throw connectionError('a sandbox controller', options.url, error); });
      for (const controller of sandbox) {
        controller.onCommand = commandReporter(controller.deviceId, options.report);
        controllers.push(controller);
        options.report(`controller ${controller.deviceId} connected (sandbox)`);
      }
    }
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  supervisor = supervise(controllers, options.url, options.report);
  return fleet;
}

/** Where controllers connect unless told: MQTT_URL (without the platform's credentials), else the embedded broker's port. */
export function defaultBrokerUrl(settings: Pick<Config['devices'], 'mqttUrl' | 'mqttHost' | 'mqttPort'>): string {
  if (settings.mqttUrl) {
    const url = new URL(settings.mqttUrl);
    url.username = '';
    url.password = '';
    return url.toString();
  }
  if (settings.mqttPort === 0) throw new DomainError('invalid', 'MQTT_PORT is 0 (any free port): give the broker with --url');
  const host = ['0.0.0.0', '::', ''].includes(settings.mqttHost) ? '127.0.0.1' : settings.mqttHost;
  return `mqtt://${host.includes(':') ? `[${host}]` : host}:${settings.mqttPort}`;
}

async function knownControllers(db: Kysely<Database>, options: FleetOptions): Promise<Planned[]> {
  const taken = new Set<string>(options.sandbox ? Object.values(sandboxDevices).map((device) => device.id) : []);
  const planned: Planned[] = [];
  for (const given of options.devices) {
    const deviceId = requireDeviceId(given.deviceId);
    // One MQTT session per controller: a second one would take the first's place.
    if (taken.has(deviceId)) throw new DomainError('invalid', `controller ${deviceId} is given twice`);
    taken.add(deviceId);
    if (!(await findDevice(db, deviceId))) throw noController(given.deviceId);
    const doors = (await doorSetupOfDevice(db, deviceId)).map((door): SimulatedDoorSpec => ({
      entityNumber: door.entity_number,
      kind: door.kind,
      sensor: door.sensor === 1,
      state: door.state,
      ...(door.auto_close_enabled === 1 && door.auto_close_delay > 0 ? { autoCloseDelayMs: door.auto_close_delay * 1000 } : {}),
    }));
    planned.push({ deviceId, secret: given.secret, doors });
  }
  return planned;
}

function doorsOf(specs: DoorSpec[]): SimulatedDoorSpec[] {
  return specs.map((door, index) => ({ entityNumber: index + 1, kind: door.kind, sensor: door.sensor }));
}

function commandReporter(deviceId: string, report: (line: string) => void) {
  return (command: Command, ack: Ack, repeated: boolean) => {
    report(`controller ${deviceId}: ${command.action} door ${command.entity_number} -> ${ack.result}${repeated ? ' (repeated command: answered again, not moved)' : ''} [command ${command.command_id}]`);
  };
}

async function connect(controller: SimulatedController, url: string): Promise<void> {
  try {
    await controller.start();
  } catch (error) {
    throw connectionError(`controller ${controller.deviceId}`, url, error);
  }
}

/** A refusal (CONNACK return code) is bad input; anything else is the broker being unreachable. */
function connectionError(who: string, url: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (typeof (error as { code?: unknown }).code === 'number') {
    return new DomainError('invalid', `the broker at ${url} refused ${who} (${message}): check the id and secret, and that the controller is enabled`);
  }
  return new Error(`${who} could not connect to ${url}: ${message}`);
}

/** Reconnects controllers whose connection dropped, waiting longer after each failed attempt. */
function supervise(controllers: SimulatedController[], url: string, report: (line: string) => void): { stop(): void } {
  let stopped = false;
  const retry = new Map<SimulatedController, { at: number; waitMs: number; busy: boolean }>();
  const timer = setInterval(() => {
    for (const controller of controllers) {
      if (controller.connected) continue;
      let state = retry.get(controller);
      if (!state) {
        state = { at: Date.now(), waitMs: reconnectAfterMs.first, busy: false };
        retry.set(controller, state);
        report(`controller ${controller.deviceId} lost its connection; reconnecting`);
      }
      if (state.busy || Date.now() < state.at) continue;
      const attempt = state;
      attempt.busy = true;
      controller.start().then(() => {
        // Stopped while this attempt was under way: leave again.
        if (stopped) return controller.stop();
        retry.delete(controller);
        report(`controller ${controller.deviceId} reconnected`);
      }, (error: unknown) => {
        if (stopped) return;
        attempt.busy = false;
        attempt.at = Date.now() + attempt.waitMs;
        attempt.waitMs = Math.min(attempt.waitMs * 2, reconnectAfterMs.max);
        report(`controller ${controller.deviceId} could not reconnect to ${url}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }, 1000);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
