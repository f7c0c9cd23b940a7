// The device protocol (docs/device-protocol.md): topics and payloads, pure.
// Version 1 lives under parqex/v1/; a future version gets its own prefix so
// both can run side by side while controllers are updated. Minor versions
// (1.1: command ids on state changes) only add optional fields, and a state
// report says which one its controller speaks.
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';

export const protocolVersion = 'v1';
/** The newest minor version of v1 this platform speaks; a report without `protocol` is 1.0. */
export const protocolRevision = '1.1';
const root = `parqex/${protocolVersion}/devices`;

export type Channel = 'commands' | 'acks' | 'state' | 'events' | 'status';

export function topic(deviceId: string, channel: Channel): string {
  return `${root}/${deviceId}/${channel}`;
}

/** The one MQTT client id a controller may connect with: another would let one controller's credentials take a second controller's session. */
export function controllerClientId(deviceId: string): string {
  return `controller-${deviceId}`;
}

/** Splits a topic into its device and channel, or undefined when it is not one of ours. */
export function parseTopic(name: string): { deviceId: string; channel: Channel } | undefined {
  const match = /^parqex\/v1\/devices\/([0-9a-f-]{36})\/(commands|acks|state|events|status)$/.exec(name);
  return match ? { deviceId: match[1]!, channel: match[2] as Channel } : undefined;
}

/** Wildcard subscriptions of the platform, one per device-to-platform channel. */
export function platformSubscription(channel: Exclude<Channel, 'commands'>): string {
  return `${root}/+/${channel}`;
}

const DoorAction = Type.Union([Type.Literal('open'), Type.Literal('close')]);
const DoorStateValue = Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED')]);

export const Command = Type.Object({
  command_id: Type.String({ minLength: 8, maxLength: 64 }),
  entity_number: Type.Integer({ minimum: 1, maximum: 100 }),
  action: DoorAction,
  /** Unix milliseconds; a controller never executes a command after it. */
  expires_at: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });
export type Command = Static<typeof Command>;

export const Ack = Type.Object({
  command_id: Type.String({ minLength: 8, maxLength: 64 }),
  result: Type.Union([Type.Literal('ok'), Type.Literal('expired'), Type.Literal('jammed'), Type.Literal('unsupported'), Type.Literal('error')]),
  /** The state the door reached, or is travelling to (1.1: required with "ok"). */
  state: Type.Optional(DoorStateValue),
}, { additionalProperties: true });
export type Ack = Static<typeof Ack>;

export const DoorReport = Type.Object({
  entity_number: Type.Integer({ minimum: 1, maximum: 100 }),
  state: DoorStateValue,
  /** Unix milliseconds of the last state change the controller saw. */
  changed_at: Type.Optional(Type.Integer({ minimum: 0 })),
  sensor: Type.Optional(Type.Boolean()),
  battery: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  /** 1.1: the command that caused the change this report is the first to tell; absent for a change no command caused. */
  command_id: Type.Optional(Type.String({ minLength: 8, maxLength: 64 })),
  /** 1.1: the change is the controller's own auto-close. */
  auto_close: Type.Optional(Type.Boolean()),
}, { additionalProperties: true });

export const StateReport = Type.Object({
  /** "1.1" and later; absent: 1.0 (no command ids). */
  protocol: Type.Optional(Type.String({ pattern: '^1\\.[0-9]{1,3}$' })),
  software_version: Type.String({ maxLength: 40 }),
  doors: Type.Array(DoorReport, { maxItems: 100 }),
}, { additionalProperties: true });
export type StateReport = Static<typeof StateReport>;

const Confidence = Type.Number({ minimum: 0, maximum: 1 });

export const DeviceEvent = Type.Union([
  Type.Object({ type: Type.Literal('keypad'), entity_number: Type.Integer({ minimum: 1, maximum: 100 }), pin: Type.String({ pattern: '^[0-9]{1,12}$' }), at: Type.Integer() }, { additionalProperties: true }),
  Type.Object({
    type: Type.Literal('plate'), entity_number: Type.Integer({ minimum: 1, maximum: 100 }), plate: Type.String({ maxLength: 16 }), region: Type.Optional(Type.String({ maxLength: 16 })), at: Type.Integer(),
    // Optional, so readers sending only plate and region keep working (phase2.md B.3); no confidence counts as 1.
    read_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    confidence: Type.Optional(Confidence),
    candidates: Type.Optional(Type.Array(Type.Object({ plate: Type.String({ maxLength: 16 }), confidence: Confidence }, { additionalProperties: true }), { maxItems: 5 })),
  }, { additionalProperties: true }),
  Type.Object({ type: Type.Literal('forced_open'), entity_number: Type.Integer({ minimum: 1, maximum: 100 }), at: Type.Integer() }, { additionalProperties: true }),
  Type.Object({ type: Type.Literal('auto_close'), entity_number: Type.Integer({ minimum: 1, maximum: 100 }), at: Type.Integer() }, { additionalProperties: true }),
]);
export type DeviceEvent = Static<typeof DeviceEvent>;

export const Status = Type.Object({ online: Type.Boolean() }, { additionalProperties: true });

const validators = {
  commands: Compile(Command),
  acks: Compile(Ack),
  state: Compile(StateReport),
  events: Compile(DeviceEvent),
  status: Compile(Status),
};

/** Parses a payload of a channel; undefined for anything malformed (a device must not crash the platform). */
export function decode<C extends Channel>(channel: C, payload: Buffer | string): PayloadOf<C> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString());
  } catch {
    return undefined;
  }
  return validators[channel].Check(value) ? (value as PayloadOf<C>) : undefined;
}

export function encode(value: unknown): string {
  return JSON.stringify(value);
}

export type PayloadOf<C extends Channel> = C extends 'commands' ? Command : C extends 'acks' ? Ack : C extends 'state' ? StateReport : C extends 'events' ? DeviceEvent : { online: boolean };
