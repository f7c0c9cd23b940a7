// Issue 9, item 12: what revoking one token ends, as docs/oauth.md (Revocation) says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser } from '../helpers/browser.ts';
import { authorize, authorizationQuery, basic, postToken, sandbox, sandboxTokens, userInfo } from '../helpers/oauth.ts';

function client(baseUrl: string) {
  return sandbox.client(baseUrl).web;
}

async function linked(baseUrl: string, browser: Browser) {
  const web = client(baseUrl);
  const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
  const first = await postToken(baseUrl, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: sandbox.redirectUri, client_id: web.client_id, client_secret: web.client_secret });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  // A second pair from the same grant: the first access token stays valid beside it.
  const second = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: web.client_id, client_secret: web.client_secret });
  assert.equal(second.status, 200, JSON.stringify(second.body));
  return { first: first.body, second: second.body };
}

async function revoke(baseUrl: string, token: string) {
  const web = client(baseUrl);
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/revoke`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(web.client_id, web.client_secret) }, body: new URLSearchParams({ token }),
  });
  assert.equal(response.status, 200);
}

async function applicationsListed(browser: Browser) {
  const page = await browser.request('/account/applications');
  return [...page.body.matchAll(/href="\/account\/applications\/[^"]+\/revoke"/g)].length;
}

for (const engine of engines()) {
  describe(`what revoking a token ends [${engine}]`, () => {
    for (const which of ['access_token', 'refresh_token'] as const) {
      it(`revoking one ${which.replace('_', ' ')} ends every access and refresh token of its grant, and the application stays listed on the account page`, async (t) => {
        const { baseUrl } = await startServer(t, engine);
        const browser = new Browser(baseUrl);
        const { first, second } = await linked(baseUrl, browser);
        await revoke(baseUrl, second[which]);

        for (const accessToken of [first.access_token, second.access_token]) assert.equal((await userInfo(baseUrl, accessToken)).status, 401);
        const refresh = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: client(baseUrl).client_id, client_secret: client(baseUrl).client_secret });
        assert.equal(refresh.status, 400);
        assert.equal(refresh.body.error, 'invalid_grant');
        assert.equal(await applicationsListed(browser), 1, 'the person still sees the application until they remove it');

        // Linking again is a new authorization, with consent, as every authorization is.
        const again = await sandboxTokens(baseUrl);
        assert.equal((await userInfo(baseUrl, again.access_token)).status, 200);
      });
    }
  });
}
