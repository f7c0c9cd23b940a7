// Domain error codes to HTTP, once for the resource API (spec 4, error table).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../access/errors.ts';
import type { StoreFailure } from '../store/unavailable.ts';

export const statusFor: Record<ErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  // Spec 4: an offline controller is answered like a door that can't be found.
  device_offline: 404,
  busy: 409,
  sensor_required: 428,
  not_supported: 501,
  device_timeout: 504,
  // Extension: the controller answered that it could not do it (a jammed door).
  device_failed: 502,
  idempotency_key_required: 400,
  idempotency_mismatch: 422,
  idempotency_in_progress: 409,
};

export const unexpectedMessage = 'The server encountered an unexpected condition that prevented it from fulfilling the request.';

export const unavailableMessage = 'The service is temporarily unavailable. Try again in a few seconds.';

/** The store is down, frozen or locked (src/store/unavailable.ts): 503 with Retry-After, logged without a stack. */
export function sendUnavailable(request: FastifyRequest, reply: FastifyReply, failure: StoreFailure, error: unknown, send: (status: number, message: string) => unknown = (status, message) => sendErrors(reply, status, message)) {
  request.log.warn({ error: (error as Error).message, store: failure.kind }, 'the database is unavailable');
  reply.header('retry-after', String(failure.retryAfterSeconds));
  return send(503, unavailableMessage);
}

export function sendErrors(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ errors: [{ message }] });
}

/** A schema refusal that names the field: the wrong one, the missing one, or the unknown one (additionalProperties: false). */
export function validationMessage(error: Pick<FastifyError, 'validation' | 'validationContext'>): string {
  const first = error.validation?.[0];
  const params = first?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
  const field = (first?.instancePath || params?.missingProperty || params?.additionalProperty || error.validationContext) ?? 'request';
  return `Invalid ${String(field).replace(/^\//, '').replace(/\//g, '.')}: ${first?.message ?? 'malformed'}.`;
}
