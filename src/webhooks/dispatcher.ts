// Delivers webhooks: fans new outbox events out to deliveries, leases
// endpoints that have deliveries due (one process per endpoint at a time, so
// each endpoint gets its events in order and none twice), POSTs each
// delivery signed, records every attempt, and reschedules failures. Clock and
// DNS are arguments, so tests drive it against a real local receiver.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Box } from '../security/encryption.ts';
import type { Database } from '../store/database.ts';
import * as repo from '../store/repositories/webhooks.ts';
import { eventsAppended } from '../events/outbox.ts';
import { fanOut } from './fan-out.ts';
import { deliveryBody } from './payload.ts';
import { maxAttempts, nextAttemptAt } from './retry-schedule.ts';
import { createSender, type Sender } from './sender.ts';
import { signDelivery } from './signing.ts';
import { checkDestination, type Lookup } from './ssrf-guard.ts';
import type { Clock } from '../clock.ts';

export interface DispatcherDeps {
  db: Kysely<Database>;
  box: Box;
  /** PostgreSQL: lease with FOR UPDATE SKIP LOCKED. */
  skipLocked: boolean;
  production: boolean;
  /** Real time: leases, attempts, retries (a manual clock must not stall delivery). */
  now?: () => number;
  /** Domain time: whether a person sees the event's door. */
  clock?: Clock;
  lookup?: Lookup;
  random?: () => number;
  timeoutMs?: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs?: number;
  onDisabled?: (endpoint: { id: string; client_id: string; url: string }) => Promise<void>;
  log?: { warn(obj: object, msg: string): void };
}

export const DEFAULT_TIMEOUT_MS = 5000;
// A crashed process's endpoints free up after this long.
const LEASE_MS = 15_000;
// Renewed before a delivery when less than this is left: more than one delivery can take.
const RENEW_BELOW_MS = 10_000;
// Endpoints one process works at once, and deliveries it sends one endpoint before giving it back.
const ENDPOINTS_AT_ONCE = 32;
const DELIVERIES_PER_LEASE = 200;
// An endpoint that failed this many times in a row is left alone for REST_MS (its deliveries keep their places).
export const FAILURES_BEFORE_REST = 3;
export const REST_MS = 30_000;
const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;
// After an event is appended here, time for its transaction to commit before the dispatcher looks.
const AFTER_APPEND_MS = 5;

interface OpenSecrets {
  apiKey: string;
  /** The current signing secret, and during a rotation the previous one. */
  signing: string[];
}

export class WebhookDispatcher {
  readonly #deps: DispatcherDeps;
  readonly #sender: Sender;
  readonly #holder = randomBytes(8).toString('hex');
  readonly #working = new Set<Promise<number>>();
  #timer: NodeJS.Timeout | undefined;
  /** When the next round is due (epoch ms, real time). */
  #dueAt = Infinity;
  #intervalMs = 250;
  #pumping: Promise<unknown> | undefined;
  /** An event was appended during a round: the next round comes soon, not after the interval. */
  #appendedDuringRound = false;
  #stopped = true;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#sender = createSender({ production: deps.production, lookup: deps.lookup, timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  }

  /**
   * Runs in the background: a slow endpoint holds up only itself, never the
   * others. A round every `intervalMs`, and soon after this process appends an event.
   */
  start(intervalMs = 250): void {
    this.#stopped = false;
    this.#intervalMs = intervalMs;
    eventsAppended.on('appended', this.#appended);
    this.#roundIn(0);
  }

  #roundIn(ms: number): void {
    clearTimeout(this.#timer);
    this.#dueAt = Date.now() + ms;
    this.#timer = setTimeout(() => void this.#round(), ms);
  }

  async #round(): Promise<void> {
    this.#dueAt = Infinity;
    this.#appendedDuringRound = false;
    this.#pumping = this.#pump().catch((error: unknown) => this.#deps.log?.warn({ err: error }, 'webhook dispatch failed'));
    await this.#pumping;
    this.#pumping = undefined;
    if (!this.#stopped) this.#roundIn(this.#appendedDuringRound ? AFTER_APPEND_MS : this.#intervalMs);
  }

  // Brings the next round forward, never back: a steady stream of events must not keep postponing it.
  readonly #appended = () => {
    if (this.#stopped) return;
    if (this.#pumping) this.#appendedDuringRound = true;
    else if (this.#dueAt > Date.now() + AFTER_APPEND_MS) this.#roundIn(AFTER_APPEND_MS);
  };

  async stop(): Promise<void> {
    this.#stopped = true;
    eventsAppended.off('appended', this.#appended);
    clearTimeout(this.#timer);
    await this.#pumping;
    await Promise.allSettled(this.#working);
    await this.#sender.close();
  }

  /** One full round, waited for: fan out, then work every endpoint with deliveries due. Returns the attempts made. */
  async tick(): Promise<number> {
    const started = await this.#pump();
    return (await Promise.all(started)).reduce((sum, attempts) => sum + attempts, 0);
  }

  /** Fans out, then starts work on the endpoints it could lease. */
  async #pump(): Promise<Promise<number>[]> {
    const now = this.#now();
    while (await fanOut(this.#deps.db, { skipLocked: this.#deps.skipLocked, now, clock: this.#deps.clock }) > 0) { /* until caught up */ }
    const room = ENDPOINTS_AT_ONCE - this.#working.size;
    if (room <= 0) return [];
    const endpoints = await repo.leaseEndpoints(this.#deps.db, { now, leaseMs: LEASE_MS, holder: this.#holder, limit: room, skipLocked: this.#deps.skipLocked });
    return endpoints.map((endpointId) => {
      const work = this.#work(endpointId, now + LEASE_MS).catch((error: unknown) => {
        this.#deps.log?.warn({ err: error, endpointId }, 'webhook endpoint work failed');
        return 0;
      });
      this.#working.add(work);
      void work.finally(() => this.#working.delete(work));
      return work;
    });
  }

  /**
   * Sends an endpoint's due deliveries one at a time, oldest event first, while
   * the lease lasts. After a few failures in a row the endpoint rests a while:
   * a receiver that is down or hangs would otherwise hold a worker for every
   * delivery's timeout, and enough of them would starve the healthy endpoints.
   */
  async #work(endpointId: string, leasedUntil: number): Promise<number> {
    let sent = 0;
    let failuresInARow = 0;
    let restUntil: number | undefined;
    try {
      while (sent < DELIVERIES_PER_LEASE && restUntil === undefined) {
        const due = await repo.dueDeliveriesOfEndpoint(this.#deps.db, endpointId, this.#now(), Math.min(50, DELIVERIES_PER_LEASE - sent));
        // Read for each batch: a developer may disable the endpoint or rotate its secret meanwhile.
        const endpoint = await repo.findEndpoint(this.#deps.db, endpointId);
        if (due.length === 0 || !endpoint || endpoint.enabled !== 1) break;
        const destination = await checkDestination(endpoint.url, { production: this.#deps.production, lookup: this.#deps.lookup });
        const refusal = destination.ok ? undefined : `refused destination: ${destination.reason}`;
        const sealed = this.#openSecrets(endpoint);
        for (const delivery of due) {
          const now = this.#now();
          if (leasedUntil - now < RENEW_BELOW_MS) {
            if (!(await repo.renewEndpointLease(this.#deps.db, endpointId, this.#holder, now, now + LEASE_MS))) return sent;
            leasedUntil = now + LEASE_MS;
          }
          const outcome = await this.#deliver(endpoint, sealed, delivery, refusal);
          sent += 1;
          if (outcome === 'disabled') return sent;
          if (outcome === 'unbuildable') continue;
          failuresInARow = outcome === 'failed' ? failuresInARow + 1 : 0;
          if (failuresInARow >= FAILURES_BEFORE_REST) {
            restUntil = this.#now() + REST_MS;
            break;
          }
        }
      }
      return sent;
    } finally {
      await repo.releaseEndpointLease(this.#deps.db, endpointId, this.#holder, this.#now(), restUntil);
    }
  }

  /** One attempt, and what came of it for the endpoint. */
  async #deliver(endpoint: Database['webhook_endpoints'], secrets: OpenSecrets, delivery: repo.DueDelivery, refusal: string | undefined): Promise<'delivered' | 'failed' | 'disabled' | 'unbuildable'> {
    const started = this.#now();
    const request = this.#build(secrets, delivery, started);
    if ('error' in request) return this.#giveUp(endpoint, delivery, started, request.error);
    const outcome = refusal === undefined
      ? await this.#sender.send(endpoint.url, request.headers, request.body)
      : { status: null, excerpt: null, error: refusal };
    const delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const attempts = delivery.attempts + 1;
    const next = delivered ? undefined : nextAttemptAt(attempts, this.#now(), this.#deps.random);
    await repo.recordAttempt(this.#deps.db, {
      id: randomBytes(12).toString('hex'), delivery_id: delivery.id, attempted_at: started, status_code: outcome.status,
      latency_ms: Math.max(0, Math.round(this.#now() - started)), response_excerpt: outcome.excerpt, error: outcome.error,
    }, {
      deliveryId: delivery.id,
      status: delivered ? 'delivered' : next === undefined || attempts >= maxAttempts ? 'dead' : 'pending',
      attempts,
      nextAttemptAt: next ?? this.#now(),
      deliveredAt: delivered ? this.#now() : null,
    });
    if (!(await this.#trackHealth(endpoint, delivered))) return 'disabled';
    return delivered ? 'delivered' : 'failed';
  }

  /** The signed request, or why it cannot be made (an event stored with an absurd time or broken data). */
  #build(secrets: OpenSecrets, delivery: repo.DueDelivery, started: number): { body: string; headers: Record<string, string> } | { error: string } {
    try {
      const body = deliveryBody(delivery);
      return { body, headers: this.#headers(secrets, delivery.id, started, body) };
    } catch (error) {
      return { error: `the delivery cannot be built: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /**
   * Retrying could only fail the same way, and the endpoint's later
   * deliveries wait behind it: the delivery is dead at once, the reason in
   * its attempt. The receiver did nothing wrong, so the endpoint's health is untouched.
   */
  async #giveUp(endpoint: Database['webhook_endpoints'], delivery: repo.DueDelivery, started: number, reason: string): Promise<'unbuildable'> {
    this.#deps.log?.warn({ endpointId: endpoint.id, deliveryId: delivery.id, eventType: delivery.type, reason }, 'webhook delivery cannot be built: given up');
    await repo.recordAttempt(this.#deps.db, {
      id: randomBytes(12).toString('hex'), delivery_id: delivery.id, attempted_at: started, status_code: null, latency_ms: 0, response_excerpt: null, error: reason,
    }, { deliveryId: delivery.id, status: 'dead', attempts: delivery.attempts + 1, nextAttemptAt: started, deliveredAt: null });
    return 'unbuildable';
  }

  #openSecrets(endpoint: Database['webhook_endpoints']): OpenSecrets {
    const previousValid = endpoint.previous_secret_sealed !== null && (endpoint.previous_secret_until ?? 0) > Math.floor(this.#now() / 1000);
    return {
      apiKey: this.#deps.box.open(endpoint.api_key_sealed),
      signing: [this.#deps.box.open(endpoint.secret_sealed), ...(previousValid ? [this.#deps.box.open(endpoint.previous_secret_sealed!)] : [])],
    };
  }

  #headers(secrets: OpenSecrets, deliveryId: string, started: number, body: string): Record<string, string> {
    return {
      'content-type': 'application/json',
      'user-agent': 'ParqEx-Webhooks/1',
      'x-parqex-api-key': secrets.apiKey,
      ...signDelivery(secrets.signing, deliveryId, new Date(started), body),
    };
  }

  /** Notes a success or a failure against the endpoint; false when this failure disabled it. */
  async #trackHealth(endpoint: Database['webhook_endpoints'], delivered: boolean): Promise<boolean> {
    const now = Math.floor(this.#now() / 1000);
    if (delivered) {
      if (endpoint.failing_since !== null) await repo.updateEndpoint(this.#deps.db, endpoint.id, { failing_since: null });
      endpoint.failing_since = null;
      return true;
    }
    if (endpoint.failing_since === null) {
      await repo.updateEndpoint(this.#deps.db, endpoint.id, { failing_since: now });
      endpoint.failing_since = now;
      return true;
    }
    if ((now - endpoint.failing_since) * 1000 < (this.#deps.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS)) return true;
    await repo.updateEndpoint(this.#deps.db, endpoint.id, { enabled: 0, disabled_reason: `no successful delivery since ${new Date(endpoint.failing_since * 1000).toISOString()}` });
    await this.#deps.onDisabled?.(endpoint);
    return false;
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }
}
