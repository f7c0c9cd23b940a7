// Domain error codes to HTTP, once for the resource API (spec 4, error table).
import type { FastifyReply } from 'fastify';
import type { ErrorCode } from '../access/errors.ts';

export const statusFor: Record<ErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
};

export const unexpectedMessage = 'The server encountered an unexpected condition that prevented it from fulfilling the request.';

export function sendErrors(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ errors: [{ message }] });
}
