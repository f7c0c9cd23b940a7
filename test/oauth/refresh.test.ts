import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer, testEnv } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { authorize, authorizationQuery, postToken, publicClientTokens, sandbox, sandboxTokens, userInfo } from '../helpers/oauth.ts';

function refreshParams(baseUrl: string, refreshToken: string) {
  const client = sandbox.client(baseUrl).web;
  return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, client_secret: client.client_secret };
}

for (const engine of engines()) {
  describe(`refresh token rotation [${engine}]`, () => {
    it('returns the same new pair when the same refresh token is presented again within the grace window', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      const first = await postToken(baseUrl, refreshParams(baseUrl, tokens.refresh_token));
      assert.equal(first.status, 200);
      const again = await postToken(baseUrl, refreshParams(baseUrl, tokens.refresh_token));
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const { expires_in: firstExpiry, ...firstPair } = first.body;
      const { expires_in: againExpiry, ...againPair } = again.body;
      assert.deepEqual(againPair, firstPair);
      assert.ok(againExpiry <= firstExpiry && againExpiry > firstExpiry - 5);
      assert.equal(again.headers.get('cache-control'), 'no-store');
      // The pair still works and rotates on.
      const next = await postToken(baseUrl, refreshParams(baseUrl, first.body.refresh_token));
      assert.equal(next.status, 200);
      assert.equal((await userInfo(baseUrl, next.body.access_token)).status, 200);
    });

    it('gives two concurrent refreshes with one token the same pair', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      const results = await Promise.all([1, 2, 3].map(() => postToken(baseUrl, refreshParams(baseUrl, tokens.refresh_token))));
      for (const result of results) assert.equal(result.status, 200, JSON.stringify(result.body));
      const pairs = results.map((result) => `${result.body.access_token} ${result.body.refresh_token}`);
      assert.equal(new Set(pairs).size, 1, 'every request got the same pair');
    });

    it('does not replay the pair to a request with other client credentials', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      await postToken(baseUrl, refreshParams(baseUrl, tokens.refresh_token));
      const forged = await postToken(baseUrl, { ...refreshParams(baseUrl, tokens.refresh_token), client_secret: 'not-the-secret-at-all' });
      assert.notEqual(forged.status, 200);
      assert.equal(forged.body.access_token, undefined);
    });

    it('answers a confidential client reusing a rotated token after the window with invalid_grant, and keeps the grant', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_REFRESH_GRACE_SECONDS: '0' });
      const tokens = await sandboxTokens(baseUrl);
      const rotated = await postToken(baseUrl, refreshParams(baseUrl, tokens.refresh_token));
      assert.equal(rotated.status, 200);
      const reuse = await postToken(baseUrl, refreshParams(baseUrl, tokens.refresh_token));
      assert.equal(reuse.status, 400);
      assert.equal(reuse.body.error, 'invalid_grant');
      assert.equal((await userInfo(baseUrl, rotated.body.access_token)).status, 200);
      const onward = await postToken(baseUrl, refreshParams(baseUrl, rotated.body.refresh_token));
      assert.equal(onward.status, 200, JSON.stringify(onward.body));
    });

    it('revokes the whole grant when a public client reuses a rotated token after the window', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_REFRESH_GRACE_SECONDS: '0' });
      const { native, tokens } = await publicClientTokens(baseUrl);
      const rotated = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: native.client_id });
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      const reuse = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: native.client_id });
      assert.equal(reuse.body.error, 'invalid_grant');
      assert.equal((await userInfo(baseUrl, rotated.body.access_token)).status, 401);
      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 401);
      const descendant = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token, client_id: native.client_id });
      assert.equal(descendant.body.error, 'invalid_grant');
    });

    it('keeps refreshing after the person signs out of the web pages', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
      const client = sandbox.client(baseUrl).web;
      const tokens = await postToken(baseUrl, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
      const account = await browser.request('/account');
      assert.equal(account.status, 200);
      const logout = await browser.request('/logout', { form: { _csrf: csrfToken(account.body) } });
      assert.equal(logout.status, 303);
      assert.equal((await browser.request('/account')).location, '/login?next=%2Faccount');
      // Signed out: a new authorization asks for the password again.
      assert.match((await browser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`)).url, /\/login\//);
      const refreshed = await postToken(baseUrl, refreshParams(baseUrl, tokens.body.refresh_token));
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal((await userInfo(baseUrl, refreshed.body.access_token)).status, 200);
    });
  });
}

describe('refresh token rotation across two server processes [postgres]', { skip: process.env.DATABASE_URL ? false : 'DATABASE_URL is not set; runs in CI' }, () => {
  it('gives concurrent refreshes arriving at different servers the same pair', async (t) => {
    const first = await startServer(t, 'postgres');
    const shared = await testEnv('sqlite');
    const cfg = first.app.config;
    const second = await startServer(t, 'postgres', {
      DATABASE_URL: first.app.config.databaseUrl!,
      PARQEX_PUBLIC_URL: cfg.publicUrl,
      PARQEX_COOKIE_SECRETS: cfg.secrets.cookieKeys.join(','),
      PARQEX_ENCRYPTION_KEY: cfg.secrets.encryptionKey.toString('base64'),
      PORT: shared.env.PORT!,
    });
    await shared.cleanup();
    const tokens = await sandboxTokens(first.baseUrl);
    const secondUrl = `http://127.0.0.1:${second.app.config.port}`;
    const results = await Promise.all([first.baseUrl, secondUrl, first.baseUrl, secondUrl].map((url) =>
      fetch(`${url}/oauth/v2/endpoints/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(refreshParams(first.baseUrl, tokens.refresh_token)) })
        .then(async (r) => ({ status: r.status, body: await r.json() as Record<string, string> }))));
    for (const result of results) assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(new Set(results.map((result) => `${result.body.access_token} ${result.body.refresh_token}`)).size, 1);
  });
});
