// Toggle Access Point (spec 4), as named steps: the door must be visible and
// covered by the grant, the scope must allow the requested state, the person
// must be allowed now, the door must be able to do it; then one command to the
// controller, whose answer decides the outcome. Every attempt on a visible
// door lands in the access history, refused ones included.
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database, DoorState } from '../store/database.ts';
import * as commands from '../store/repositories/door-commands.ts';
import { findDevice } from '../store/repositories/devices.ts';
import { findDoor } from '../store/repositories/doors.ts';
import { StoreUnavailable, storeFailure } from '../store/unavailable.ts';
import { beforeDeadline } from './deadline.ts';
import type { CommandAnswer, DoorCommands } from './door-commands.ts';
import { answerMove, failureReason, type MoveDeps } from './door-moves.ts';
import { doorCapabilities, requireVisibleDoor, type Viewer, type VisibleDoor } from './door-policy.ts';
import { DomainError, type ErrorCode } from './errors.ts';
import { recordAccessEvent } from './history.ts';
import { compactId } from './ids.ts';
import { appendEvent } from '../events/outbox.ts';
import { personRef } from '../events/person-ref.ts';
import { systemClock } from '../clock.ts';
import { decide, refusalMessage } from './decide.ts';

/** How long an Idempotency-Key answers with the first outcome (spec 4: 24 h). */
export const IDEMPOTENCY_MS = 24 * 3600 * 1000;

export interface ToggleDeps extends MoveDeps {
  commands: DoorCommands;
  /** A toggle answers within this long of arriving, whatever the controller or the database does (spec: 8 s). */
  deadlineMs: number;
  /** Seconds to wait before this door may be toggled again, or undefined. */
  doorLimit?: (doorId: string) => Promise<number | undefined>;
}

export interface ToggleRequest {
  doorId: string | undefined;
  state: DoorState;
  /** How the request arrived: "API: <application>", "ParqEx Web", "Keypad"... */
  channel: string;
  /** The application's client id; null for ParqEx's own pages. */
  clientId: string | null;
  /** The token's scopes; undefined when no OAuth scope applies (web pages, keypad). */
  scopes?: ReadonlySet<string>;
  idempotencyKey?: string;
  /** When the request arrived (epoch ms), which starts the deadline; now when not given. */
  receivedAt?: number;
}

/** The door a toggle moves: its id, the name the asker knows it by, and what its controller needs. */
export interface ToggleTarget {
  id: string;
  name: string;
  row: Pick<VisibleDoor['row'], 'device_id' | 'entity_number' | 'kind' | 'sensor'>;
}

export interface PendingToggle {
  toggleId: string;
  door: ToggleTarget;
  state: DoorState;
  /** The answer is due then (epoch ms). */
  answerBy: number;
  /** The command's own deadline: a little before answerBy, leaving time to record the outcome. */
  expiresAt: number;
}

/** Who an opening decided outside the toggle route is for (phase2.md B.5): a person, or nobody (an allowance). */
export type Actor = { personId: string } | 'system';

/** Time kept between the command's deadline and the answer's, to record the outcome. */
function recordingMargin(deadlineMs: number): number {
  return Math.min(500, Math.floor(deadlineMs / 5));
}

/** The answer when the checks or the claim (all database work) did not finish in time: nothing was sent. */
function storeTooSlow(): StoreUnavailable {
  return new StoreUnavailable('the database did not answer before the toggle deadline');
}

export interface ToggleOutcome {
  toggleId: string;
  doorId: string;
  doorName: string;
  state: DoorState;
}

/** Runs every check and sends nothing yet; the returned toggle is claimed (no other command for this door until it ends). */
export async function startToggle(deps: ToggleDeps, viewer: Viewer, request: ToggleRequest): Promise<PendingToggle | ToggleOutcome> {
  // Whole milliseconds: the command carries its deadline as an integer.
  const answerBy = Math.floor(request.receivedAt ?? systemClock.now()) + deps.deadlineMs;
  return beforeDeadline(answerBy, checkAndClaim(deps, viewer, request, answerBy), storeTooSlow);
}

/**
 * An opening its caller already decided (a keypad PIN, a plate read): the
 * door is found by id, with no view or `decide` of its own; the door's steps
 * (what it can do, its controller online, busy) and the command are the
 * toggle's. Each refusal is a failed history row for the actor.
 */
export async function startDecidedToggle(deps: ToggleDeps, actor: Actor, request: { doorId: string; state: DoorState; channel: string; receivedAt?: number }): Promise<PendingToggle> {
  const answerBy = Math.floor(request.receivedAt ?? systemClock.now()) + deps.deadlineMs;
  const personId = actor === 'system' ? null : actor.personId;
  return beforeDeadline(answerBy, (async () => {
    const door = await toggleTarget(deps.db, request.doorId);
    const refuse = refuser(deps, door, personId, request);
    const claimed = await checkDoorAndClaim(deps, door, { personId, clientId: null, channel: request.channel, state: request.state }, answerBy, refuse);
    return claimed ?? refuse('busy', busyMessage(door.name));
  })(), storeTooSlow);
}

/** A door by id, named as its account names it: for openings no person's view of the door is behind. */
export async function toggleTarget(db: Kysely<Database>, doorId: string): Promise<ToggleTarget> {
  const row = await findDoor(db, doorId);
  if (!row) throw new DomainError('not_found', 'No such door.');
  return { id: row.id, name: row.name, row: { device_id: row.device_id, entity_number: row.entity_number, kind: row.kind, sensor: row.sensor } };
}

type Refuse = (code: ErrorCode, message: string, extra?: { scope?: string; retryAfter?: number }) => Promise<never>;

/** Records each refusal on this door for this person, then throws it. */
function refuser(deps: ToggleDeps, door: ToggleTarget, personId: string | null, request: { channel: string; state: DoorState }): Refuse {
  return async (code, message, extra = {}) => {
    await recordRefusal(deps, door, personId, request, code, message);
    throw new DomainError(code, message, { doorName: door.name, ...extra });
  };
}

/** A refused attempt on a door: its failed history row and, when the rules forbade it (scope, hours), `unauthorized_attempt`, together. */
export async function recordRefusal(deps: ToggleDeps, door: ToggleTarget, personId: string | null, request: AttemptRequest, code: ErrorCode, message: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await recordAttempt(deps, trx, door, personId, request, false);
    // The enforcer's concern. Doors that cannot do it, or busy ones, are not.
    if (code === 'forbidden') {
      await appendEvent(trx, {
        type: 'unauthorized_attempt', doorId: door.id, deviceId: door.row.device_id, occurredAt: seconds(deps.clock.now()),
        data: { doorID: compactId(door.id), deviceID: compactId(door.row.device_id), channel: request.channel, reason: message, userThatToggled: await personRef(trx, personId), plate: '', readID: '' },
      });
    }
  });
}

async function checkAndClaim(deps: ToggleDeps, viewer: Viewer, request: ToggleRequest, answerBy: number): Promise<PendingToggle | ToggleOutcome> {
  const key = request.idempotencyKey ? idempotencyKey(viewer, request) : undefined;
  const at = new Date(deps.clock.now());
  const door = await requireVisibleDoor(deps.db, viewer, request.doorId, at);
  const refuse = refuser(deps, door, viewer.personId, request);
  const scope = request.state === 'OPEN' ? 'opendoor' : 'closedoor';
  if (request.scopes && !request.scopes.has(scope)) {
    await refuse('forbidden', `This application may not ${request.state === 'OPEN' ? 'open' : 'close'} doors: it needs the ${scope} scope.`, { scope });
  }
  // A retry with the same key gets the first outcome, once the caller may still see and ask for it.
  if (key) {
    const earlier = await commands.findCommandByKey(deps.db, key, systemClock.now() - IDEMPOTENCY_MS);
    if (earlier) {
      if (earlier.door_id !== door.id || earlier.requested_state !== request.state) {
        throw new DomainError('invalid', 'This Idempotency-Key was used for another request (a different door or state).', { doorName: door.name });
      }
      return replay(deps, viewer, earlier.id);
    }
  }
  const decision = await decide(deps.db, deps.clock, { subject: viewer, doorId: door.id, at });
  if (!decision.allowed) await refuse('forbidden', refusalMessage(door.name, decision.reason));
  const claimed = await checkDoorAndClaim(deps, door, { personId: viewer.personId, clientId: request.clientId, channel: request.channel, state: request.state, idempotencyKey: key }, answerBy, refuse);
  if (claimed) return claimed;
  // The same key raced in from another request: answer with that one's outcome.
  const raced = key ? await commands.findCommandByKey(deps.db, key, systemClock.now() - IDEMPOTENCY_MS) : undefined;
  if (raced) return replay(deps, viewer, raced.id);
  return refuse('busy', busyMessage(door.name));
}

interface CommandClaim {
  personId: string | null;
  clientId: string | null;
  channel: string;
  state: DoorState;
  idempotencyKey?: string;
}

/**
 * The steps every opening takes once someone may ask it, whoever decided
 * that: the door must be able to do it, its controller online, the door not
 * over its limit; then the claim. Undefined when another command holds the door.
 */
async function checkDoorAndClaim(deps: ToggleDeps, door: ToggleTarget, claim: CommandClaim, answerBy: number, refuse: Refuse): Promise<PendingToggle | undefined> {
  const expiresAt = answerBy - recordingMargin(deps.deadlineMs);
  const capabilities = doorCapabilities(door.row);
  if (!capabilities.canOpen && !capabilities.canClose) await refuse('sensor_required', `${door.name} requires a door sensor.`);
  if (claim.state === 'CLOSED' && !capabilities.canClose) await refuse('not_supported', `${door.name} cannot be closed; it re-locks by itself.`);
  const device = await findDevice(deps.db, door.row.device_id);
  if (!device || device.active !== 1 || device.online !== 1) await refuse('device_offline', `The controller of ${door.name} is offline.`);

  const wait = await deps.doorLimit?.(door.id);
  if (wait !== undefined) await refuse('rate_limited', `${door.name} was toggled too often. Try again in ${wait} seconds.`, { retryAfter: wait });

  const toggleId = randomBytes(16).toString('hex').toUpperCase();
  const now = systemClock.now();
  const command = {
    id: toggleId,
    door_id: door.id,
    device_id: door.row.device_id,
    entity_number: door.row.entity_number,
    person_id: claim.personId,
    client_id: claim.clientId,
    channel: claim.channel,
    requested_state: claim.state,
    idempotency_key: claim.idempotencyKey ?? null,
    created_at: now,
    expires_at: expiresAt,
  };
  // A command whose process died before the answer must not hold the door forever: a door found held
  // is freed of such a command and claimed once more (looked for only then: one write per claim, not two).
  const claimed = await commands.insertPendingCommand(deps.db, command)
    || (await commands.expireStaleCommands(deps.db, now, door.id) > 0 && await commands.insertPendingCommand(deps.db, command));
  return claimed ? { toggleId, door, state: claim.state, answerBy, expiresAt } : undefined;
}

function busyMessage(doorName: string): string {
  return `${doorName} is still carrying out an earlier request. Try again in a few seconds.`;
}

/**
 * Sends the claimed command and waits for the controller's answer (or the
 * command's deadline), then records the outcome; answers by `answerBy` in any
 * case. Only a recorded success is a success: an acknowledged command whose
 * outcome the database did not take in time answers 503, and is recorded when
 * the database is back.
 */
export async function completeToggle(deps: ToggleDeps, viewer: { personId: string | null; guestPassId?: string }, pending: PendingToggle, channel: string): Promise<ToggleOutcome> {
  const progress: { sent: boolean; answer?: CommandAnswer } = { sent: false };
  return beforeDeadline(pending.answerBy, sendAndRecord(deps, viewer, pending, channel, progress), () => {
    const reason = progress.sent ? failureReason(progress.answer ?? { answered: false }) : undefined;
    return reason ? failure(reason, pending.door.name) : storeTooSlow();
  });
}

async function sendAndRecord(deps: ToggleDeps, viewer: { personId: string | null; guestPassId?: string }, pending: PendingToggle, channel: string, progress: { sent: boolean; answer?: CommandAnswer }): Promise<ToggleOutcome> {
  // Late (the caller already had its answer): never sent, only recorded as not done.
  let answer: CommandAnswer = { answered: false };
  if (systemClock.now() < pending.expiresAt) {
    progress.sent = true;
    answer = await deps.commands.execute({
      id: pending.toggleId,
      deviceId: pending.door.row.device_id,
      entityNumber: pending.door.row.entity_number,
      action: pending.state === 'OPEN' ? 'open' : 'close',
      expiresAt: pending.expiresAt,
    });
    progress.answer = answer;
  }
  const move = { toggleId: pending.toggleId, doorId: pending.door.id, deviceId: pending.door.row.device_id, personId: viewer.personId, guestPassId: viewer.guestPassId, channel, state: pending.state };
  const reason = await recordWhenPossible(() => deps.db.transaction().execute((trx) => answerMove(deps, trx, move, answer)));
  if (reason) throw failure(reason, pending.door.name);
  return { toggleId: pending.toggleId, doorId: pending.door.id, doorName: pending.door.name, state: pending.state };
}

export async function toggleDoor(deps: ToggleDeps, viewer: Viewer, request: ToggleRequest): Promise<ToggleOutcome> {
  const started = await startToggle(deps, viewer, request);
  return 'door' in started ? completeToggle(deps, viewer, started, request.channel) : started;
}

export interface ToggleStatus {
  toggleId: string;
  doorId: string;
  state: DoorState;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
}

/** Extension: the outcome of an earlier (asynchronous) toggle, for the person and application that sent it. */
export async function toggleStatus(db: Kysely<Database>, viewer: Viewer, clientId: string | null, toggleId: string, at: Date): Promise<ToggleStatus> {
  const row = /^[0-9A-Fa-f]{32}$/.test(toggleId) ? await commands.findCommand(db, toggleId.toUpperCase()) : undefined;
  if (!row || row.person_id !== viewer.personId || row.client_id !== clientId) throw new DomainError('not_found', 'No such toggle.');
  // The token must still cover the door (grants can narrow, access can end).
  await requireVisibleDoor(db, viewer, row.door_id, at).catch(() => {
    throw new DomainError('not_found', 'No such toggle.');
  });
  return { toggleId: row.id, doorId: row.door_id, state: row.requested_state, status: row.status, reason: row.reason };
}

/** A retried request with the same key: wait for the first one and give its outcome. */
async function replay(deps: ToggleDeps, viewer: Viewer, toggleId: string): Promise<ToggleOutcome> {
  for (;;) {
    const row = await commands.findCommand(deps.db, toggleId);
    if (!row) throw new DomainError('not_found', 'No such door.');
    if (row.status !== 'pending' || row.expires_at + 2000 < systemClock.now()) {
      const door = await requireVisibleDoor(deps.db, viewer, row.door_id, new Date(deps.clock.now()));
      if (row.status === 'succeeded') return { toggleId: row.id, doorId: row.door_id, doorName: door.name, state: row.requested_state };
      throw failure((row.reason as ErrorCode | null) ?? 'device_timeout', door.name);
    }
    await sleep(50);
  }
}

/** How long the outcome of a command that was sent keeps being offered to a database that is away, and how often. */
const RECORD_RETRY_MS = 120_000;
const RECORD_RETRY_EVERY_MS = 1000;

/**
 * A command that was sent happened (or did not) whatever the database does:
 * its outcome is recorded once the database takes it, after the caller had
 * its answer if need be, so the history does not lose a door that moved.
 */
async function recordWhenPossible<T>(record: () => Promise<T>): Promise<T> {
  const giveUpAt = systemClock.now() + RECORD_RETRY_MS;
  for (;;) {
    try {
      return await record();
    } catch (error) {
      if (!storeFailure(error) || systemClock.now() > giveUpAt) throw error;
      // Unreferenced: a process shutting down does not wait for it.
      await sleep(RECORD_RETRY_EVERY_MS, undefined, { ref: false });
    }
  }
}

function failure(code: ErrorCode, doorName: string): DomainError {
  const message = code === 'device_failed'
    ? `The controller of ${doorName} reported that it could not carry out the request.`
    : code === 'device_offline'
      ? `The controller of ${doorName} cannot be reached.`
      : `The controller of ${doorName} did not answer in time; the door was not moved.`;
  return new DomainError(code, message, { doorName });
}

function idempotencyKey(viewer: Viewer, request: ToggleRequest): string {
  return createHash('sha256').update(`${request.clientId ?? 'web'}\n${viewer.personId}\n${request.idempotencyKey}`).digest('base64url');
}

/** A guest's attempt names the pass too, so the history shows the guest for refusals as for openings. */
type AttemptRequest = { channel: string; state: DoorState; guestPassId?: string };

async function recordAttempt(deps: ToggleDeps, db: Kysely<Database>, door: ToggleTarget, personId: string | null, request: AttemptRequest, wasSuccess: boolean): Promise<void> {
  await recordAccessEvent(db, { doorId: door.id, deviceId: door.row.device_id, personId, guestPassId: request.guestPassId, channel: request.channel, doorState: request.state, wasSuccess, occurredAt: seconds(deps.clock.now()) });
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
