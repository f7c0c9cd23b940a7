// Bearer authentication for the resource API (RFC 6750). A door is never
// looked up before this has run (spec 4).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { viewerOfCoveredGrant } from '../access/authorizations.ts';
import type { Viewer } from '../access/door-policy.ts';
import type { BearerVerifier, Principal } from '../oauth/bearer.ts';
import type { Database } from '../store/database.ts';
import { StoreUnavailable } from '../store/unavailable.ts';
import { beforeDeadline } from '../access/deadline.ts';
import type { RateLimits } from '../security/rate-limits.ts';
import { hashSecret } from '../security/secrets.ts';
import { refuseIn } from '../errors/handler.ts';
import { surfaceOf } from '../surface.ts';
import { DomainError } from '../access/errors.ts';
import { actingAccount } from '../access/acting-account.ts';
import type { Scope } from '../oauth/scopes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    viewer: Viewer | null;
  }
  interface FastifyContextConfig {
    /** The route answers within this long of arriving (ms), its authentication included. */
    answerWithinMs?: number;
  }
}

export function bearerAuth(verify: BearerVerifier, db: Kysely<Database>, limits: RateLimits) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const surface = surfaceOf(request.url, request.method) === 'toggle' ? 'toggle' : 'api';
    const send = (status: number, message: string) => refuseIn(surface, reply, { status, message });
    if (!match) {
      reply.header('www-authenticate', 'Bearer');
      return send(401, 'An access token is required: send it as "Authorization: Bearer <token>".');
    }
    // A locked address is refused before any lookup, even with a valid token: telling them apart is
    // the lookup. Only tokens found bad count, so valid requests in flight at once never lock their
    // own address; a flood costs at most the requests in flight at the moment the lock falls.
    const locked = await limits.badTokenLock(request.ip);
    if (locked !== undefined) {
      reply.header('retry-after', String(locked));
      return send(429, `Too many requests with an invalid access token. Try again in ${locked} seconds.`);
    }
    const tokenHash = hashSecret(match[1]!);
    const lookUp = async () => {
      const verified = await verify(tokenHash);
      return { principal: verified?.principal, viewer: verified && await viewerOfCoveredGrant(db, verified.grant) };
    };
    const identify = async () => {
      // A token the database could not look up (an outage) is not found bad: nothing is counted.
      const { principal, viewer } = await lookUp();
      if (!principal || !viewer) await limits.countBadToken(request.ip);
      const wait = principal && viewer ? await limits.consume(tokenHash, principal.personId) : undefined;
      return { principal, viewer, wait };
    };
    // A route with a deadline (toggle) counts its authentication in it.
    const within = request.routeOptions.config?.answerWithinMs;
    const { principal, viewer, wait } = within === undefined
      ? await identify()
      : await beforeDeadline(Date.now() - reply.elapsedTime + within, identify(), () => new StoreUnavailable('the database did not answer before the deadline'));
    if (!principal || !viewer) {
      reply.header('www-authenticate', 'Bearer error="invalid_token", error_description="The access token is invalid, expired or revoked."');
      return send(401, 'The access token is invalid, expired or revoked.');
    }
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      return send(429, `Too many requests. Try again in ${wait} seconds.`);
    }
    request.principal = principal;
    request.viewer = viewer;
  };
}

/**
 * A Phase 2 route's scope (phase2.md section 0, Scopes): the token must hold
 * one of `scopes`. It only lets the application ask; the person's role and
 * permissions still decide.
 */
export function requireScope(request: FastifyRequest, ...scopes: Scope[]): void {
  if (scopes.some((scope) => request.principal!.scopes.has(scope))) return;
  throw new DomainError('forbidden', `This application may not do this: it needs the ${scopes.join(' or ')} scope.`, { scope: scopes.join(' ') });
}

/** The account a Phase 2 route acts on (access/acting-account.ts), then the route's scope: an outsider is told nothing, not even the scope. */
export async function scopedAccount(db: Kysely<Database>, request: FastifyRequest, accountInput: string | undefined, ...scopes: Scope[]): Promise<string> {
  const accountId = await actingAccount(db, request.viewer!, accountInput);
  requireScope(request, ...scopes);
  return accountId;
}
