// The one error handler: whatever a route or hook throws is answered in the
// shape of the surface the request is for (src/surface.ts: the API envelope,
// the toggle envelope, RFC 6749's error, a page), with the statuses and
// sentences of answers.ts. Routes throw DomainError and leave the answer here.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from 'oidc-provider';
import { DomainError, type ErrorCode } from '../access/errors.ts';
import { unixNow } from '../api/format.ts';
import { storeFailure } from '../store/unavailable.ts';
import { surfaceOf, type Surface } from '../surface.ts';
import { answerIn, codeAnswers, pageSentences, requestRefusal, statusOn, unavailableMessage, unexpectedMessage, validationMessage, type ErrorAnswer, type Refusal } from './answers.ts';

/** Set once on the root: every scope inherits it. */
export function errorHandler(sandbox: boolean) {
  return async function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const surface = surfaceOf(request.url, request.method);
    const refusal = refusalFor(error, surface, request, reply);
    // Phase 2 routes name the domain code too; Phase 1 answers stay as documented.
    if (request.routeOptions.config?.domainCodes) refusal.code = error instanceof DomainError ? error.code : codeOfStatus(refusal.status);
    return send(reply, answerIn(surface, refusal, { sandbox, timestamp: unixNow() }));
  };
}

/** A refusal the API decides without throwing (the bearer check, an unknown path or method), in the envelope of `surface`. */
export function refuseIn(surface: 'api' | 'toggle', reply: FastifyReply, refusal: Refusal) {
  return send(reply, answerIn(surface, refusal, { sandbox: false, timestamp: unixNow() }));
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers errors with their domain code (phase2.md section 0). */
    domainCodes?: boolean;
  }
}

/** The code of a refusal decided outside the domain: a schema's or a malformed body's 400. */
function codeOfStatus(status: number): ErrorCode | undefined {
  return status === 400 ? 'invalid' : undefined;
}

function send(reply: FastifyReply, answer: ErrorAnswer) {
  reply.code(answer.status).type(answer.contentType).header('cache-control', 'no-store');
  // JSON answers go as objects: Fastify skips preSerialization hooks for strings, and the
  // idempotency records (src/api/idempotency.ts) keep 4xx answers from that hook.
  return reply.send(answer.contentType.startsWith('application/json') ? JSON.parse(answer.body) as unknown : answer.body);
}

function refusalFor(error: FastifyError, surface: Surface, request: FastifyRequest, reply: FastifyReply): Refusal {
  // First: the provider's own errors carry a store failure as their cause.
  const failure = storeFailure(error);
  if (failure) {
    request.log.warn({ error: error.message, store: failure.kind }, 'the database is unavailable');
    reply.header('retry-after', String(failure.retryAfterSeconds));
    return surface === 'page' ? { status: 503, ...pageSentences.unavailable } : { status: 503, message: unavailableMessage };
  }
  if (error instanceof DomainError) {
    if (error.retryAfter) reply.header('retry-after', String(error.retryAfter));
    if (error.scope) reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${error.scope}"`);
    return { status: statusOn(surface, error.code), message: error.message, doorName: error.doorName, oauthError: codeAnswers[error.code].oauth };
  }
  if (error instanceof errors.OIDCProviderError) {
    // A browser step whose interaction is gone or was never valid: nothing to redirect to.
    if (surface === 'page') return { status: 400, ...pageSentences.signInExpired };
    reply.header('pragma', 'no-cache');
    return { status: error.statusCode, message: error.error_description as string, oauthError: error.error };
  }
  if (surface === 'page' && (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET')) {
    return { status: 403, ...pageSentences.formExpired };
  }
  if (error.validation && (surface === 'api' || surface === 'toggle')) return { status: 400, message: validationMessage(error) };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    if (surface === 'page') return { status: error.statusCode, ...pageSentences.badRequest };
    // The authorization server's clients read RFC 6749's shape; Fastify's own sentence is description enough.
    if (surface === 'oauth') return { status: error.statusCode, message: error.message };
    return requestRefusal(error.statusCode);
  }
  request.log.error({ err: error }, 'request failed');
  return surface === 'page' ? { status: 500, ...pageSentences.unexpected } : { status: 500, message: unexpectedMessage, oauthError: 'server_error' };
}
