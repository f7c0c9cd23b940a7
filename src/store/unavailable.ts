// Whether an error means the store could not be reached or could not answer in
// time, as opposed to a bug or a refused row. Every edge asks this one question
// and answers 503 with Retry-After in its own shape (phase2.md A.4 calls the
// SQLite case `store_busy`); background loops log such a failure at warn and
// try again on their next round.

/** Thrown where a caller gives up waiting for the store (readiness, the toggle deadline). */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

export interface StoreFailure {
  /** `unavailable`: the database is unreachable or too slow; `busy`: it answered that it is locked. */
  kind: 'unavailable' | 'busy';
  /** What Retry-After says. */
  retryAfterSeconds: number;
}

const unavailable: StoreFailure = Object.freeze({ kind: 'unavailable', retryAfterSeconds: 5 });
const busy: StoreFailure = Object.freeze({ kind: 'busy', retryAfterSeconds: 1 });

// SQLSTATEs: the connection failed (class 08), the server is shutting down or
// not yet accepting (57P01-57P03), full (53300), a statement or lock wait ran
// past its timeout (57014, 55P03), or the transaction was cut by a timeout (25P03).
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300', '25P03']);
const busyStates = new Set(['57014', '55P03']);

// Socket failures on the way to the database.
const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN']);

// pg's own errors carry no code, only these sentences (pg 8.x, pg-pool 3.x).
const pgMessages = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout (pool)
  /^timeout expired$/, // connectionTimeoutMillis of a client connecting by itself
  /^timeout exceeded when trying to connect$/, // waiting for a pool slot (connectionTimeoutMillis)
  /^Query read timeout$/, // query_timeout: no answer on the socket
  /^Client has encountered a connection error and is not queryable$/,
];

/** SQLite's primary result code for "database is locked" past the busy timeout. */
const SQLITE_BUSY = 5;

/** What kind of store failure `error` is, or undefined when it is not one. */
export function storeFailure(error: unknown): StoreFailure | undefined {
  return classify(error, 0);
}

function classify(error: unknown, depth: number): StoreFailure | undefined {
  if (!(error instanceof Error) || depth > 3) return undefined;
  if (error instanceof StoreUnavailable) return unavailable;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && (errcode & 0xff) === SQLITE_BUSY) return busy;
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return unavailable;
    if (unavailableStates.has(code) || networkCodes.has(code)) return unavailable;
    if (busyStates.has(code)) return busy;
  }
  if (code === undefined && pgMessages.some((pattern) => pattern.test(error.message))) return unavailable;
  // A connection attempt to every address of a host (AggregateError), or an error wrapped by a library.
  for (const inner of [...((error as { errors?: unknown }).errors as unknown[] | undefined ?? []), error.cause]) {
    const found = classify(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
