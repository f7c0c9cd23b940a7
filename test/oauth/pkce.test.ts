import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser } from '../helpers/browser.ts';
import { authorize, authorizationQuery, pkcePair, postToken, sandbox } from '../helpers/oauth.ts';

const redirectUri = 'http://127.0.0.1:40000/callback';

function nativeQuery(baseUrl: string, extra: Record<string, string>) {
  return new URLSearchParams({ response_type: 'code', client_id: sandbox.client(baseUrl).native.client_id, redirect_uri: redirectUri, scope: 'opendoor', state: 'p', ...extra }).toString();
}

for (const engine of engines()) {
  describe(`PKCE (RFC 7636) [${engine}]`, () => {
    it('refuses a public client that sends no code_challenge, on the redirect', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const step = await new Browser(baseUrl).request(`/oauth/v2/endpoints/authorization/?${nativeQuery(baseUrl, {})}`);
      assert.equal(step.status, 303);
      const location = new URL(step.location!);
      assert.equal(location.origin, 'http://127.0.0.1:40000');
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description') ?? '', /PKCE/);
    });

    it('refuses the plain method', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const step = await new Browser(baseUrl).request(`/oauth/v2/endpoints/authorization/?${nativeQuery(baseUrl, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })}`);
      assert.equal(new URL(step.location!).searchParams.get('error'), 'invalid_request');
    });

    it('refuses a wrong code_verifier and accepts the right one', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { verifier, challenge } = pkcePair();
      const redirect = await authorize(baseUrl, { query: nativeQuery(baseUrl, { code_challenge: challenge, code_challenge_method: 'S256' }) });
      const code = redirect.searchParams.get('code')!;
      const native = sandbox.client(baseUrl).native.client_id;
      const wrong = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: native, code_verifier: pkcePair().verifier });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error, 'invalid_grant');
      // The failed attempt consumed nothing a thief could use; a second code with the right verifier works.
      const { verifier: v2, challenge: c2 } = pkcePair();
      const code2 = (await authorize(baseUrl, { query: nativeQuery(baseUrl, { code_challenge: c2, code_challenge_method: 'S256' }) })).searchParams.get('code')!;
      const right = await postToken(baseUrl, { grant_type: 'authorization_code', code: code2, redirect_uri: redirectUri, client_id: native, code_verifier: v2 });
      assert.equal(right.status, 200, JSON.stringify(right.body));
      assert.ok(verifier);
    });

    it('refuses a code_verifier when the authorization request sent no challenge (downgrade)', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const code = (await authorize(baseUrl, { query: authorizationQuery(baseUrl) })).searchParams.get('code')!;
      const downgraded = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret, code_verifier: pkcePair().verifier });
      assert.equal(downgraded.status, 400);
      assert.equal(downgraded.body.error, 'invalid_grant');
    });

    it('supports S256 for confidential clients too', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const { verifier, challenge } = pkcePair();
      const code = (await authorize(baseUrl, { query: authorizationQuery(baseUrl, { code_challenge: challenge, code_challenge_method: 'S256' }) })).searchParams.get('code')!;
      const missing = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(missing.body.error, 'invalid_grant');
      const code2 = (await authorize(baseUrl, { query: authorizationQuery(baseUrl, { code_challenge: challenge, code_challenge_method: 'S256' }) })).searchParams.get('code')!;
      const ok = await postToken(baseUrl, { grant_type: 'authorization_code', code: code2, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret, code_verifier: verifier });
      assert.equal(ok.status, 200);
    });
  });
}
