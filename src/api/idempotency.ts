// Idempotency-Key on write routes (phase2.md A.6), applied as route hooks:
// past authentication and schema, a request with a key claims it, runs, and
// leaves its answer (below 500) to be replayed for a day; the same key with
// another route or body is refused, and one still running answers 409. POST
// toggle keeps its own rules (src/access/toggle-door.ts).
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onResponseAsyncHookHandler, preHandlerAsyncHookHandler, preSerializationAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { DomainError } from '../access/errors.ts';
import { systemClock } from '../clock.ts';
import type { Box } from '../security/encryption.ts';
import type { Database } from '../store/database.ts';
import { findRecord, finishClaim, insertClaim, releaseClaim, takeOverClaim, type NewClaim } from '../store/repositories/idempotency-records.ts';
import { errorEnvelope } from './schemas.ts';

/** A request still running after this long is taken to have died: its key is taken over. */
const TAKE_OVER_AFTER_S = 120;
/** How long an answer is replayed. */
const REPLAY_FOR_S = 24 * 3600;

export interface IdempotencyDeps {
  db: Kysely<Database>;
  box: Box;
}

export interface IdempotencyOptions {
  /** Whose key it is: the application and, on a person's token, the person. */
  owner: (request: FastifyRequest) => { clientId: string; personId: string | null };
  /** Refuse a request without a key (400 idempotency_key_required). */
  required?: boolean;
}

/** For the route's schema: the header, documented and bounded. */
export const idempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: '1 to 255 printable ASCII characters, one per action: a retry with the same key and body gets the first answer (Idempotent-Replayed: true) for 24 hours' })),
});

/** For the route's schema: what a key can add to its answers. */
export const idempotencyErrors = { 409: errorEnvelope, 422: errorEnvelope };

const KEY_SHAPE = /^[\x20-\x7e]{1,255}$/;

// The claim of each request that holds one, until its answer is stored.
const claims = new WeakMap<FastifyRequest, NewClaim>();

/** Route hooks: spread into the route's options. */
export function idempotent(deps: IdempotencyDeps, options: IdempotencyOptions): {
  preHandler: preHandlerAsyncHookHandler;
  preSerialization: preSerializationAsyncHookHandler<unknown>;
  onResponse: onResponseAsyncHookHandler;
} {
  return {
    async preHandler(request, reply) {
      const key = readKey(request, options.required ?? false);
      if (key === undefined) return;
      const claim = await claimOrAnswer(deps, request, reply, key, options.owner(request));
      if (claim) claims.set(request, claim);
      else return reply;
    },
    // The answer as the handler or the error handler gave it, before it is serialized
    // (and compressed): replayed through the same response schema, it reads the same.
    async preSerialization(request, reply, payload) {
      const claim = claims.get(request);
      if (!claim) return payload;
      claims.delete(request);
      // The answer goes out whatever happens here; an unsettled key is taken over later.
      await settle(deps, claim, reply.statusCode, payload).catch((error: unknown) => request.log.warn({ err: error }, 'idempotency record not stored'));
      return payload;
    },
    // A request that ended without an object answer leaves nothing to replay.
    async onResponse(request) {
      const claim = claims.get(request);
      if (!claim) return;
      claims.delete(request);
      await releaseClaim(deps.db, claim).catch((error: unknown) => request.log.warn({ err: error }, 'idempotency key not released'));
    },
  };
}

function readKey(request: FastifyRequest, required: boolean): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    if (required) throw new DomainError('idempotency_key_required', 'This request needs an Idempotency-Key header.');
    return undefined;
  }
  if (typeof header !== 'string' || !KEY_SHAPE.test(header)) throw new DomainError('invalid', 'Invalid Idempotency-Key: use 1 to 255 printable ASCII characters.');
  return header;
}

async function claimOrAnswer(deps: IdempotencyDeps, request: FastifyRequest, reply: FastifyReply, key: string, owner: { clientId: string; personId: string | null }): Promise<NewClaim | undefined> {
  const now = Math.floor(systemClock.now() / 1000);
  const claim: NewClaim = {
    key_hash: sha256([owner.clientId, owner.personId ?? '', key]),
    route: `${request.method} ${request.routeOptions.url ?? request.url}`,
    request_hash: sha256([request.method, request.url.split('?')[0]!, canonicalJson(request.body ?? null)]),
    created_at: now,
    expires_at: now + TAKE_OVER_AFTER_S,
  };
  // A record can vanish or be taken over between two steps: look again, a few times.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await insertClaim(deps.db, claim)) return claim;
    const record = await findRecord(deps.db, claim.key_hash);
    if (!record) continue;
    if (record.expires_at <= now) {
      if (await takeOverClaim(deps.db, record, claim)) return claim;
      continue;
    }
    if (record.route !== claim.route || record.request_hash !== claim.request_hash) {
      throw new DomainError('idempotency_mismatch', 'This Idempotency-Key was already used with another request. Use a new key for a new request.');
    }
    if (record.state === 'running' || record.status === null || record.body_sealed === null) {
      throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still in progress. Try again in a few seconds.');
    }
    reply.code(record.status).header('idempotent-replayed', 'true').send(JSON.parse(deps.box.open(record.body_sealed)));
    return undefined;
  }
  throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still in progress. Try again in a few seconds.');
}

async function settle(deps: IdempotencyDeps, claim: NewClaim, status: number, payload: unknown): Promise<void> {
  // A 5xx is not an answer: the retry runs again.
  if (status >= 500) return releaseClaim(deps.db, claim);
  const now = Math.floor(systemClock.now() / 1000);
  await finishClaim(deps.db, claim, { status, body_sealed: deps.box.seal(JSON.stringify(payload)), expires_at: now + REPLAY_FOR_S });
}

function sha256(parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

/** JSON with object keys sorted at every depth: one body, one text, however its keys were ordered. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
