// Spec 3, step 5, reuse of a rotated refresh token:
// - within the grace window the same refresh token returns the same new pair,
//   also when two requests race on different processes;
// - after it, a public client's reuse revokes the whole grant (oidc-provider's
//   own behaviour), while a confidential client gets invalid_grant and the
//   grant lives on.
// The first request inserts a row keyed by the token's hash (the insert is the
// lock), runs the real grant, and seals the response into the row; the others
// wait for that row and answer with it, unless a live refresh would now fail:
// the grant revoked in between, or a scope asked for that the grant lacks.
// A claim is a lease: a leader SIGKILLed mid-refresh never seals nor releases
// its row, and without a bound every later refresh of that token would wait and
// fail for good. A claim still unsealed after the lease is taken over by one
// request (a conditional update on its created_at, which also fences the old
// leader out); if the dead leader had already rotated the token, the presenter
// of the original claim inside the grace window gets that rotation undone and
// led again (refresh-takeover.ts), anyone else the answers for a reused token.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Box } from '../security/encryption.ts';
import { hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findClient } from '../store/repositories/clients.ts';
import { findModel } from '../store/repositories/oauth-models.ts';
import * as rotations from '../store/repositories/refresh-rotations.ts';
import { undoUnsealedRotation } from './refresh-takeover.ts';

export interface RefreshGraceDeps {
  db: Kysely<Database>;
  provider: Provider;
  box: Box;
  graceSeconds: number;
  /** How long a claim may stay unsealed before it counts as abandoned. */
  claimLeaseMs: number;
  tokenPath: string;
}

interface StoredResponse {
  status: number;
  body: unknown;
}

const POLL_MS = 20;
const MAX_WAIT_MS = 10_000;
const MIN_LEASE_MS = 15_000;

/**
 * Well above the longest refresh: a handful of statements, each cut off by the
 * statement timeout (and the client's half second after it), ends in an error
 * that releases the claim; so a claim three statement timeouts old is one
 * whose leader is gone.
 */
export function claimLease(statementTimeoutMs: number): number {
  return Math.max(MIN_LEASE_MS, 3 * (statementTimeoutMs + 500));
}

export function refreshGrace(deps: RefreshGraceDeps) {
  return async function refreshGraceMiddleware(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    const params = (ctx.req as { body?: Record<string, string> }).body;
    if (ctx.method !== 'POST' || ctx.path !== deps.tokenPath || params?.grant_type !== 'refresh_token' || !params.refresh_token) {
      return next();
    }
    const client = params.client_id ? await findClient(deps.db, params.client_id) : undefined;
    if (!client) return next();

    const tokenHash = hashSecret(params.refresh_token);
    const credentialsHash = hashSecret(`${ctx.get('authorization')}\n${client.client_id}`);
    const started = Date.now();

    const withinGrace = (row: { created_at: number; credentials_hash: string }) =>
      Date.now() - row.created_at <= deps.graceSeconds * 1000 && row.credentials_hash === credentialsHash;

    while (Date.now() - started < MAX_WAIT_MS) {
      const claimedAt = Date.now();
      if (await rotations.claimRotation(deps.db, { token_hash: tokenHash, client_id: client.client_id, credentials_hash: credentialsHash, created_at: claimedAt })) {
        if (await alreadyConsumed(deps.db, tokenHash)) {
          // The rotation record is gone (swept) but the token was rotated long ago.
          await rotations.releaseRotation(deps.db, tokenHash, claimedAt);
          return reuseAfterWindow(ctx, next, client.type);
        }
        return lead(ctx, next, deps, tokenHash, claimedAt);
      }
      const row = await rotations.findRotation(deps.db, tokenHash);
      if (!row) continue; // the first request failed and let go: try to lead
      if (row.response === null) {
        if (Date.now() - row.created_at < deps.claimLeaseMs) {
          await sleep(POLL_MS);
          continue;
        }
        const rotated = await alreadyConsumed(deps.db, tokenHash);
        if (rotated && !withinGrace(row)) return reuseAfterWindow(ctx, next, client.type);
        const takenAt = Date.now();
        if (!await rotations.takeOverRotation(deps.db, tokenHash, row.created_at, { credentials_hash: credentialsHash, created_at: takenAt })) continue;
        if (rotated) await undoUnsealedRotation(deps, params.refresh_token);
        return lead(ctx, next, deps, tokenHash, takenAt);
      }
      if (withinGrace(row)) {
        const stored = JSON.parse(deps.box.open(row.response)) as StoredResponse;
        const refusal = await replayRefusal(deps.provider, params.refresh_token, params.scope, stored);
        return answer(ctx, refusal ?? withElapsedLifetime(stored, Date.now() - row.created_at));
      }
      return reuseAfterWindow(ctx, next, client.type);
    }
    return answer(ctx, { status: 503, body: { error: 'temporarily_unavailable', error_description: 'a concurrent refresh of this token did not finish; retry' } });
  };
}

async function lead(ctx: KoaContextWithOIDC, next: () => Promise<void>, deps: RefreshGraceDeps, tokenHash: string, claimedAt: number): Promise<void> {
  try {
    await next();
  } catch (error) {
    await rotations.releaseRotation(deps.db, tokenHash, claimedAt);
    throw error;
  }
  const body = ctx.body as Record<string, unknown> | undefined;
  if (ctx.status === 200 && typeof body?.access_token === 'string') {
    if (!await rotations.completeRotation(deps.db, tokenHash, claimedAt, deps.box.seal(JSON.stringify({ status: 200, body })))) {
      // Outlived its lease and was taken over, which revoked this pair: the retry gets the taker's.
      answer(ctx, { status: 503, body: { error: 'temporarily_unavailable', error_description: 'this refresh took too long and was superseded; retry' } });
    }
  } else {
    await rotations.releaseRotation(deps.db, tokenHash, claimedAt);
  }
}

function reuseAfterWindow(ctx: KoaContextWithOIDC, next: () => Promise<void>, clientType: 'confidential' | 'public'): Promise<void> | void {
  if (clientType === 'public') return next(); // oidc-provider revokes the whole grant (RFC 9700 4.14.2)
  return answer(ctx, { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token already used' } });
}

/**
 * What a live refresh would answer now, when it would fail: revoking the
 * grant or any token of it removes the pair's refresh token, and a scope
 * outside the grant is refused as oidc-provider's refresh grant does.
 */
async function replayRefusal(provider: Provider, presented: string, scope: string | undefined, stored: StoredResponse): Promise<StoredResponse | undefined> {
  const issued = (stored.body as { refresh_token?: unknown }).refresh_token;
  const [original, pair] = await Promise.all([
    provider.RefreshToken.find(presented, { ignoreExpiration: true }),
    typeof issued === 'string' ? provider.RefreshToken.find(issued, { ignoreExpiration: true }) : undefined,
  ]);
  if (!original || !pair || !(original.grantId && await provider.Grant.find(original.grantId))) {
    return { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } };
  }
  const granted = new Set((original.scope ?? '').split(' '));
  const missing = (scope ?? '').split(' ').filter((item) => item && !granted.has(item));
  if (missing.length > 0) {
    return { status: 400, body: { error: 'invalid_scope', error_description: `refresh token missing requested scope: ${missing.join(' ')}` } };
  }
  return undefined;
}

/** The replayed pair is the same tokens, so its `expires_in` counts down from when they were issued. */
function withElapsedLifetime(stored: StoredResponse, elapsedMs: number): StoredResponse {
  const body = stored.body as Record<string, unknown>;
  if (typeof body.expires_in !== 'number') return stored;
  return { ...stored, body: { ...body, expires_in: Math.max(0, body.expires_in - Math.floor(elapsedMs / 1000)) } };
}

async function alreadyConsumed(db: Kysely<Database>, tokenHash: string): Promise<boolean> {
  const row = await findModel(db, 'RefreshToken', tokenHash);
  return row?.consumed_at != null;
}

function answer(ctx: KoaContextWithOIDC, stored: StoredResponse): void {
  ctx.status = stored.status;
  ctx.body = stored.body;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
}
