// Delivers webhooks: fans new outbox events out to deliveries, leases due
// deliveries (any process may, none twice), POSTs each signed with a short
// timeout, records every attempt, and reschedules failures. Clock, fetch and
// DNS are arguments, so tests drive it against a real local receiver.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Box } from '../security/encryption.ts';
import type { Database } from '../store/database.ts';
import * as repo from '../store/repositories/webhooks.ts';
import { fanOut } from './fan-out.ts';
import { deliveryBody } from './payload.ts';
import { maxAttempts, nextAttemptAt } from './retry-schedule.ts';
import { signDelivery } from './signing.ts';
import { checkDestination, type Lookup } from './ssrf-guard.ts';

export interface DispatcherDeps {
  db: Kysely<Database>;
  box: Box;
  /** PostgreSQL: lease with FOR UPDATE SKIP LOCKED. */
  skipLocked: boolean;
  production: boolean;
  now?: () => number;
  fetch?: typeof fetch;
  lookup?: Lookup;
  random?: () => number;
  timeoutMs?: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs?: number;
  onDisabled?: (endpoint: { id: string; client_id: string; url: string }) => Promise<void>;
  log?: { warn(obj: object, msg: string): void };
}

// Longer than a delivery can take (5 s timeout), short enough that a crashed process's leases free up soon.
const LEASE_MS = 15_000;
const RESPONSE_EXCERPT_BYTES = 2048;
const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

export class WebhookDispatcher {
  readonly #deps: DispatcherDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  start(intervalMs = 250): void {
    this.#stopped = false;
    const loop = async () => {
      this.#running = this.tick().then(() => undefined, (error: unknown) => this.#deps.log?.warn({ err: error }, 'webhook dispatch failed'));
      await this.#running;
      if (!this.#stopped) this.#timer = setTimeout(loop, intervalMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: fan out, then deliver what is due. Returns the number of attempts made. */
  async tick(): Promise<number> {
    const now = this.#now();
    while (await fanOut(this.#deps.db, { skipLocked: this.#deps.skipLocked, now }) > 0) { /* until caught up */ }
    const leased = await repo.leaseDueDeliveries(this.#deps.db, now, LEASE_MS, 100, this.#deps.skipLocked);
    // Per endpoint in the order the events happened; endpoints in parallel.
    const byEndpoint = Map.groupBy(leased, (delivery) => delivery.endpoint_id);
    await Promise.all([...byEndpoint.values()].map(async (deliveries) => {
      for (const delivery of deliveries) await this.#deliver(delivery);
    }));
    return leased.length;
  }

  async #deliver(delivery: repo.LeasedDelivery): Promise<void> {
    const [endpoint, event] = await Promise.all([repo.findEndpoint(this.#deps.db, delivery.endpoint_id), repo.findEvent(this.#deps.db, delivery.event_id)]);
    if (!endpoint || !event) return;
    const started = this.#now();
    const attempt: { status: number | null; excerpt: string | null; error: string | null } = { status: null, excerpt: null, error: null };
    if (endpoint.enabled !== 1) {
      attempt.error = 'endpoint disabled';
    } else {
      const destination = await checkDestination(endpoint.url, { production: this.#deps.production, lookup: this.#deps.lookup });
      if (!destination.ok) {
        attempt.error = `refused destination: ${destination.reason}`;
      } else {
        await this.#post(endpoint, event, delivery, started, attempt);
      }
    }
    const delivered = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    const attempts = delivery.attempts + 1;
    const next = delivered ? undefined : nextAttemptAt(attempts, this.#now(), this.#deps.random);
    await repo.recordAttempt(this.#deps.db, {
      id: randomBytes(12).toString('hex'), delivery_id: delivery.id, attempted_at: started, status_code: attempt.status,
      latency_ms: Math.max(0, Math.round(this.#now() - started)), response_excerpt: attempt.excerpt, error: attempt.error,
    }, {
      deliveryId: delivery.id,
      status: delivered ? 'delivered' : next === undefined || attempts >= maxAttempts ? 'dead' : 'pending',
      attempts,
      nextAttemptAt: next ?? this.#now(),
      deliveredAt: delivered ? this.#now() : null,
    });
    await this.#trackHealth(endpoint, delivered);
  }

  async #post(endpoint: Database['webhook_endpoints'], event: Database['outbox_events'], delivery: repo.LeasedDelivery, started: number, attempt: { status: number | null; excerpt: string | null; error: string | null }): Promise<void> {
    const body = deliveryBody(event, delivery);
    const now = Math.floor(started / 1000);
    const secrets = [this.#deps.box.open(endpoint.secret_sealed)];
    if (endpoint.previous_secret_sealed && (endpoint.previous_secret_until ?? 0) > now) secrets.push(this.#deps.box.open(endpoint.previous_secret_sealed));
    try {
      const response = await (this.#deps.fetch ?? fetch)(endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#deps.timeoutMs ?? 5000),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ParqEx-Webhooks/1',
          'x-parqex-api-key': this.#deps.box.open(endpoint.api_key_sealed),
          ...signDelivery(secrets, delivery.id, new Date(started), body),
        },
        body,
      });
      attempt.status = response.status;
      attempt.excerpt = await readExcerpt(response);
    } catch (error) {
      attempt.error = error instanceof Error ? error.message.slice(0, 300) : 'request failed';
    }
  }

  async #trackHealth(endpoint: Database['webhook_endpoints'], delivered: boolean): Promise<void> {
    const now = this.#now();
    if (delivered) {
      if (endpoint.failing_since !== null) await repo.updateEndpoint(this.#deps.db, endpoint.id, { failing_since: null });
      return;
    }
    if (endpoint.failing_since === null) {
      await repo.updateEndpoint(this.#deps.db, endpoint.id, { failing_since: now });
    } else if (endpoint.enabled === 1 && now - endpoint.failing_since >= (this.#deps.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS)) {
      await repo.updateEndpoint(this.#deps.db, endpoint.id, { enabled: 0, disabled_reason: `no successful delivery since ${new Date(endpoint.failing_since).toISOString()}` });
      await this.#deps.onDisabled?.(endpoint);
    }
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }
}

/** Reads at most a small excerpt of the response: a receiver cannot make us buffer a large body. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < RESPONSE_EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}
