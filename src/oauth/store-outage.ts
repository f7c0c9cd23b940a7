// The store being unavailable (src/store/unavailable.ts), in oidc-provider's
// terms: RFC 6749's `temporarily_unavailable` with status 503, which the
// provider renders like its other errors (JSON for clients, the error page for
// browsers), and Retry-After on every 503 it answers.
import type { Adapter, KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { oauthUnavailableDescription } from '../errors/answers.ts';
import { storeFailure } from '../store/unavailable.ts';

class TemporarilyUnavailable extends errors.OIDCProviderError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, cause: unknown) {
    super(503, 'temporarily_unavailable', { cause });
    // The provider hides 5xx errors as server_error unless they are marked for the client.
    this.expose = true;
    this.retryAfterSeconds = retryAfterSeconds;
    Object.assign(this, { error_description: oauthUnavailableDescription });
  }
}

/** The same function, whose store failures become TemporarilyUnavailable. */
export function translatingStoreFailures<A extends unknown[], R>(work: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await work(...args);
    } catch (error) {
      const failure = storeFailure(error);
      if (failure) throw new TemporarilyUnavailable(failure.retryAfterSeconds, error);
      throw error;
    }
  };
}

/** Every method of an adapter, translated. */
export function translatingAdapter(adapter: Adapter): Adapter {
  return Object.fromEntries(Object.entries(adapter).map(([name, method]) => [name, translatingStoreFailures(method as (...args: unknown[]) => Promise<unknown>)])) as unknown as Adapter;
}

/**
 * Outermost middleware: a store failure in our own middleware (outside the
 * provider's routes and their error handler) is answered here; every 503 gets
 * its Retry-After.
 */
export async function storeOutage(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  let retryAfterSeconds = 5;
  try {
    await next();
  } catch (error) {
    const failure = error instanceof TemporarilyUnavailable ? { retryAfterSeconds: error.retryAfterSeconds } : storeFailure(error);
    if (!failure) throw error;
    retryAfterSeconds = failure.retryAfterSeconds;
    ctx.status = 503;
    ctx.body = { error: 'temporarily_unavailable', error_description: oauthUnavailableDescription };
    ctx.set('Cache-Control', 'no-store');
  }
  if (ctx.status === 503) ctx.set('Retry-After', String(retryAfterSeconds));
}
