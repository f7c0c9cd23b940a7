// A simulated access controller: a real MQTT client speaking the device
// protocol (1.1 by default: command ids on the changes commands caused; 1.0 on
// request, as older firmware), with doors that take time to travel, position
// sensors, batteries, auto-close, and failures it can be told to have.
import { sendWithoutDelay } from '../no-delay.ts';
import mqtt, { type MqttClient } from 'mqtt';
import { controllerClientId, decode, encode, protocolRevision, topic, type Ack, type Command } from '../protocol.ts';

export interface SimulatedDoorSpec {
  entityNumber: number;
  kind: 'momentary' | 'stateful';
  sensor: boolean;
  state?: 'OPEN' | 'CLOSED';
  autoCloseDelayMs?: number;
  battery?: number;
}

/** What a reader may add to a plate it read (docs/device-protocol.md). */
export interface PlateReadFields {
  /** The reader's clock, Unix ms; now when not given. */
  at?: number;
  region?: string;
  read_id?: string;
  confidence?: number;
  candidates?: { plate: string; confidence: number }[];
}

export interface Failures {
  /** Commands get a "jammed" answer and nothing moves. */
  jam?: boolean;
  /** The sensor stops reporting the door's position. */
  sensorLost?: boolean;
  /** The answer (and the move) comes this late; a command past its deadline is still never executed. */
  slowMs?: number;
  /** The door moves but no answer is sent. */
  dropAck?: boolean;
  /** The door moves at once but its answer comes this late (a slow link): its state report overtakes it. */
  lateAckMs?: number;
  /** Commands are received and ignored. */
  ignoreCommands?: boolean;
}

export interface ControllerOptions {
  url: string;
  deviceId: string;
  secret: string;
  doors: SimulatedDoorSpec[];
  /** How long a stateful door travels, and a strike stays released. */
  travelMs?: number;
  softwareVersion?: string;
  protocolVersion?: 4 | 5;
  /** The device protocol spoken: "1.1" (default) or "1.0" (no command ids, no `protocol` field). */
  deviceProtocol?: '1.0' | '1.1';
}

interface DoorModel extends Required<Omit<SimulatedDoorSpec, 'autoCloseDelayMs'>> {
  autoCloseDelayMs: number | undefined;
  changedAt: number;
  timer?: NodeJS.Timeout;
  /** What caused the change the next report tells first (1.1); cleared once told. */
  cause?: { commandId?: string; autoClose?: true };
}

export class SimulatedController {
  readonly deviceId: string;
  /** Physical movements, for tests: a duplicated command must not add one. */
  movements = 0;
  failures: Failures = {};
  /** Told of every command the controller answers (`repeated`: a duplicate, answered again without moving). */
  onCommand: ((command: Command, ack: Ack, repeated: boolean) => void) | undefined;
  readonly #options: ControllerOptions;
  readonly #doors: Map<number, DoorModel>;
  readonly #seen = new Map<string, Ack>();
  readonly #inProgress = new Set<string>();
  #client: MqttClient | undefined;

  constructor(options: ControllerOptions) {
    this.#options = options;
    this.deviceId = options.deviceId;
    this.#doors = new Map(options.doors.map((door) => [door.entityNumber, {
      entityNumber: door.entityNumber, kind: door.kind, sensor: door.sensor, state: door.state ?? 'CLOSED',
      battery: door.battery ?? (door.sensor ? 100 : 0), autoCloseDelayMs: door.autoCloseDelayMs, changedAt: Date.now(),
    }]));
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  doorState(entityNumber: number): 'OPEN' | 'CLOSED' | undefined {
    return this.#doors.get(entityNumber)?.state;
  }

  async start(): Promise<void> {
    const client = await mqtt.connectAsync(this.#options.url, {
      clientId: controllerClientId(this.deviceId),
      username: this.deviceId,
      password: this.#options.secret,
      protocolVersion: this.#options.protocolVersion ?? 4,
      clean: true,
      reconnectPeriod: 0,
      will: { topic: topic(this.deviceId, 'status'), payload: Buffer.from(encode({ online: false })), qos: 1, retain: true },
    });
    this.#client = client;
    sendWithoutDelay(client);
    client.on('message', (_name, payload) => {
      const command = decode('commands', payload);
      if (command) this.#onCommand(command);
    });
    await client.subscribeAsync(topic(this.deviceId, 'commands'), { qos: 1 });
    await client.publishAsync(topic(this.deviceId, 'status'), encode({ online: true }), { qos: 1, retain: true });
    await this.#publishState();
  }

  /** Drops the connection without a goodbye: the broker publishes the last will (offline). */
  goOffline(): void {
    this.#client?.stream.destroy();
    this.#client?.end(true);
    this.#client = undefined;
  }

  async stop(): Promise<void> {
    for (const door of this.#doors.values()) clearTimeout(door.timer);
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    // A broker that already went away would leave these waiting: give each a moment, then let go.
    if (client.connected) await within(500, client.publishAsync(topic(this.deviceId, 'status'), encode({ online: false }), { qos: 1, retain: true }));
    await within(500, client.endAsync(true));
  }

  async enterPin(entityNumber: number, pin: string): Promise<void> {
    await this.#publish('events', { type: 'keypad', entity_number: entityNumber, pin, at: Date.now() });
  }

  /** The camera at an entity reads a plate; `read` adds the optional fields (`read_id`, `confidence`, ...) or a reader clock of its own. */
  async readPlate(entityNumber: number, plate: string, read: PlateReadFields = {}): Promise<void> {
    await this.#publish('events', { type: 'plate', entity_number: entityNumber, plate, at: Date.now(), ...read });
  }

  /** Someone moves the door by hand: the next report tells the change, with no command behind it. */
  async moveByHand(entityNumber: number, state: 'OPEN' | 'CLOSED'): Promise<void> {
    const door = this.#doors.get(entityNumber);
    if (!door) return;
    clearTimeout(door.timer);
    this.#setState(door, state);
    await this.#publishState();
  }

  /** The door opens with no command behind it: forced, or opened by hand. */
  async forceOpen(entityNumber: number): Promise<void> {
    const door = this.#doors.get(entityNumber);
    if (!door) return;
    this.#setState(door, 'OPEN');
    await this.#publish('events', { type: 'forced_open', entity_number: entityNumber, at: Date.now() });
    await this.#publishState();
  }

  /** Delivers a command as if the broker had sent it again (QoS 1 may redeliver). */
  deliver(command: Command): void {
    this.#onCommand(command);
  }

  #onCommand(command: Command): void {
    if (this.failures.ignoreCommands) return;
    if (this.#inProgress.has(command.command_id)) return;
    const earlier = this.#seen.get(command.command_id);
    if (earlier) {
      // Acted on once already: answer again, move nothing.
      this.onCommand?.(command, earlier, true);
      void this.#publish('acks', earlier);
      return;
    }
    // Claimed at once: a redelivery during a slow answer must not run it twice.
    this.#inProgress.add(command.command_id);
    const run = () => {
      this.#inProgress.delete(command.command_id);
      this.#execute(command);
    };
    if (this.failures.slowMs) setTimeout(run, this.failures.slowMs);
    else run();
  }

  #execute(command: Command): void {
    const door = this.#doors.get(command.entity_number);
    let ack: Ack;
    if (Date.now() > command.expires_at) ack = { command_id: command.command_id, result: 'expired' };
    else if (!door) ack = { command_id: command.command_id, result: 'unsupported' };
    else if (this.failures.jam) ack = { command_id: command.command_id, result: 'jammed', state: door.state };
    else if (door.kind === 'momentary' && command.action === 'close') ack = { command_id: command.command_id, result: 'unsupported', state: door.state };
    else {
      const target = command.action === 'open' ? 'OPEN' : 'CLOSED';
      this.#operate(door, target, { commandId: command.command_id });
      // The state the door reached, or is travelling to.
      ack = { command_id: command.command_id, result: 'ok', state: target };
    }
    this.#seen.set(command.command_id, ack);
    this.onCommand?.(command, ack, false);
    if (this.failures.dropAck) return;
    if (this.failures.lateAckMs) setTimeout(() => void this.#publish('acks', ack), this.failures.lateAckMs);
    else void this.#publish('acks', ack);
  }

  /** The relay fires now; the door reaches its position after travelling. */
  #operate(door: DoorModel, target: 'OPEN' | 'CLOSED', cause: NonNullable<DoorModel['cause']>): void {
    const travel = this.#options.travelMs ?? 3000;
    if (door.kind === 'momentary') {
      this.movements += 1;
      this.#setState(door, 'OPEN', cause);
      void this.#publishState();
      clearTimeout(door.timer);
      door.timer = setTimeout(() => {
        this.#setState(door, 'CLOSED');
        void this.#publishState();
      }, Math.max(travel, 1));
      return;
    }
    if (door.state === target) return; // asking to open an open door succeeds without moving it
    this.movements += 1;
    clearTimeout(door.timer);
    door.timer = setTimeout(() => {
      this.#setState(door, target, cause);
      if (door.sensor) door.battery = Math.max(0, door.battery - 1);
      void this.#publishState();
      if (target === 'OPEN' && door.autoCloseDelayMs !== undefined) this.#scheduleAutoClose(door);
    }, travel);
  }

  #scheduleAutoClose(door: DoorModel): void {
    door.timer = setTimeout(() => {
      void this.#publish('events', { type: 'auto_close', entity_number: door.entityNumber, at: Date.now() });
      this.#operate(door, 'CLOSED', { autoClose: true });
    }, door.autoCloseDelayMs);
  }

  #setState(door: DoorModel, state: 'OPEN' | 'CLOSED', cause?: DoorModel['cause']): void {
    door.state = state;
    door.changedAt = Date.now();
    door.cause = cause;
  }

  async #publishState(): Promise<void> {
    const legacy = this.#options.deviceProtocol === '1.0';
    const doors = [...this.#doors.values()].map((door) => {
      const cause = legacy ? undefined : door.cause;
      // Told once, with the report that first shows the change.
      door.cause = undefined;
      return {
        entity_number: door.entityNumber,
        state: door.state,
        changed_at: door.changedAt,
        sensor: door.sensor && !this.failures.sensorLost,
        battery: door.battery,
        ...(cause?.commandId ? { command_id: cause.commandId } : {}),
        ...(cause?.autoClose ? { auto_close: true } : {}),
      };
    });
    await this.#publish('state', {
      ...(legacy ? {} : { protocol: protocolRevision }),
      software_version: this.#options.softwareVersion ?? 'sim-1.0.0',
      doors,
    }, true);
  }

  async #publish(channel: 'acks' | 'state' | 'events', payload: unknown, retain = false): Promise<void> {
    if (!this.#client?.connected) return;
    await within(2000, this.#client.publishAsync(topic(this.deviceId, channel), encode(payload), { qos: 1, retain }));
  }
}

/** Waits for a promise at most `ms`; errors and timeouts are both given up on (a simulator never crashes its host). */
function within(ms: number, promise: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(() => { clearTimeout(timer); resolve(); }, () => { clearTimeout(timer); resolve(); });
  });
}
