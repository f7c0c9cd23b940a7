// Client-secret guessing, wherever an application authenticates (token,
// revocation, introspection, the webhooks API). As with sign-ins, an attempt
// holds a place under the client's limit while its secret is compared
// (access/secret-attempts.ts), so parallel guesses get no more comparisons than
// the limit; only wrong secrets count, so right ones never lock the client,
// however many arrive at once.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { beginSecretAttempt, endSecretAttempt } from './secret-attempts.ts';
import { systemClock } from '../clock.ts';

export interface ClientSecretPolicy {
  maxFailuresPerClient: number;
  lockoutSeconds: number;
}

export interface ClientSecretAttempts {
  /** Begins one attempt; the seconds to wait (the secret is then not compared, and the attempt is over), or 0. */
  count(clientId: string): Promise<number>;
  /** The attempt begun with `count` is over: `authenticated` false counts it as a failure. */
  ended(clientId: string, authenticated: boolean): Promise<void>;
}

export function clientSecretAttempts(db: Kysely<Database>, policy: ClientSecretPolicy, clock = () => Math.floor(systemClock.now() / 1000)): ClientSecretAttempts {
  const key = (clientId: string) => ({ key: `client:${clientId}`, limit: policy.maxFailuresPerClient });
  return {
    count: (clientId) => beginSecretAttempt(db, [key(clientId)], policy.lockoutSeconds, clock),
    ended: (clientId, authenticated) => endSecretAttempt(db, [{ key: key(clientId), outcome: authenticated ? 'passed' : 'failed' }], policy.lockoutSeconds, clock()),
  };
}

export function clientLockedMessage(wait: number): string {
  return `Too many failed client authentications. Try again in ${wait} seconds.`;
}
