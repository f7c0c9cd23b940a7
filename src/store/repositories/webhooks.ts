// Webhook endpoints, deliveries and attempts. Endpoints are leased (FOR UPDATE
// SKIP LOCKED on PostgreSQL) so several processes deliver without doubling up.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.ts';
import { ADMIN_ROLE } from '../partial-index-values.ts';

export async function insertEndpoint(db: Kysely<Database>, row: Database['webhook_endpoints']): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export function endpointsOfClient(db: Kysely<Database>, clientId: string) {
  return db.selectFrom('webhook_endpoints').selectAll().where('client_id', '=', clientId).orderBy('created_at').execute();
}

export function findEndpoint(db: Kysely<Database>, id: string) {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export function enabledEndpoints(db: Kysely<Database>) {
  return db.selectFrom('webhook_endpoints').select(['id', 'client_id', 'event_types']).where('enabled', '=', 1).execute();
}

export async function updateEndpoint(db: Kysely<Database>, id: string, changes: Partial<Database['webhook_endpoints']>): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteEndpoint(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Who can see a door: its account's Admin and everyone given access to it. */
export async function peopleWhoSeeDoor(db: Kysely<Database>, doorId: string): Promise<string[]> {
  const admins = await db.selectFrom('doors').innerJoin('devices', 'devices.id', 'doors.device_id')
    .innerJoin('account_members', 'account_members.account_id', 'devices.account_id')
    .select('account_members.person_id').where('doors.id', '=', doorId).where('account_members.role', '=', ADMIN_ROLE).execute();
  const users = await db.selectFrom('door_access').select('person_id').where('door_id', '=', doorId).execute();
  return [...new Set([...admins, ...users].map((row) => row.person_id))];
}

/** Of these people, the members of the account while it has third-party applications switched off. */
export async function membersOfClosedAccount(db: Kysely<Database>, accountId: string, personIds: string[]): Promise<string[]> {
  if (personIds.length === 0) return [];
  const rows = await db.selectFrom('account_members').innerJoin('accounts', 'accounts.id', 'account_members.account_id')
    .select('account_members.person_id').where('accounts.id', '=', accountId).where('accounts.third_party_access', '=', 0)
    .where('account_members.person_id', 'in', personIds).execute();
  return rows.map((row) => row.person_id);
}

export function authorizationsFor(db: Kysely<Database>, personIds: string[], clientIds: string[]) {
  if (personIds.length === 0 || clientIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('authorizations').select(['grant_id', 'person_id', 'client_id', 'scopes'])
    .where('person_id', 'in', personIds).where('client_id', 'in', clientIds).execute();
}

export async function insertDeliveries(trx: Transaction<Database>, rows: Database['webhook_deliveries'][]): Promise<void> {
  if (rows.length === 0) return;
  await trx.insertInto('webhook_deliveries').values(rows)
    .onConflict((oc) => oc.columns(['event_id', 'person_id', 'endpoint_id']).doNothing()).execute();
}

export function lockEventsToFanOut(trx: Transaction<Database>, limit: number, skipLocked: boolean) {
  let query = trx.selectFrom('outbox_events').selectAll().where('fanned_out_at', 'is', null).orderBy('seq').orderBy('id').limit(limit);
  if (skipLocked) query = query.forUpdate().skipLocked();
  return query.execute();
}

export async function markEventsFannedOut(trx: Transaction<Database>, ids: string[], at: number): Promise<void> {
  if (ids.length) await trx.updateTable('outbox_events').set({ fanned_out_at: at }).where('id', 'in', ids).execute();
}

/**
 * Takes up to `limit` enabled endpoints that have deliveries due and that no
 * process holds, for `leaseMs`, in the name of `holder`. The endpoint that
 * was worked least recently comes first, so a busy endpoint cannot starve others.
 */
export async function leaseEndpoints(db: Kysely<Database>, input: { now: number; leaseMs: number; holder: string; limit: number; skipLocked: boolean }): Promise<string[]> {
  const { now } = input;
  return db.transaction().execute(async (trx) => {
    let free = trx.selectFrom('webhook_endpoints').select('id')
      .where('enabled', '=', 1)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .where((eb) => eb.exists(eb.selectFrom('webhook_deliveries').select('webhook_deliveries.id')
        .whereRef('webhook_deliveries.endpoint_id', '=', 'webhook_endpoints.id')
        .where('webhook_deliveries.status', '=', 'pending').where('webhook_deliveries.next_attempt_at', '<=', now)))
      .orderBy(sql`coalesce(leased_until, 0)`).orderBy('id').limit(input.limit);
    if (input.skipLocked) free = free.forUpdate().skipLocked();
    const ids = (await free.execute()).map((row) => row.id);
    if (ids.length === 0) return [];
    const leased = await trx.updateTable('webhook_endpoints').set({ leased_until: now + input.leaseMs, lease_holder: input.holder })
      .where('id', 'in', ids).where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .returning('id').execute();
    return leased.map((row) => row.id);
  });
}

/** Extends a lease this holder still has; false when it ran out and another process may have the endpoint. */
export async function renewEndpointLease(db: Kysely<Database>, endpointId: string, holder: string, now: number, until: number): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set({ leased_until: until })
    .where('id', '=', endpointId).where('lease_holder', '=', holder).where('leased_until', '>=', now).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Gives an endpoint back. Its leased_until stays as when it was last worked,
 * for fairness, or is set later (`restUntil`) to keep every process off it until then.
 */
export async function releaseEndpointLease(db: Kysely<Database>, endpointId: string, holder: string, now: number, restUntil?: number): Promise<void> {
  await db.updateTable('webhook_endpoints').set({ leased_until: restUntil ?? now, lease_holder: null })
    .where('id', '=', endpointId).where('lease_holder', '=', holder).execute();
}

export interface DueDelivery {
  id: string;
  person_id: string;
  attempts: number;
  /** The event's, to build the body. */
  type: string;
  data: string;
  occurred_at: number;
}

/**
 * An endpoint's due deliveries in the order their events were recorded, only
 * up to the oldest event not fanned out yet: another process may be fanning
 * out an earlier batch, whose deliveries must not be overtaken.
 */
export function dueDeliveriesOfEndpoint(db: Kysely<Database>, endpointId: string, now: number, limit: number): Promise<DueDelivery[]> {
  return db.selectFrom('webhook_deliveries').innerJoin('outbox_events as event', 'event.id', 'webhook_deliveries.event_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.person_id', 'webhook_deliveries.attempts', 'event.type', 'event.data', 'event.occurred_at'])
    .where('webhook_deliveries.endpoint_id', '=', endpointId).where('webhook_deliveries.status', '=', 'pending').where('webhook_deliveries.next_attempt_at', '<=', now)
    .where((eb) => eb.or([
      eb.not(eb.exists(eb.selectFrom('outbox_events').select('outbox_events.id').where('outbox_events.fanned_out_at', 'is', null))),
      eb('webhook_deliveries.event_seq', '<', eb.selectFrom('outbox_events').select((inner) => inner.fn.min('outbox_events.seq').as('first')).where('outbox_events.fanned_out_at', 'is', null)),
    ]))
    .orderBy('webhook_deliveries.event_seq').orderBy('webhook_deliveries.id').limit(limit).execute();
}

export async function recordAttempt(db: Kysely<Database>, row: Database['webhook_attempts'], outcome: { deliveryId: string; status: 'pending' | 'delivered' | 'dead'; attempts: number; nextAttemptAt: number; deliveredAt: number | null }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('webhook_attempts').values(row).execute();
    await trx.updateTable('webhook_deliveries').set({
      status: outcome.status, attempts: outcome.attempts, next_attempt_at: outcome.nextAttemptAt, delivered_at: outcome.deliveredAt,
    }).where('id', '=', outcome.deliveryId).execute();
  });
}

export function deliveriesOfEndpoint(db: Kysely<Database>, endpointId: string, limit: number, status?: Database['webhook_deliveries']['status']) {
  return db.selectFrom('webhook_deliveries').innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.person_id', 'webhook_deliveries.status', 'webhook_deliveries.attempts', 'webhook_deliveries.created_at',
      'webhook_deliveries.delivered_at', 'webhook_deliveries.next_attempt_at', 'outbox_events.type', 'outbox_events.occurred_at'])
    .where('webhook_deliveries.endpoint_id', '=', endpointId)
    .$if(status !== undefined, (query) => query.where('webhook_deliveries.status', '=', status!))
    .orderBy('webhook_deliveries.created_at', 'desc').orderBy('outbox_events.occurred_at', 'desc').orderBy('webhook_deliveries.id').limit(limit).execute();
}

/** The attempts at several deliveries, oldest first. */
export function attemptsOfDeliveries(db: Kysely<Database>, deliveryIds: string[]) {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('attempted_at').orderBy('id').execute();
}

/** A delivery, only when it goes to an endpoint of this client. */
export function findDeliveryOfClient(db: Kysely<Database>, clientId: string, deliveryId: string) {
  return db.selectFrom('webhook_deliveries').innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.endpoint_id', 'webhook_deliveries.status', 'webhook_endpoints.enabled'])
    .where('webhook_deliveries.id', '=', deliveryId).where('webhook_endpoints.client_id', '=', clientId).executeTakeFirst();
}

export async function requeueDelivery(db: Kysely<Database>, deliveryId: string, now: number): Promise<boolean> {
  const result = await db.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: now })
    .where('id', '=', deliveryId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Deletes events recorded before `before` (Unix seconds) that have nothing
 * left to send, with their deliveries and attempts (cascade). An event with a
 * delivery still pending stays, however old.
 */
export async function deleteFinishedEventsBefore(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('outbox_events')
    .where('occurred_at', '<', before).where('fanned_out_at', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_deliveries').select('webhook_deliveries.id')
      .whereRef('webhook_deliveries.event_id', '=', 'outbox_events.id').where('webhook_deliveries.status', '=', 'pending'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
