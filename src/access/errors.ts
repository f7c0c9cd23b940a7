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
  'vehicle_authorized',
  'too_large',
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
  /** The input the refusal concerns, so a form can mark it: given, or the one the message names. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { detail?: string; retryAfter?: number; doorName?: string; scope?: string; field?: string } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.detail = options.detail;
    this.retryAfter = options.retryAfter;
    this.doorName = options.doorName;
    this.scope = options.scope;
    this.field = options.field ?? namedField(message);
  }
}

/** A refusal of one input, named by the rule: its sentence need not name it ("Enter your email address."). */
export class FieldError extends DomainError {
  constructor(field: string, message: string) {
    super('invalid', message, { field });
  }
}

// The rules name the input they refuse in one of two sentences:
// "Invalid <field>: <reason>." (docs/errors.md, 400) or "<field> is|must …".
function namedField(message: string): string | undefined {
  return /^Invalid ([a-z_]+)/.exec(message)?.[1] ?? /^([a-z_]+) (?:is|must)/.exec(message)?.[1];
}
