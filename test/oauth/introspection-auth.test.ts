// Issue 9, item 12: introspection_endpoint_auth_methods_supported lists only
// client_secret_basic and client_secret_post, so a request without a client
// secret is refused (401 invalid_client), also for the token's own public client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { authorize, pkcePair, postToken, sandbox, userInfo } from '../helpers/oauth.ts';

async function post(baseUrl: string, path: string, params: Record<string, string>) {
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

async function publicClientTokens(baseUrl: string) {
  const native = sandbox.client(baseUrl).native;
  const { verifier, challenge } = pkcePair();
  const redirectUri = 'http://127.0.0.1:40000/callback';
  const redirect = await authorize(baseUrl, {
    query: new URLSearchParams({ response_type: 'code', client_id: native.client_id, redirect_uri: redirectUri, scope: 'opendoor', state: 's', code_challenge: challenge, code_challenge_method: 'S256' }).toString(),
  });
  const token = await postToken(baseUrl, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: redirectUri, client_id: native.client_id, code_verifier: verifier });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return { clientId: native.client_id, tokens: token.body };
}

for (const engine of engines()) {
  describe(`POST /oauth/v2/endpoints/introspect client authentication [${engine}]`, () => {
    it('answers a public client that sends only its client_id with 401 invalid_client, even for its own token', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { clientId, tokens } = await publicClientTokens(baseUrl);
      const refused = await post(baseUrl, 'introspect', { token: tokens.access_token, client_id: clientId });
      assert.equal(refused.status, 401, JSON.stringify(refused.body));
      assert.deepEqual(Object.keys(refused.body).sort(), ['error', 'error_description']);
      assert.equal(refused.body.error, 'invalid_client');
      assert.equal(refused.headers.get('cache-control'), 'no-store');
    });

    it('answers a request without any client authentication with 401 invalid_client', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { tokens } = await publicClientTokens(baseUrl);
      const refused = await post(baseUrl, 'introspect', { token: tokens.access_token });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_client');
    });

    it('answers a public client inventing a secret with 401 invalid_client', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { clientId, tokens } = await publicClientTokens(baseUrl);
      const refused = await post(baseUrl, 'introspect', { token: tokens.access_token, client_id: clientId, client_secret: 'made-up-secret-made-up-secret' });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_client');
    });

    it('still lets the public client revoke its own token with only its client_id', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { clientId, tokens } = await publicClientTokens(baseUrl);
      const revoked = await post(baseUrl, 'revoke', { token: tokens.refresh_token, client_id: clientId });
      assert.equal(revoked.status, 200);
      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 401);
    });
  });
}
