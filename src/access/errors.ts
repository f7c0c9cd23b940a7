// One error type for the domain, with a closed list of codes. Nothing here
// knows an HTTP status: each edge maps codes to its own answer.
export const errorCodes = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'rate_limited',
  'device_offline',
  'busy',
  'sensor_required',
  'not_supported',
  'device_timeout',
  'device_failed',
  'idempotency_key_required',
  'idempotency_mismatch',
  'idempotency_in_progress',
  'duplicate',
  'limit_reached',
  'invalid_state',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  /** For logs only; never sent to a client. */
  readonly detail: string | undefined;
  /** Seconds until a retry can succeed (rate_limited). */
  readonly retryAfter: number | undefined;
  /** The caller's name for the door, once the door is known to be visible to them. */
  readonly doorName: string | undefined;
  /** The scope that was missing (forbidden for want of a scope). */
  readonly scope: string | undefined;

  constructor(code: ErrorCode, message: string, options: { detail?: string; retryAfter?: number; doorName?: string; scope?: string } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.detail = options.detail;
    this.retryAfter = options.retryAfter;
    this.doorName = options.doorName;
    this.scope = options.scope;
  }
}
