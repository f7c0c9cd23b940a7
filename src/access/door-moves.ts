// A door move is one record, keyed by its command id: requested, then
// acknowledged by the controller, then reported done by it; or failed (the
// controller refused, or the door never got there in time), or expired (no
// answer). A report may overtake the ack: it settles the move and frees the
// door at once (the door did it), and the answer, whatever it says and
// whenever it comes, then only records the history row. Each transition is
// one transaction with what it announces: one history row (when the
// controller answers) and one event (the door's new state when it is
// reported, or toggle_failed) per move. A change the controller reports
// without a command behind it is a manual move ("Door Sensor"), never
// attributed to a command.
import type { Kysely, Transaction } from 'kysely';
import { systemClock, type Clock } from '../clock.ts';
import { appendEvent } from '../events/outbox.ts';
import { personRef } from '../events/person-ref.ts';
import { doorEventName } from '../events/types.ts';
import type { Database, DoorKind, DoorState } from '../store/database.ts';
import * as commands from '../store/repositories/door-commands.ts';
import * as devices from '../store/repositories/devices.ts';
import type { CommandAnswer } from './door-commands.ts';
import type { DoorReport, ReportedDoor } from './door-side-port.ts';
import { recordAccessEvent } from './history.ts';
import { compactId } from './ids.ts';
import { noticeLowBattery } from './low-battery.ts';

export interface MoveDeps {
  db: Kysely<Database>;
  /** Domain time: when moves and their events happened. */
  clock: Clock;
  /** How long an acknowledged move may travel before its report is overdue (real time). */
  travelDeadlineMs: number;
}

export interface CommandedMove {
  toggleId: string;
  doorId: string;
  deviceId: string;
  personId: string | null;
  /** The guest pass the opening was for (phase2.md B.5); the history item names its guest. */
  guestPassId?: string;
  channel: string;
  state: DoorState;
}

export type MoveFailure = 'device_offline' | 'device_timeout' | 'device_failed';

/**
 * The controller's answer (or its silence): the toggle's outcome and the
 * move's one history row. An "ok" leaves the move travelling until its report,
 * unless the door already stood in the requested state (nothing will move, so
 * nothing will be reported). Returns what went wrong, or undefined.
 */
export async function answerMove(deps: MoveDeps, trx: Transaction<Database>, move: CommandedMove, answer: CommandAnswer): Promise<MoveFailure | undefined> {
  const realNow = systemClock.now();
  const occurredAt = seconds(deps.clock.now());
  const reason = failureReason(answer);
  if (reason) {
    if (await commands.failMove(trx, move.toggleId, reason === 'device_timeout' ? 'expired' : 'failed', reason, realNow)) {
      await recordAccessEvent(trx, { doorId: move.doorId, deviceId: move.deviceId, personId: move.personId, guestPassId: move.guestPassId, channel: move.channel, doorState: move.state, wasSuccess: false, occurredAt });
      await announceFailure(trx, move, failureText(reason, answer), occurredAt);
      return reason;
    }
    // Reported before the answer was heard: the door did it, whatever became of the ack.
    if ((await commands.findCommand(trx, move.toggleId))?.move !== 'reported') return reason;
  }
  const alreadyThere = answer.answered && (await devices.storedDoorState(trx, move.doorId)) === move.state;
  if (await commands.acknowledgeMove(trx, move.toggleId, realNow, alreadyThere ? null : realNow + deps.travelDeadlineMs)) {
    await recordAccessEvent(trx, { doorId: move.doorId, deviceId: move.deviceId, personId: move.personId, guestPassId: move.guestPassId, channel: move.channel, doorState: move.state, wasSuccess: true, occurredAt });
  }
  return undefined;
}

/**
 * A controller's state report: the only source of a door's state, sensor and
 * battery. A change is the move of the command the report names (protocol 1.1);
 * a 1.0 controller names none, so its change settles the move in flight on
 * that door when it reaches that move's state. Any other change is a strike
 * re-locking itself, the controller's auto-close, or a manual move.
 */
export async function applyDoorReport(deps: Pick<MoveDeps, 'db' | 'clock'>, deviceId: string, report: DoorReport): Promise<void> {
  const now = seconds(deps.clock.now());
  await devices.touchDevice(deps.db, deviceId, now, { softwareVersion: report.softwareVersion, protocol: report.protocol });
  const doors = new Map((await devices.doorsOfDevice(deps.db, deviceId)).map((door) => [door.entity_number, door]));
  for (const reported of report.doors) {
    const door = doors.get(reported.entityNumber);
    if (!door) continue;
    const changed = reported.state !== door.state;
    const changedAt = reported.changedAt !== undefined ? seconds(reported.changedAt) : now;
    // The new state, its history row and its event are one change.
    await deps.db.transaction().execute(async (trx) => {
      // Before the update below overwrites the stored level it is judged against.
      if (reported.battery !== undefined) await noticeLowBattery(trx, { doorId: door.id, deviceId }, reported.battery, now);
      await devices.updateDoorReport(trx, door.id, {
        state: reported.state,
        ...(changed ? { last_toggled: changedAt } : {}),
        ...(reported.sensor !== undefined ? { sensor: reported.sensor ? 1 : 0 } : {}),
        ...(reported.battery !== undefined ? { sensor_battery_level: reported.battery } : {}),
      });
      if (!changed) return;
      const cause = await causeOf(trx, { ...door, deviceId }, reported, report.protocol);
      if (cause.kind === 'manual') {
        await recordAccessEvent(trx, { doorId: door.id, deviceId, personId: null, channel: 'Door Sensor', doorState: reported.state, wasSuccess: true, occurredAt: changedAt });
      }
      await announceDoorState(trx, { doorId: door.id, entityNumber: door.entity_number, deviceId, state: reported.state, occurredAt: changedAt, cause });
    });
  }
}

/** Acknowledged moves never reported by their travel deadline: failed and announced, once each. Returns how many. */
export async function failOverdueMoves(deps: Pick<MoveDeps, 'db' | 'clock'>): Promise<number> {
  const realNow = systemClock.now();
  let failed = 0;
  for (const row of await commands.overdueMoves(deps.db, realNow)) {
    const done = await deps.db.transaction().execute(async (trx) => {
      // Another process may have failed it, or its report came, since the list was read.
      if (!(await commands.failMove(trx, row.id, 'failed', 'device_timeout', realNow))) return false;
      const move = { toggleId: row.id, doorId: row.door_id, deviceId: row.device_id, personId: row.person_id, channel: row.channel, state: row.requested_state };
      await announceFailure(trx, move, `the door did not report ${row.requested_state === 'OPEN' ? 'open' : 'closed'} in time`, seconds(deps.clock.now()));
      return true;
    });
    if (done) failed += 1;
  }
  return failed;
}

type Cause = { kind: 'command'; toggleId: string; personId: string | null; channel: string } | { kind: 'auto_close' } | { kind: 'relock' } | { kind: 'manual' };

async function causeOf(trx: Transaction<Database>, door: { id: string; kind: DoorKind; deviceId: string }, reported: ReportedDoor, protocol: string): Promise<Cause> {
  const move = reported.commandId !== undefined
    ? await commands.findCommand(trx, reported.commandId)
    : protocol === '1.0' ? await commands.inFlightMove(trx, door.id) : undefined;
  // Only a move of this door to this state, not settled yet, is settled by the report.
  if (move && move.door_id === door.id && move.device_id === door.deviceId && move.requested_state === reported.state && (await commands.reportMove(trx, move.id))) {
    return { kind: 'command', toggleId: move.id, personId: move.person_id, channel: move.channel };
  }
  // A door strike re-locks by itself after every pulse.
  if (door.kind === 'momentary' && reported.state === 'CLOSED') return { kind: 'relock' };
  if (reported.autoClose === true && reported.state === 'CLOSED') return { kind: 'auto_close' };
  return { kind: 'manual' };
}

async function announceDoorState(trx: Transaction<Database>, change: { doorId: string; entityNumber: number; deviceId: string; state: DoorState; occurredAt: number; cause: Cause }): Promise<void> {
  const { cause } = change;
  const owner = await devices.doorOwnerId(trx, change.doorId);
  await appendEvent(trx, {
    type: doorEventName(change.entityNumber, change.state),
    doorId: change.doorId,
    deviceId: change.deviceId,
    occurredAt: change.occurredAt,
    data: {
      toggleID: cause.kind === 'command' ? cause.toggleId : '',
      doorID: compactId(change.doorId),
      doorState: change.state,
      channel: cause.kind === 'command' ? cause.channel : cause.kind === 'auto_close' ? 'Auto Close' : 'Door Sensor',
      deviceID: compactId(change.deviceId),
      doorOwnerUserID: owner ? compactId(owner) : '',
      userThatToggled: await personRef(trx, cause.kind === 'command' ? cause.personId : null),
    },
  });
}

async function announceFailure(trx: Transaction<Database>, move: CommandedMove, reason: string, occurredAt: number): Promise<void> {
  await appendEvent(trx, {
    type: 'toggle_failed', doorId: move.doorId, deviceId: move.deviceId, occurredAt,
    data: {
      toggleID: move.toggleId, doorID: compactId(move.doorId), deviceID: compactId(move.deviceId), requestedState: move.state,
      reason, channel: move.channel, userThatToggled: await personRef(trx, move.personId),
    },
  });
}

/** What went wrong at the controller, or undefined when it did it. */
export function failureReason(answer: CommandAnswer): MoveFailure | undefined {
  if (!answer.answered) return answer.unreachable ? 'device_offline' : 'device_timeout';
  if (answer.result === 'expired') return 'device_timeout';
  return answer.result === 'ok' ? undefined : 'device_failed';
}

function failureText(reason: MoveFailure, answer: CommandAnswer): string {
  if (reason === 'device_timeout') return 'no answer in time';
  if (reason === 'device_offline') return 'controller unreachable';
  return `controller answered ${answer.answered ? answer.result : 'nothing'}`;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
