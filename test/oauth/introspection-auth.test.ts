// Issue 9, item 12: introspection_endpoint_auth_methods_supported lists only
// client_secret_basic and client_secret_post, so a request without a client
// secret is refused (401 invalid_client), also for the token's own public client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { publicClientTokens, userInfo } from '../helpers/oauth.ts';

async function post(baseUrl: string, path: string, params: Record<string, string>) {
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

for (const engine of engines()) {
  describe(`POST /oauth/v2/endpoints/introspect client authentication [${engine}]`, () => {
    it('answers a public client that sends only its client_id with 401 invalid_client, even for its own token', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { native: { client_id: clientId }, tokens } = await publicClientTokens(baseUrl);
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
      const { native: { client_id: clientId }, tokens } = await publicClientTokens(baseUrl);
      const refused = await post(baseUrl, 'introspect', { token: tokens.access_token, client_id: clientId, client_secret: 'made-up-secret-made-up-secret' });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_client');
    });

    it('still lets the public client revoke its own token with only its client_id', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { native: { client_id: clientId }, tokens } = await publicClientTokens(baseUrl);
      const revoked = await post(baseUrl, 'revoke', { token: tokens.refresh_token, client_id: clientId });
      assert.equal(revoked.status, 200);
      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 401);
    });
  });
}
