import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient } from '../../src/oauth/clients.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { authorize, authorizationQuery, basic, postToken, sandbox, tokenRequest, userInfo } from '../helpers/oauth.ts';

async function freshCode(baseUrl: string, extra: Record<string, string> = {}) {
  const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl, extra) });
  return redirect.searchParams.get('code')!;
}

for (const engine of engines()) {
  describe(`/oauth/v2/endpoints/token [${engine}]`, () => {
    it('accepts client_secret_basic, client_secret_post, the query form and POST with the query and an empty body', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const grant = async () => ({ grant_type: 'authorization_code', code: await freshCode(baseUrl), redirect_uri: sandbox.redirectUri });

      const viaBasic = await postToken(baseUrl, await grant(), { authorization: basic(client.client_id, client.client_secret) });
      assert.equal(viaBasic.status, 200, JSON.stringify(viaBasic.body));
      const viaPost = await postToken(baseUrl, { ...(await grant()), client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(viaPost.status, 200, JSON.stringify(viaPost.body));
      const query = new URLSearchParams({ ...(await grant()), client_id: client.client_id, client_secret: client.client_secret }).toString();
      const viaQueryPost = await tokenRequest(baseUrl, query, { method: 'POST' });
      assert.equal(viaQueryPost.status, 200, JSON.stringify(viaQueryPost.body));
      // Basic credentials a client forgot to form-encode, and the same credentials in header and body, agree.
      const raw = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
      const both = await postToken(baseUrl, { ...(await grant()), client_id: client.client_id, client_secret: client.client_secret }, { authorization: raw });
      assert.equal(both.status, 200, JSON.stringify(both.body));
    });

    it('answers a wrong secret with 401 invalid_client, and WWW-Authenticate when Basic was used', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const code = await freshCode(baseUrl);
      const posted = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: 'wrong-secret-wrong-secret' });
      assert.equal(posted.status, 401);
      assert.equal(posted.body.error, 'invalid_client');
      assert.equal(posted.headers.get('www-authenticate'), null);
      const viaBasic = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri }, { authorization: basic(client.client_id, 'nope') });
      assert.equal(viaBasic.status, 401);
      assert.match(viaBasic.headers.get('www-authenticate') ?? '', /^Basic /);
      // The code survived the failed attempts.
      const good = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(good.status, 200);
    });

    it('refuses conflicting values in the query and the body, and credentials that disagree', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const code = await freshCode(baseUrl);
      const conflicting = await fetch(`${baseUrl}/oauth/v2/endpoints/token?code=${code}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'other', redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret }),
      });
      assert.equal(conflicting.status, 400);
      assert.deepEqual(Object.keys(await conflicting.json() as object).sort(), ['error', 'error_description']);
      const disagree = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_secret: 'another-secret-value' }, { authorization: basic(client.client_id, client.client_secret) });
      assert.equal(disagree.status, 400);
      assert.equal(disagree.body.error, 'invalid_request');
      const ambiguousGrant = await tokenRequest(baseUrl, `grant_type=authorization_code&grant_type=refresh_token&client_id=${client.client_id}&client_secret=${client.client_secret}`);
      assert.equal(ambiguousGrant.status, 400);
      assert.equal(ambiguousGrant.body.error, 'invalid_request');
    });

    it('revokes the tokens a code issued when the code is replayed', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const code = await freshCode(baseUrl);
      const params = { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret };
      const first = await postToken(baseUrl, params);
      assert.equal(first.status, 200);
      assert.equal((await userInfo(baseUrl, first.body.access_token)).status, 200);
      const replay = await postToken(baseUrl, params);
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal((await userInfo(baseUrl, first.body.access_token)).status, 401);
      const refresh = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(refresh.body.error, 'invalid_grant');
    });

    it('refuses a code presented by another client, and a redirect URI that differs from the authorization request', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const other = await createClient(app.db, { apiHost: '127.0.0.1', production: false }, { name: 'Other', redirectUris: [sandbox.redirectUri] });
      const code = await freshCode(baseUrl);
      const stolen = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: other.client_id, client_secret: other.client_secret! });
      assert.equal(stolen.status, 400);
      assert.equal(stolen.body.error, 'invalid_grant');

      const code2 = await freshCode(baseUrl);
      const mismatch = await postToken(baseUrl, { grant_type: 'authorization_code', code: code2, redirect_uri: 'http://localhost:8080/callback', client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(mismatch.status, 400);
      assert.equal(mismatch.body.error, 'invalid_grant');
    });

    it('refuses a code older than ten minutes', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const code = await freshCode(baseUrl);
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 10 * 60 * 1000 + 5000 });
      const late = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
      t.mock.timers.reset();
      assert.equal(late.status, 400);
      assert.equal(late.body.error, 'invalid_grant');
    });

    it('answers an unknown grant type and a missing code in the RFC 6749 error format', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const unknown = await postToken(baseUrl, { grant_type: 'password', client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error, 'unsupported_grant_type');
      const anonymous = await postToken(baseUrl, { grant_type: 'authorization_code', code: 'x', redirect_uri: sandbox.redirectUri });
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error, 'invalid_client');
      const missing = await postToken(baseUrl, { grant_type: 'authorization_code', client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, 'invalid_request');
      assert.equal(missing.headers.get('cache-control'), 'no-store');
    });
  });
}
