// What happened to an endpoint's deliveries (every attempt, with its status
// code, latency and error), and sending one again at once. Only the
// application that owns the endpoint sees or requeues its deliveries.
import type { Kysely } from 'kysely';
import { DomainError } from '../access/errors.ts';
import { compactId } from '../access/ids.ts';
import type { Database } from '../store/database.ts';
import * as repo from '../store/repositories/webhooks.ts';
import { ownEndpoint } from './endpoints.ts';

/** Times are Unix milliseconds; each edge writes them its own way. */
export interface DeliveryReport {
  /** The body's `id` and the `webhook-id` header: 32 uppercase hex. */
  id: string;
  event_type: string;
  /** The body's `userID`: the authorizing person this delivery is for. */
  user_id: string;
  status: DeliveryStatus;
  created_at: number;
  delivered_at: number | null;
  /** When the next attempt is due; null once delivered or given up. */
  next_attempt_at: number | null;
  attempts: AttemptReport[];
}

export interface AttemptReport {
  attempted_at: number;
  /** Null when no answer came (timeout, refused connection, refused destination). */
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  /** The start of the response body, at most 2 KB. */
  response_excerpt: string | null;
}

const DEFAULT_DELIVERY_LIMIT = 20;
const MAX_DELIVERY_LIMIT = 100;

export const deliveryStatuses = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** The endpoint's most recent deliveries, newest first; only those in `status` when given (`dead`: what to redeliver). */
export async function endpointDeliveries(db: Kysely<Database>, clientId: string, endpointId: string, options: { limit?: number; status?: string } = {}): Promise<DeliveryReport[]> {
  const limit = options.limit ?? DEFAULT_DELIVERY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERY_LIMIT) throw new DomainError('invalid', `limit must be a whole number from 1 to ${MAX_DELIVERY_LIMIT}`);
  const status = options.status;
  if (status !== undefined && !(deliveryStatuses as readonly string[]).includes(status)) throw new DomainError('invalid', `status must be one of ${deliveryStatuses.join(', ')}`);
  const endpoint = await ownEndpoint(db, clientId, endpointId);
  const deliveries = await repo.deliveriesOfEndpoint(db, endpoint.id, limit, status as DeliveryStatus | undefined);
  const attempts = Map.groupBy(await repo.attemptsOfDeliveries(db, deliveries.map((delivery) => delivery.id)), (attempt) => attempt.delivery_id);
  return deliveries.map((delivery) => ({
    id: delivery.id,
    event_type: delivery.type,
    user_id: compactId(delivery.person_id),
    status: delivery.status,
    created_at: Number(delivery.created_at),
    delivered_at: delivery.delivered_at === null ? null : Number(delivery.delivered_at),
    next_attempt_at: delivery.status === 'pending' ? Number(delivery.next_attempt_at) : null,
    attempts: (attempts.get(delivery.id) ?? []).map((attempt) => ({
      attempted_at: Number(attempt.attempted_at),
      status_code: attempt.status_code,
      latency_ms: attempt.latency_ms,
      error: attempt.error,
      response_excerpt: attempt.response_excerpt,
    })),
  }));
}

/**
 * Makes a delivery due now, whatever its state: a dead one gets one more
 * attempt, a delivered one goes out again with the same id (receivers dedupe
 * on it). A disabled endpoint is refused: the attempt could only fail.
 */
export async function redeliver(db: Kysely<Database>, clientId: string, deliveryId: string, now = Date.now()): Promise<{ id: string; status: 'pending' }> {
  const delivery = await repo.findDeliveryOfClient(db, clientId, deliveryId.trim().toUpperCase());
  if (!delivery) throw new DomainError('not_found', 'No such webhook delivery.');
  if (delivery.enabled !== 1) throw new DomainError('invalid', `The endpoint ${delivery.endpoint_id} is disabled: enable it before redelivering.`);
  await repo.requeueDelivery(db, delivery.id, now);
  return { id: delivery.id, status: 'pending' };
}
