// Appending an event: it needs the transaction of the change that causes it,
// so an event without its change (or a change without its event) cannot be written.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Transaction } from 'kysely';
import { systemClock } from '../clock.ts';
import type { Database } from '../store/database.ts';
import { insertOutboxEvent } from '../store/repositories/outbox.ts';
import { categoryOf, type EventFields, type EventName } from './types.ts';

/** The fields an event type carries: door<N>_open and door<N>_close share the door's. */
export type FieldsOf<Name extends EventName> = Name extends keyof EventFields ? EventFields[Name] : EventFields['door'];

export interface NewEvent<Name extends EventName = EventName> {
  type: Name;
  doorId?: string;
  deviceId?: string;
  /** The people it concerns; omitted: everyone who can see the door. */
  personIds?: string[];
  /** Phase 2 events: the account concerned; a recipient who is a member of it gets it only while it allows third-party applications. */
  accountId?: string;
  data: FieldsOf<Name>;
  occurredAt?: number;
}

/**
 * Told of each event this process appends (before its transaction commits),
 * so a dispatcher here looks for it a moment later instead of at its next
 * poll. Events appended by other processes wait for the poll.
 */
export const eventsAppended = new EventEmitter<{ appended: [] }>();

let lastSeq = 0;

/** Microseconds since the epoch, strictly increasing within this process: the order events are recorded in. */
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, systemClock.now() * 1000);
  return lastSeq;
}

export async function appendEvent<Name extends EventName>(trx: Transaction<Database>, event: NewEvent<Name>): Promise<string> {
  return insertEvent(trx, event, false);
}

/**
 * An event written with its deliveries already decided (a developer's test to
 * one endpoint): it is recorded fanned out, so the fan-out never sends it to
 * anyone else. Returns its id and its recording order.
 */
export async function appendDirectedEvent<Name extends EventName>(trx: Transaction<Database>, event: NewEvent<Name>): Promise<{ id: string; seq: number }> {
  const seq = nextSeq();
  return { id: await insertEvent(trx, event, true, seq), seq };
}

async function insertEvent<Name extends EventName>(trx: Transaction<Database>, event: NewEvent<Name>, directed: boolean, seq = nextSeq()): Promise<string> {
  const id = randomBytes(16).toString('hex').toUpperCase();
  await insertOutboxEvent(trx, {
    id,
    type: event.type,
    category: categoryOf(event.type),
    door_id: event.doorId ?? null,
    device_id: event.deviceId ?? null,
    person_ids: event.personIds ? JSON.stringify(event.personIds) : null,
    account_id: event.accountId ?? null,
    data: JSON.stringify(event.data),
    // Real time only until the door-moves merge: devices/ and toggle-door.ts do not pass it yet.
    occurred_at: event.occurredAt ?? Math.floor(systemClock.now() / 1000),
    seq,
    fanned_out_at: directed ? Math.floor(systemClock.now() / 1000) : null,
  });
  eventsAppended.emit('appended');
  return id;
}
