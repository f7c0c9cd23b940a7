// Issue 9, item 12: a rotated refresh token presented again inside the grace
// window gets the same pair only while a live refresh would still succeed:
// never once the grant is revoked, never for a scope the grant lacks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { authorize, authorizationQuery, basic, postToken, sandbox } from '../helpers/oauth.ts';

function refreshParams(baseUrl: string, refreshToken: string, extra: Record<string, string> = {}) {
  const client = sandbox.client(baseUrl).web;
  return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, client_secret: client.client_secret, ...extra };
}

/** Authorizes in `browser`, exchanges the code and refreshes once: the first token and the rotated pair. */
async function rotated(baseUrl: string, browser: Browser) {
  const client = sandbox.client(baseUrl).web;
  const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
  const tokens = await postToken(baseUrl, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  const pair = await postToken(baseUrl, refreshParams(baseUrl, tokens.body.refresh_token));
  assert.equal(pair.status, 200, JSON.stringify(pair.body));
  return { first: tokens.body.refresh_token as string, pair: pair.body };
}

async function revoke(baseUrl: string, token: string) {
  const client = sandbox.client(baseUrl).web;
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret) },
    body: new URLSearchParams({ token }),
  });
  assert.equal(response.status, 200);
}

const revocations: Record<string, (baseUrl: string, browser: Browser, pair: Record<string, string>) => Promise<void>> = {
  'the new refresh token revoked': (baseUrl, _browser, pair) => revoke(baseUrl, pair.refresh_token!),
  'the new access token revoked': (baseUrl, _browser, pair) => revoke(baseUrl, pair.access_token!),
  'the application removed on the Applications page': async (_baseUrl, browser) => {
    const list = await browser.request('/account/applications');
    const action = /href="(\/account\/applications\/[^"]+\/revoke)"/.exec(list.body)?.[1];
    assert.ok(action, 'the application is listed');
    const confirm = await browser.request(action);
    assert.equal((await browser.request(action, { form: { _csrf: csrfToken(confirm.body) } })).status, 303);
  },
};

for (const engine of engines()) {
  describe(`refresh token replay inside the grace window [${engine}]`, () => {
    for (const [variant, revokeGrant] of Object.entries(revocations)) {
      it(`answers 400 invalid_grant once the grant is revoked [${variant}]`, async (t) => {
        const { baseUrl } = await startServer(t, engine);
        const browser = new Browser(baseUrl);
        const { first, pair } = await rotated(baseUrl, browser);
        await revokeGrant(baseUrl, browser, pair);
        const replay = await postToken(baseUrl, refreshParams(baseUrl, first));
        assert.equal(replay.status, 400, JSON.stringify(replay.body));
        assert.deepEqual(Object.keys(replay.body).sort(), ['error', 'error_description']);
        assert.equal(replay.body.error, 'invalid_grant');
      });
    }

    it('answers 400 invalid_scope for a scope the grant does not have, as a live refresh does', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { first } = await rotated(baseUrl, new Browser(baseUrl));
      const replay = await postToken(baseUrl, refreshParams(baseUrl, first, { scope: 'opendoor,closedoor,profile' }));
      assert.equal(replay.status, 400, JSON.stringify(replay.body));
      assert.equal(replay.body.error, 'invalid_scope');
      assert.equal(replay.body.access_token, undefined);
    });

    it('still returns the same pair for the granted scopes or a part of them', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { first, pair } = await rotated(baseUrl, new Browser(baseUrl));
      for (const scope of ['OPENDOOR,closedoor', 'opendoor']) {
        const replay = await postToken(baseUrl, refreshParams(baseUrl, first, { scope }));
        assert.equal(replay.status, 200, JSON.stringify(replay.body));
        assert.equal(replay.body.access_token, pair.access_token);
        assert.equal(replay.body.refresh_token, pair.refresh_token);
      }
    });
  });
}
