// Client-secret guessing, wherever an application authenticates (token,
// revocation, introspection, the webhooks API). As with sign-ins, each attempt
// is counted before the secret is compared, so parallel guesses get no more
// comparisons than the limit; an attempt that authenticates takes its count
// back, so only failures (and attempts in flight) use up the limit.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { countAttempt, uncountAttempt } from '../store/repositories/login-failures.ts';
import { systemClock } from '../clock.ts';

export interface ClientSecretPolicy {
  maxFailuresPerClient: number;
  lockoutSeconds: number;
}

export interface ClientSecretAttempts {
  /** Counts one attempt; the seconds to wait (the secret is then not compared), or 0. */
  count(clientId: string): Promise<number>;
  /** The attempt authenticated: it no longer counts. */
  succeeded(clientId: string): Promise<void>;
}

export function clientSecretAttempts(db: Kysely<Database>, policy: ClientSecretPolicy, clock = () => Math.floor(systemClock.now() / 1000)): ClientSecretAttempts {
  const key = (clientId: string) => `client:${clientId}`;
  return {
    async count(clientId) {
      const now = clock();
      const { attempts, lockedUntil } = await countAttempt(db, { key: key(clientId), limit: policy.maxFailuresPerClient, windowSeconds: policy.lockoutSeconds, now });
      return attempts > policy.maxFailuresPerClient ? Math.max(1, (lockedUntil ?? now) - now) : 0;
    },
    succeeded: (clientId) => uncountAttempt(db, key(clientId), policy.maxFailuresPerClient),
  };
}

export function clientLockedMessage(wait: number): string {
  return `Too many failed client authentications. Try again in ${wait} seconds.`;
}
