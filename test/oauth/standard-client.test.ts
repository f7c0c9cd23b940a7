// The whole flow with oauth4webapi, a client library nobody here wrote.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { engines, startServer } from '../helpers/build-app.ts';
import { authorize, sandbox, userInfo } from '../helpers/oauth.ts';

const insecure = { [oauth.allowInsecureRequests]: true };

for (const engine of engines()) {
  describe(`a standard OAuth client (oauth4webapi) [${engine}]`, () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      it(`discovers, authorizes with PKCE, exchanges the code, refreshes, introspects and revokes [${method}]`, async (t) => {
        const { baseUrl } = await startServer(t, engine);
        const issuer = new URL(baseUrl);
        const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
        const credentials = sandbox.client(baseUrl).web;
        const client: oauth.Client = { client_id: credentials.client_id };
        const clientAuth = method === 'client_secret_basic' ? oauth.ClientSecretBasic(credentials.client_secret) : oauth.ClientSecretPost(credentials.client_secret);

        const verifier = oauth.generateRandomCodeVerifier();
        const state = oauth.generateRandomState();
        const url = new URL(as.authorization_endpoint!);
        url.search = new URLSearchParams({
          client_id: client.client_id, redirect_uri: sandbox.redirectUri, response_type: 'code', scope: 'opendoor closedoor',
          state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
        }).toString();
        const redirect = await authorize(baseUrl, { query: url.search.slice(1) });

        // validateAuthResponse checks `iss` (RFC 9207) and `state`.
        const params = oauth.validateAuthResponse(as, client, redirect, state);
        const tokens = await oauth.processAuthorizationCodeResponse(as, client,
          await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, sandbox.redirectUri, verifier, insecure));
        assert.equal(tokens.token_type, 'bearer');
        assert.equal(tokens.scope, 'opendoor closedoor');
        assert.equal(tokens.user_id, sandbox.people.alex.id);
        assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 200);

        const refreshed = await oauth.processRefreshTokenResponse(as, client,
          await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure));
        assert.notEqual(refreshed.refresh_token, tokens.refresh_token);

        const introspection = await oauth.processIntrospectionResponse(as, client,
          await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure));
        assert.equal(introspection.active, true);
        assert.equal(introspection.client_id, client.client_id);

        await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, insecure));
        assert.equal((await userInfo(baseUrl, refreshed.access_token)).status, 401);
        const after = await oauth.processIntrospectionResponse(as, client,
          await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure));
        assert.equal(after.active, false);
      });
    }
  });
}
