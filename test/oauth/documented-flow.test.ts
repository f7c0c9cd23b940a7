import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { authorize, authorizationQuery, sandbox, tokenRequest, userInfo } from '../helpers/oauth.ts';

for (const engine of engines()) {
  describe(`the documented OAuth flow [${engine}]`, () => {
    it('runs end to end exactly as an existing integration sends it, and logs none of its secrets', async (t) => {
      const { baseUrl, logs } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const state = 'abc DEF+/=%20~état';

      // Step 1 and 2: authorization URL with comma scopes and the trailing slash.
      const query = authorizationQuery(baseUrl, { scope: 'OPENDOOR,closedoor', state, user_locale: 'en_US' });
      const redirect = await authorize(baseUrl, { query });
      assert.equal(`${redirect.origin}${redirect.pathname}`, sandbox.redirectUri);
      assert.equal(redirect.searchParams.get('state'), state);
      assert.equal(redirect.searchParams.get('iss'), baseUrl);
      const code = redirect.searchParams.get('code')!;
      assert.ok(code);

      // Step 3: the token request as a GET with every parameter in the query.
      const tokenQuery = `client_id=${client.client_id}&client_secret=${client.client_secret}&grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(sandbox.redirectUri)}`;
      const tokens = await tokenRequest(baseUrl, tokenQuery, { method: 'GET' });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      assert.equal(tokens.headers.get('cache-control'), 'no-store');
      assert.equal(tokens.headers.get('pragma'), 'no-cache');
      assert.equal(tokens.body.token_type, 'Bearer');
      assert.equal(tokens.body.expires_in, 3600);
      assert.equal(tokens.body.scope, 'opendoor closedoor');
      assert.equal(tokens.body.user_id, sandbox.people.alex.id);
      assert.equal(typeof tokens.body.refresh_token, 'string');

      // Step 4: calling the API, scheme case-insensitive.
      const me = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `bearer ${tokens.body.access_token}` } });
      assert.equal(me.status, 200);
      const meBody = await me.json() as Record<string, any>;
      assert.equal(meBody.success, true);
      assert.equal(typeof meBody.timestamp, 'number');
      assert.deepEqual(meBody.data, { id: sandbox.people.alex.id, first_name: 'Alex', last_name: 'Admin' });

      // Step 5: the documented refresh, repeated grant_type with a stray space.
      const refreshQuery = `client_id=${client.client_id}&client_secret=${client.client_secret}&grant_type= authorization_code&refresh_token=${tokens.body.refresh_token}&grant_type=refresh_token`;
      const refreshed = await tokenRequest(baseUrl, refreshQuery, { method: 'GET' });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.notEqual(refreshed.body.access_token, tokens.body.access_token);
      assert.notEqual(refreshed.body.refresh_token, tokens.body.refresh_token);
      assert.equal(refreshed.body.user_id, sandbox.people.alex.id);
      assert.equal((await userInfo(baseUrl, refreshed.body.access_token as string)).status, 200);
      // Access tokens issued earlier keep working until they expire.
      assert.equal((await userInfo(baseUrl, tokens.body.access_token as string)).status, 200);

      const logged = logs();
      assert.ok(logged.includes('/oauth/v2/endpoints/token/'), 'the token requests were logged');
      for (const secret of [client.client_secret, code, tokens.body.access_token, tokens.body.refresh_token, refreshed.body.access_token, refreshed.body.refresh_token, sandbox.password]) {
        assert.ok(!logged.includes(secret as string), `log output contains a secret: ${String(secret).slice(0, 6)}...`);
      }
    });
  });
}
