// Every error answer the server writes, decided once: the status each domain
// code gets on each surface, the sentences docs/errors.md promises, and the
// shape of each surface's body. Pure: src/errors/handler.ts and
// src/fallback-answers.ts send what this decides.
import type { FastifyError } from 'fastify';
import type { ErrorCode } from '../access/errors.ts';
import type { Surface } from '../surface.ts';
import { errorPage } from '../web/error-page.ts';

/** RFC 6749's error codes (sections 4.1.2.1 and 5.2) that a domain code can become. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'access_denied' | 'server_error' | 'temporarily_unavailable';

export interface CodeAnswer {
  /** The API envelope and the toggle envelope (docs/errors.md, "Domain error codes"); also the OAuth surface's status. */
  status: number;
  /** The pages. */
  page: number;
  /** The `error` of the OAuth surface's body. */
  oauth: OAuthErrorCode;
}

// A record over the union: a new code without its answers does not compile.
export const codeAnswers: Record<ErrorCode, CodeAnswer> = {
  invalid: { status: 400, page: 400, oauth: 'invalid_request' },
  unauthenticated: { status: 401, page: 401, oauth: 'invalid_client' },
  forbidden: { status: 403, page: 403, oauth: 'access_denied' },
  not_found: { status: 404, page: 404, oauth: 'invalid_request' },
  rate_limited: { status: 429, page: 429, oauth: 'invalid_request' },
  // Spec 4: an offline controller is answered like a door that can't be found;
  // a person on the account page is told instead that it is unavailable.
  device_offline: { status: 404, page: 503, oauth: 'invalid_request' },
  busy: { status: 409, page: 409, oauth: 'invalid_request' },
  sensor_required: { status: 428, page: 428, oauth: 'invalid_request' },
  not_supported: { status: 501, page: 501, oauth: 'invalid_request' },
  device_timeout: { status: 504, page: 504, oauth: 'temporarily_unavailable' },
  // Extension: the controller answered that it could not do it (a jammed door).
  device_failed: { status: 502, page: 502, oauth: 'server_error' },
  idempotency_key_required: { status: 400, page: 400, oauth: 'invalid_request' },
  idempotency_mismatch: { status: 422, page: 422, oauth: 'invalid_request' },
  idempotency_in_progress: { status: 409, page: 409, oauth: 'invalid_request' },
  // Phase 2 (phase2.md section 0). A page's form shows these inline as a 400 instead (account page, vehicles).
  duplicate: { status: 409, page: 409, oauth: 'invalid_request' },
  limit_reached: { status: 409, page: 409, oauth: 'invalid_request' },
  invalid_state: { status: 409, page: 409, oauth: 'invalid_request' },
};

export function statusOn(surface: Surface, code: ErrorCode): number {
  return surface === 'page' ? codeAnswers[code].page : codeAnswers[code].status;
}

export const unexpectedMessage = 'The server encountered an unexpected condition that prevented it from fulfilling the request.';

export const unavailableMessage = 'The service is temporarily unavailable. Try again in a few seconds.';

/** The authorization server's own 503 (oidc-provider's routes and middleware). */
export const oauthUnavailableDescription = 'the authorization server is temporarily unavailable; retry in a few seconds';

/** The pages' sentences for what is not a domain refusal. */
export const pageSentences = {
  unavailable: { title: 'Temporarily unavailable', message: 'ParqEx is temporarily unavailable. Please try again in a few seconds.' },
  formExpired: { title: 'This form has expired', message: 'The form could not be verified. Go back, reload the page and try again.' },
  signInExpired: { title: 'This sign-in has expired', message: 'The authorization request is no longer valid. Return to the application and start again.' },
  badRequest: { title: 'Bad request', message: 'The request could not be understood.' },
  unexpected: { title: 'Something went wrong', message: 'The server encountered an unexpected condition. Please try again.' },
} as const;

/** A domain refusal's page title. */
export function pageTitle(status: number): string {
  return status === 404 ? 'Not found' : 'This cannot be done';
}

/** A request Fastify refused before the route (body size, type, syntax), on the API surfaces: 413 and 415 keep their status, the rest is 400. */
export function requestRefusal(statusCode: number): { status: number; message: string } {
  if (statusCode === 413) return { status: 413, message: 'The request body is too large.' };
  if (statusCode === 415) return { status: 415, message: 'Send JSON (Content-Type: application/json).' };
  return { status: 400, message: 'Malformed request.' };
}

/** A schema refusal that names the field: the wrong one, the missing one, or the unknown one (additionalProperties: false). */
export function validationMessage(error: Pick<FastifyError, 'validation' | 'validationContext'>): string {
  const first = error.validation?.[0];
  const params = first?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
  const field = (first?.instancePath || params?.missingProperty || params?.additionalProperty || error.validationContext) ?? 'request';
  return `Invalid ${String(field).replace(/^\//, '').replace(/\//g, '.')}: ${first?.message ?? 'malformed'}.`;
}

/**
 * The toggle envelope's message (docs/errors.md, "The toggle envelope"): the
 * original API's sentence for its statuses, with the caller's name for the
 * door once it is known to be visible and "access point" before that; the
 * refusal's own sentence for the others.
 */
export function toggleMessage(status: number, doorName: string | undefined, sentence: string): string {
  const name = doorName ?? 'access point';
  switch (status) {
    case 400: return `Error communicating with ${name}. Malformed Request. (400)`;
    case 401: return 'Error communicating with access point. Authentication error. (401)';
    case 404: return `Sorry, your ${name} can't be found. Please unplug the ${name} and then plug it back in.`;
    case 428: return `Your ${name} requires pairing a door sensor before the request can be processed. (428)`;
    case 501: return `Error communicating with ${name}. Not Implemented error. (501)`;
    case 500: return unexpectedMessage;
    case 503: return unavailableMessage;
    default: return sentence;
  }
}

export interface Refusal {
  status: number;
  /** One sentence for a person: the envelope's message, the OAuth error_description, the page's text. */
  message: string;
  /** The page's heading. */
  title?: string;
  /** The toggle envelope: the caller's name for the door, once it is known to be visible. */
  doorName?: string;
  /** The OAuth surface: RFC 6749's error code; without it, invalid_request (temporarily_unavailable for a 503). */
  oauthError?: string;
  /** The API envelope of a Phase 2 route: the domain code beside the message (phase2.md section 0). */
  code?: ErrorCode;
}

export interface ErrorAnswer {
  status: number;
  contentType: string;
  body: string;
}

const json = 'application/json; charset=utf-8';

/** A refusal in the shape of a surface: the API envelope, the toggle envelope, RFC 6749's, or a page. */
export function answerIn(surface: Surface, refusal: Refusal, context: { sandbox: boolean; timestamp: number }): ErrorAnswer {
  const { status, message } = refusal;
  switch (surface) {
    case 'api':
      return { status, contentType: json, body: JSON.stringify({ errors: [refusal.code ? { message, code: refusal.code } : { message }] }) };
    case 'toggle':
      return { status, contentType: json, body: JSON.stringify({ success: false, timestamp: context.timestamp, message: toggleMessage(status, refusal.doorName, message) }) };
    case 'oauth':
      return { status, contentType: json, body: JSON.stringify({ error: refusal.oauthError ?? (status === 503 ? 'temporarily_unavailable' : 'invalid_request'), error_description: message }) };
    case 'page':
      return { status, contentType: 'text/html; charset=utf-8', body: errorPage(context.sandbox, refusal.title ?? pageTitle(status), message) };
  }
}
