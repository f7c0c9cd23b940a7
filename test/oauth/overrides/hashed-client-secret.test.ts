import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import Provider from 'oidc-provider';
import { compareHashedClientSecrets } from '../../../src/oauth/overrides/hashed-client-secret.ts';
import { hashSecret } from '../../../src/security/secrets.ts';

describe('hashed client secrets (override of oidc-provider Client#compareClientSecret)', () => {
  it('compares a presented secret with the stored hash, and refuses the hash itself', async () => {
    const provider = new Provider('http://localhost:1', {
      clients: [{ client_id: 'c1', client_secret: hashSecret('the-real-secret'), redirect_uris: ['https://a.example/cb'], id_token_signed_response_alg: 'ES256' }],
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', ...ecKey() }] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      features: { devInteractions: { enabled: false } },
    });
    compareHashedClientSecrets(provider);
    const client = await provider.Client.find('c1');
    assert.ok(client);
    assert.equal(await client.compareClientSecret('the-real-secret'), true);
    assert.equal(await client.compareClientSecret(hashSecret('the-real-secret')), false);
    assert.equal(await client.compareClientSecret('wrong'), false);
  });
});

function ecKey() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
}
