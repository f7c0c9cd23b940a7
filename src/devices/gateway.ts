// The platform's MQTT client: sends door commands and waits for the matching
// acknowledgement, and hands state reports, events and status changes to the
// handlers. With an external broker, several platform processes split the
// device traffic through MQTT 5 shared subscriptions; acknowledgements are not
// shared, because only the process that sent a command is waiting for it.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { CommandAnswer, DoorCommand, DoorCommands } from '../access/door-commands.ts';
import { saneEventTime, saneStateTimes } from './device-times.ts';
import { sendWithoutDelay } from './no-delay.ts';
import { decode, encode, parseTopic, platformSubscription, topic, type DeviceEvent, type StateReport } from './protocol.ts';

export interface GatewayHandlers {
  state(deviceId: string, report: StateReport): Promise<void>;
  event(deviceId: string, event: DeviceEvent): Promise<void>;
  status(deviceId: string, online: boolean): Promise<void>;
  /** Something went wrong handling a message; the message is dropped, the gateway goes on. */
  error(error: unknown, context: { deviceId: string; channel: string }): void;
  /** A controller sent something the platform corrected or refused (a time out of range, too many messages): for the log. */
  notice(deviceId: string, what: string): void;
}

export interface GatewayOptions {
  url: string;
  username?: string;
  password?: string;
  /** MQTT 5 with shared subscriptions (external brokers); 3.1.1 for the embedded one. */
  shared: boolean;
  /** The group that platform processes share device traffic in. */
  group?: string;
  /** MQTT 5: the broker must not pass this client a larger packet (the embedded broker refuses them on the way in). */
  maxPacketBytes: number;
}

export class DeviceGateway implements DoorCommands {
  readonly #client: MqttClient;
  /** Commands waiting for their ack, each with the controller it was sent to. */
  readonly #waiting = new Map<string, { deviceId: string; resolve: (answer: CommandAnswer) => void }>();

  private constructor(client: MqttClient) {
    this.#client = client;
  }

  static async connect(options: GatewayOptions, handlers: GatewayHandlers): Promise<DeviceGateway> {
    const client = await mqtt.connectAsync(options.url, {
      clientId: `parqex-platform-${randomBytes(6).toString('hex')}`,
      username: options.username,
      password: options.password,
      protocolVersion: options.shared ? 5 : 4,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(options.shared ? { properties: { maximumPacketSize: options.maxPacketBytes } } : {}),
    });
    sendWithoutDelay(client);
    const gateway = new DeviceGateway(client);
    client.on('message', (name, payload) => gateway.#dispatch(name, payload, handlers));
    const share = (filter: string) => (options.shared ? `$share/${options.group ?? 'parqex'}/${filter}` : filter);
    await client.subscribeAsync({
      [platformSubscription('acks')]: { qos: 1 },
      [share(platformSubscription('state'))]: { qos: 1 },
      [share(platformSubscription('events'))]: { qos: 1 },
      // Not shared: every process hears every presence change, and a process that starts
      // receives the retained ones (brokers hand no retained messages to shared subscriptions).
      [platformSubscription('status')]: { qos: 1 },
    });
    return gateway;
  }

  async execute(command: DoorCommand): Promise<CommandAnswer> {
    // Queued until the broker is back, the command would only wait out its deadline: say so now.
    if (!this.#client.connected) return { answered: false, unreachable: true };
    const answer = new Promise<CommandAnswer>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(command.id);
        resolve({ answered: false });
      }, Math.max(0, command.expiresAt - Date.now()));
      this.#waiting.set(command.id, {
        deviceId: command.deviceId,
        resolve: (value) => {
          clearTimeout(timer);
          this.#waiting.delete(command.id);
          resolve(value);
        },
      });
    });
    await this.#client.publishAsync(topic(command.deviceId, 'commands'), encode({
      command_id: command.id,
      entity_number: command.entityNumber,
      action: command.action,
      expires_at: command.expiresAt,
    }), { qos: 1 });
    return answer;
  }

  async close(): Promise<void> {
    for (const waiting of this.#waiting.values()) waiting.resolve({ answered: false });
    await this.#client.endAsync(true);
  }

  #dispatch(name: string, payload: Buffer, handlers: GatewayHandlers): void {
    const parsed = parseTopic(name);
    if (!parsed) return;
    const { deviceId, channel } = parsed;
    const fail = (error: unknown) => handlers.error(error, { deviceId, channel });
    switch (channel) {
      case 'acks': {
        const ack = decode('acks', payload);
        const waiting = ack ? this.#waiting.get(ack.command_id) : undefined;
        // Only the controller a command went to answers it, whatever ids another one learns or guesses.
        if (ack && waiting?.deviceId === deviceId) waiting.resolve({ answered: true, result: ack.result, state: ack.state });
        return;
      }
      case 'state': {
        const decoded = decode('state', payload);
        if (!decoded) return;
        const { report, replaced } = saneStateTimes(decoded, Date.now());
        if (replaced > 0) handlers.notice(deviceId, 'device time out of range, replaced by the server\'s');
        handlers.state(deviceId, report).catch(fail);
        return;
      }
      case 'events': {
        const decoded = decode('events', payload);
        if (!decoded) return handlers.notice(deviceId, 'an event not of the protocol\'s shape, dropped');
        const { event, replaced } = saneEventTime(decoded, Date.now());
        if (replaced > 0) handlers.notice(deviceId, 'device time out of range, replaced by the server\'s');
        handlers.event(deviceId, event).catch(fail);
        return;
      }
      case 'status': {
        const status = decode('status', payload);
        if (status) handlers.status(deviceId, status.online).catch(fail);
        return;
      }
      case 'commands':
        return;
    }
  }
}
