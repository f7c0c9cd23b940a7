// Checked against oidc-provider 9.13.3 (lib/models/client.js, compareClientSecret).
// The provider stores and compares client secrets in plain text; we keep only
// a SHA-256 of each secret, so the comparison hashes the presented one first.
import type Provider from 'oidc-provider';
import { secretMatches } from '../../security/secrets.ts';

export function compareHashedClientSecrets(provider: Provider): void {
  const prototype = provider.Client.prototype as unknown as {
    compareClientSecret?: (actual: string) => boolean;
    clientSecret?: string;
  };
  if (typeof prototype.compareClientSecret !== 'function') {
    throw new Error('oidc-provider no longer has Client#compareClientSecret; re-check src/oauth/overrides/hashed-client-secret.ts');
  }
  prototype.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return typeof this.clientSecret === 'string' && typeof actual === 'string' && secretMatches(actual, this.clientSecret);
  };
}
