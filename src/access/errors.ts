// One error type for the domain, with a closed list of codes. Nothing here
// knows an HTTP status: each edge maps codes to its own answer.
export const errorCodes = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'rate_limited',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  /** For logs only; never sent to a client. */
  readonly detail: string | undefined;
  /** Seconds until a retry can succeed (rate_limited). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: { detail?: string; retryAfter?: number } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.detail = options.detail;
    this.retryAfter = options.retryAfter;
  }
}
