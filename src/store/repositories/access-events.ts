import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database, DoorState } from '../database.ts';
import { preparedWrite } from '../prepared.ts';

// Every door move records one: compiled once.
const insertEvent = preparedWrite((db: Kysely<Database>, id: string, doorId: string, deviceId: string, personId: string | null, channel: string, doorState: DoorState,
  wasSuccess: number, occurredAt: number, guestPassId: string | null, bookingId: string | null) => db.insertInto('access_events').values({
  id, door_id: doorId, device_id: deviceId, person_id: personId, channel, door_state: doorState, was_success: wasSuccess, occurred_at: occurredAt,
  guest_pass_id: guestPassId, booking_id: bookingId,
}));

export async function insertAccessEvent(db: Kysely<Database>, row: Database['access_events']): Promise<void> {
  await insertEvent(db, row.id, row.door_id, row.device_id, row.person_id, row.channel, row.door_state, row.was_success, row.occurred_at, row.guest_pass_id ?? null, row.booking_id ?? null);
}

export interface EventQuery {
  /** Doors whose every event is wanted (the Admin's view). */
  allEventsOf: string[];
  /** Doors of which only `personId`'s own events are wanted (a User's view). */
  ownEventsOf: string[];
  personId: string;
  from: number;
  to: number;
  /** Keyset position: events strictly older than this (occurred_at, id). */
  before?: { occurredAt: number; id: string };
  limit: number;
  /** Only this person's events (within what the view allows). */
  onlyPersonId?: string;
  wasSuccess?: boolean;
  /** A channel as recorded, or `API: ` for every application's. */
  channel?: string;
}

export function findAccessEvents(db: Kysely<Database>, query: EventQuery) {
  if (query.allEventsOf.length === 0 && query.ownEventsOf.length === 0) return Promise.resolve([]);
  let select = db.selectFrom('access_events')
    .leftJoin('people', 'people.id', 'access_events.person_id')
    .leftJoin('guest_passes', 'guest_passes.id', 'access_events.guest_pass_id')
    .select(['access_events.id', 'access_events.door_id', 'access_events.door_state', 'access_events.channel', 'access_events.was_success',
      'access_events.occurred_at', 'access_events.person_id', 'people.first_name', 'people.last_name', 'people.email',
      'access_events.guest_pass_id', 'guest_passes.guest_name'])
    .where((eb) => eb.or([
      ...(query.allEventsOf.length ? [eb('access_events.door_id', 'in', query.allEventsOf)] : []),
      ...(query.ownEventsOf.length ? [eb.and([eb('access_events.door_id', 'in', query.ownEventsOf), eb('access_events.person_id', '=', query.personId)])] : []),
    ]))
    .where('access_events.occurred_at', '>=', query.from)
    .where('access_events.occurred_at', '<', query.to);
  if (query.onlyPersonId !== undefined) select = select.where('access_events.person_id', '=', query.onlyPersonId);
  if (query.wasSuccess !== undefined) select = select.where('access_events.was_success', '=', query.wasSuccess ? 1 : 0);
  if (query.channel === 'API: ') select = select.where('access_events.channel', 'like', 'API: %');
  else if (query.channel !== undefined) select = select.where('access_events.channel', '=', query.channel);
  if (query.before) {
    const { occurredAt, id } = query.before;
    select = select.where((eb: ExpressionBuilder<Database, 'access_events'>) => eb.or([
      eb('access_events.occurred_at', '<', occurredAt),
      eb.and([eb('access_events.occurred_at', '=', occurredAt), eb('access_events.id', '<', id)]),
    ]));
  }
  return select.orderBy('access_events.occurred_at', 'desc').orderBy('access_events.id', 'desc').limit(query.limit).execute();
}

/** Everyone named in the events of these doors: the choices of the history page's person filter. */
export function peopleInEventsOf(db: Kysely<Database>, doorIds: readonly string[]) {
  if (doorIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('access_events').innerJoin('people', 'people.id', 'access_events.person_id')
    .select(['people.id', 'people.first_name', 'people.last_name', 'people.email'])
    .where('access_events.door_id', 'in', doorIds).distinct()
    .orderBy('people.first_name').orderBy('people.last_name').orderBy('people.id').execute();
}
