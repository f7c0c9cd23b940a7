import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser } from '../helpers/browser.ts';
import { authorize, authorizationQuery, postToken, sandbox } from '../helpers/oauth.ts';

for (const engine of engines()) {
  describe(`secrets at rest [${engine}]`, () => {
    it('stores no code, token, client secret or session id in the database, only their hashes', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const browser = new Browser(baseUrl);
      const code = (await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser })).searchParams.get('code')!;
      const tokens = (await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret })).body;
      const refreshed = (await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id, client_secret: client.client_secret })).body;
      const cookies = (await browser.jar.getCookies(baseUrl)).map((cookie) => decodeURIComponent(cookie.value).replace(/^s:/, '').split('.')[0]!).filter((value) => value.length >= 20);
      assert.ok(cookies.length >= 2, 'the browser holds session cookies');

      const dump = JSON.stringify(await Promise.all((['oauth_models', 'refresh_rotations', 'web_sessions', 'clients', 'people'] as const)
        .map((table) => app.db.selectFrom(table).selectAll().execute())));
      assert.ok(dump.length > 1000, 'the dump has content');
      for (const secret of [code, tokens.access_token, tokens.refresh_token, refreshed.access_token, refreshed.refresh_token, client.client_secret, sandbox.password, ...cookies]) {
        assert.ok(!dump.includes(secret), `the database holds a secret in clear: ${String(secret).slice(0, 8)}...`);
      }
    });
  });
}
