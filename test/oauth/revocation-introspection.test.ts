import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient } from '../../src/oauth/clients.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { basic, postToken, sandbox, sandboxTokens, userInfo } from '../helpers/oauth.ts';

async function post(baseUrl: string, path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) as Record<string, any> : {} };
}

for (const engine of engines()) {
  describe(`revocation and introspection [${engine}]`, () => {
    it('revokes an access token at once: user-info then answers 401 with WWW-Authenticate invalid_token', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const tokens = await sandboxTokens(baseUrl);
      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 200);
      const revoked = await post(baseUrl, 'revoke', { token: tokens.access_token }, { authorization: basic(client.client_id, client.client_secret) });
      assert.equal(revoked.status, 200);
      const after = await userInfo(baseUrl, tokens.access_token);
      assert.equal(after.status, 401);
      assert.match(after.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
      assert.deepEqual(Object.keys(after.body), ['errors']);
    });

    it('revoking an access token keeps the grant record (its tokens end: see revocation-effect.test.ts)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const tokens = await sandboxTokens(baseUrl);
      await post(baseUrl, 'revoke', { token: tokens.access_token }, { authorization: basic(client.client_id, client.client_secret) });
      const grants = await app.db.selectFrom('oauth_models').select('model').where('model', '=', 'Grant').execute();
      assert.equal(grants.length, 1);
    });

    it('revoking a refresh token ends the access tokens of its grant', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const tokens = await sandboxTokens(baseUrl);
      const revoked = await post(baseUrl, 'revoke', { token: tokens.refresh_token, token_type_hint: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(revoked.status, 200);
      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 401);
      const refresh = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(refresh.body.error, 'invalid_grant');
    });

    it('lets a client revoke and introspect only its own tokens', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      const other = await createClient(app.db, { apiHost: '127.0.0.1', production: false }, { name: 'Other', redirectUris: ['https://other.example/cb'] });
      const auth = { authorization: basic(other.client_id, other.client_secret!) };
      const introspected = await post(baseUrl, 'introspect', { token: tokens.access_token }, auth);
      assert.equal(introspected.status, 200);
      assert.deepEqual(introspected.body, { active: false });
      await post(baseUrl, 'revoke', { token: tokens.access_token }, auth);
      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 200, 'another client cannot revoke the token');
    });

    it('introspects an active token for its own client with its scope, and nothing once revoked', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const auth = { authorization: basic(client.client_id, client.client_secret) };
      const tokens = await sandboxTokens(baseUrl);
      const active = await post(baseUrl, 'introspect', { token: tokens.access_token }, auth);
      assert.equal(active.body.active, true);
      assert.equal(active.body.client_id, client.client_id);
      assert.equal(active.body.scope, 'opendoor closedoor');
      assert.equal(active.body.sub, sandbox.people.alex.id);
      await post(baseUrl, 'revoke', { token: tokens.access_token }, auth);
      assert.deepEqual((await post(baseUrl, 'introspect', { token: tokens.access_token }, auth)).body, { active: false });
    });

    it('answers /.well-known/oauth-authorization-server with every endpoint and the supported features', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const metadata = await (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).json() as Record<string, any>;
      assert.equal(metadata.issuer, baseUrl);
      for (const key of ['authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
        assert.ok(String(metadata[key]).startsWith(`${baseUrl}/oauth/v2/endpoints/`), key);
      }
      assert.deepEqual(metadata.scopes_supported, ['opendoor', 'closedoor', 'profile', 'vehicles', 'lpr', 'enforcer', 'manageguests']);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(metadata.grant_types_supported, ['authorization_code', 'refresh_token']);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
      assert.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_post'));
    });
  });
}
