// What the platform does with what controllers report: presence, door states
// (the only source of state, last_toggled, sensor and battery), and events at
// the door (keypad, licence plate, forced open, auto-close).
import type { Kysely, Transaction } from 'kysely';
import { compactId } from '../access/ids.ts';
import { appendEvent } from '../events/outbox.ts';
import { doorEventName, nobody } from '../events/types.ts';
import { findPersonById } from '../store/repositories/people.ts';
import { DomainError } from '../access/errors.ts';
import { recordAccessEvent } from '../access/history.ts';
import { pinLookup } from '../access/settings.ts';
import { normalizePlate } from '../access/vehicles.ts';
import { toggleDoor, type ToggleDeps } from '../access/toggle-door.ts';
import type { Database } from '../store/database.ts';
import * as devices from '../store/repositories/devices.ts';
import { recentCommand } from '../store/repositories/door-commands.ts';
import type { GatewayHandlers } from './gateway.ts';
import { perKeyInOrder } from './in-order.ts';
import { noticeLowBattery } from './low-battery.ts';
import type { DeviceEvent, StateReport } from './protocol.ts';

export interface ReportDeps {
  db: Kysely<Database>;
  toggle: ToggleDeps;
  pinKey: Buffer;
  onError: (error: unknown, context: { deviceId: string; channel: string }) => void;
  onNotice: (deviceId: string, what: string) => void;
  /** Wrong keypad PINs per controller: shared by every process when the rate limits are (Redis). */
  keypadGuesses: KeypadGuesses;
}

export interface KeypadGuesses {
  /** Counts an entry at this controller's keypad as a wrong guess; false when its guesses are used up for now. */
  take(deviceId: string): Promise<boolean>;
  /** The entry was a right PIN: it does not count. */
  giveBack(deviceId: string): Promise<void>;
}

/** A state change within this long of a command (or an auto-close) that explains it is not a "Door Sensor" event. */
const EXPLAINED_WITHIN_S = 120;

export function reportHandlers(deps: ReportDeps): GatewayHandlers {
  // Events (keypad, plates) stay out of the queue: a toggle they start waits for its ack.
  const inOrder = perKeyInOrder();
  return {
    status: (deviceId, online) => inOrder(deviceId, () => deps.db.transaction().execute(async (trx) => {
      // Every platform process hears the retained status; only the one whose update changed it announces it.
      if (!(await devices.changeDeviceOnline(trx, deviceId, online, nowSeconds()))) return;
      await appendEvent(trx, { type: online ? 'controller_online' : 'controller_offline', deviceId, personIds: await devices.peopleOfDevice(trx, deviceId), data: { deviceID: compactId(deviceId) } });
    })),
    state: (deviceId, report) => inOrder(deviceId, () => applyStateReport(deps.db, deviceId, report)),
    async event(deviceId, event) {
      await devices.touchDevice(deps.db, deviceId, nowSeconds());
      const door = await devices.doorByEntity(deps.db, deviceId, event.entity_number);
      if (!door) return;
      switch (event.type) {
        case 'keypad':
          return keypad(deps, deviceId, door.id, event);
        case 'plate':
          return plate(deps, deviceId, door.id, event);
        case 'forced_open':
          await refusedAtDoor(deps.db, { doorId: door.id, deviceId, channel: 'Door Sensor', reason: 'door forced open', at: event.at });
          return;
        case 'auto_close':
          await recordAccessEvent(deps.db, { doorId: door.id, deviceId, personId: null, channel: 'Auto Close', doorState: 'CLOSED', wasSuccess: true, occurredAt: seconds(event.at) });
          return;
      }
    },
    error: deps.onError,
    notice: deps.onNotice,
  };
}

export async function applyStateReport(db: Kysely<Database>, deviceId: string, report: StateReport): Promise<void> {
  const now = nowSeconds();
  await devices.touchDevice(db, deviceId, now, report.software_version);
  const doors = new Map((await devices.doorsOfDevice(db, deviceId)).map((door) => [door.entity_number, door]));
  for (const reported of report.doors) {
    const door = doors.get(reported.entity_number);
    if (!door) continue;
    const changed = reported.state !== door.state;
    const changedAt = reported.changed_at !== undefined ? seconds(reported.changed_at) : now;
    // The new state, its history row and its webhook events are one change.
    await db.transaction().execute(async (trx) => {
      // Before the update below overwrites the stored level it is judged against.
      if (reported.battery !== undefined) await noticeLowBattery(trx, { doorId: door.id, deviceId }, reported.battery, now);
      await devices.updateDoorReport(trx, door.id, {
        state: reported.state,
        ...(changed ? { last_toggled: changedAt } : {}),
        ...(reported.sensor !== undefined ? { sensor: reported.sensor ? 1 : 0 } : {}),
        ...(reported.battery !== undefined ? { sensor_battery_level: reported.battery } : {}),
      });
      if (!changed) return;
      const cause = await causeOf(trx, door, reported.state, now);
      if (cause.kind === 'none') {
        await recordAccessEvent(trx, { doorId: door.id, deviceId, personId: null, channel: 'Door Sensor', doorState: reported.state, wasSuccess: true, occurredAt: changedAt });
      }
      await announceDoorState(trx, { doorId: door.id, entityNumber: door.entity_number, deviceId, state: reported.state, occurredAt: changedAt, cause });
    });
  }
}

type Cause = { kind: 'command'; toggleId: string; personId: string | null; channel: string } | { kind: 'auto_close' } | { kind: 'relock' } | { kind: 'none' };

async function causeOf(db: Kysely<Database>, door: { id: string; kind: string }, state: 'OPEN' | 'CLOSED', now: number): Promise<Cause> {
  const command = await recentCommand(db, door.id, (now - EXPLAINED_WITHIN_S) * 1000);
  if (command?.requested_state === state) return { kind: 'command', toggleId: command.id, personId: command.person_id, channel: command.channel };
  // A door strike re-locks by itself after every pulse.
  if (door.kind === 'momentary' && state === 'CLOSED') return { kind: 'relock' };
  if (state === 'CLOSED' && (await devices.recentEventOnDoor(db, door.id, 'Auto Close', now - EXPLAINED_WITHIN_S)) !== undefined) return { kind: 'auto_close' };
  return { kind: 'none' };
}

async function announceDoorState(trx: Transaction<Database>, change: { doorId: string; entityNumber: number; deviceId: string; state: 'OPEN' | 'CLOSED'; occurredAt: number; cause: Cause }): Promise<void> {
  const { cause } = change;
  const person = cause.kind === 'command' && cause.personId ? await findPersonById(trx, cause.personId) : undefined;
  const owner = await devices.doorOwnerId(trx, change.doorId);
  const channel = cause.kind === 'command' ? cause.channel : cause.kind === 'auto_close' ? 'Auto Close' : 'Door Sensor';
  await appendEvent(trx, {
    type: doorEventName(change.entityNumber, change.state),
    doorId: change.doorId,
    deviceId: change.deviceId,
    occurredAt: change.occurredAt,
    data: {
      toggleID: cause.kind === 'command' ? cause.toggleId : '',
      doorID: compactId(change.doorId),
      doorState: change.state,
      channel,
      deviceID: compactId(change.deviceId),
      doorOwnerUserID: owner ? compactId(owner) : '',
      userThatToggled: person ? { firstName: person.first_name, lastName: person.last_name, emailAddress: person.email } : nobody,
    },
  });
}

async function keypad(deps: ReportDeps, deviceId: string, doorId: string, event: Extract<DeviceEvent, { type: 'keypad' }>): Promise<void> {
  const refuse = () => refusedAtDoor(deps.db, { doorId, deviceId, channel: 'Keypad', reason: 'wrong keypad PIN', at: event.at });
  // Every entry counts as a wrong guess until proven right, and is counted before
  // the lookup: a burst of guesses cannot slip past the limit. Past it, every
  // entry, a right one too, is refused until the window passes.
  if (!(await deps.keypadGuesses.take(deviceId))) return void (await refuse());
  const member = /^\d{4,8}$/.test(event.pin) ? await devices.memberByPinLookup(deps.db, deviceId, pinLookup(deps.pinKey, event.pin)) : undefined;
  if (!member) return void (await refuse());
  await deps.keypadGuesses.giveBack(deviceId);
  await openFor(deps, member.person_id, doorId, 'Keypad');
}

async function plate(deps: ReportDeps, deviceId: string, doorId: string, event: Extract<DeviceEvent, { type: 'plate' }>): Promise<void> {
  const normalized = normalizePlate(event.plate);
  const members = await devices.membersByPlate(deps.db, deviceId, normalized);
  if (members.length === 0) {
    await refusedAtDoor(deps.db, { doorId, deviceId, channel: 'LPR', reason: 'unknown plate', at: event.at });
    return;
  }
  await openFor(deps, members[0]!.person_id, doorId, 'LPR');
}

/** Someone at the door who may not pass: a refused history row and an enforcer event, together. */
async function refusedAtDoor(db: Kysely<Database>, attempt: { doorId: string; deviceId: string; channel: string; reason: string; at: number }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await recordAccessEvent(trx, { doorId: attempt.doorId, deviceId: attempt.deviceId, personId: null, channel: attempt.channel, doorState: 'OPEN', wasSuccess: false, occurredAt: seconds(attempt.at) });
    await appendEvent(trx, {
      type: 'unauthorized_attempt', doorId: attempt.doorId, deviceId: attempt.deviceId, occurredAt: seconds(attempt.at),
      data: { doorID: compactId(attempt.doorId), deviceID: compactId(attempt.deviceId), channel: attempt.channel, reason: attempt.reason, userThatToggled: nobody },
    });
  });
}

/** Opens on behalf of a person identified at the door; refusals are recorded by the toggle itself. */
async function openFor(deps: ReportDeps, personId: string, doorId: string, channel: string): Promise<void> {
  try {
    await toggleDoor(deps.toggle, { personId }, { doorId, state: 'OPEN', channel, clientId: null });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
