import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken, formAction } from '../helpers/browser.ts';
import { authorize, authorizationQuery, pkcePair, sandbox } from '../helpers/oauth.ts';

for (const engine of engines()) {
  describe(`GET /oauth/v2/endpoints/authorization [${engine}]`, () => {
    it('answers an unknown scope with invalid_scope on the redirect, with state and iss, before any login', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const step = await new Browser(baseUrl).request(`/oauth/v2/endpoints/authorization?${authorizationQuery(baseUrl, { scope: 'opendoor,launch_missiles' })}`);
      assert.equal(step.status, 303);
      const location = new URL(step.location!);
      assert.equal(`${location.origin}${location.pathname}`, sandbox.redirectUri);
      assert.equal(location.searchParams.get('error'), 'invalid_scope');
      assert.equal(location.searchParams.get('state'), 'xyz');
      assert.equal(location.searchParams.get('iss'), baseUrl);
    });

    it('shows an error page and never redirects for an unknown client', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const step = await new Browser(baseUrl).request(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl, { client_id: '999999999999999999.evil.example' })}`);
      assert.equal(step.status, 400);
      assert.equal(step.location, undefined);
      assert.match(step.headers.get('content-type') ?? '', /text\/html/);
      assert.match(step.body, /invalid_client/);
      assert.doesNotMatch(step.body, /8080\/callback/);
    });

    it('shows an error page and never redirects for an unregistered redirect URI [also with a bad scope]', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      for (const extra of [{ redirect_uri: "https://attacker.example/cb" }, { redirect_uri: `${sandbox.redirectUri}/`, scope: "nope" }] as Record<string, string>[]) {
        const step = await new Browser(baseUrl).request(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl, extra)}`);
        assert.equal(step.status, 400, JSON.stringify(extra));
        assert.equal(step.location, undefined);
        assert.match(step.body, /redirect_uri/);
      }
    });

    it('redirects with error=access_denied, state and iss when the person clicks DENY', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl, { state: ' spaced state ' }), decision: 'deny' });
      assert.equal(redirect.searchParams.get('error'), 'access_denied');
      assert.equal(redirect.searchParams.get('state'), ' spaced state ');
      assert.equal(redirect.searchParams.get('iss'), baseUrl);
      assert.equal(redirect.searchParams.get('code'), null);
    });

    it('gives a read-only grant when no scope is sent, and accepts space-separated scopes', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const exchange = async (query: string) => {
        const code = (await authorize(baseUrl, { query })).searchParams.get('code')!;
        const response = await fetch(`${baseUrl}/oauth/v2/endpoints/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret }),
        });
        return response.json() as Promise<Record<string, unknown>>;
      };
      const params = new URLSearchParams(authorizationQuery(baseUrl));
      params.delete('scope');
      const readOnly = await exchange(params.toString());
      assert.equal(typeof readOnly.access_token, 'string');
      assert.ok(!readOnly.scope, `expected no scope, got ${String(readOnly.scope)}`);
      const spaced = await exchange(authorizationQuery(baseUrl, { scope: ' closedoor  OpenDoor ' }));
      assert.equal(spaced.scope, 'closedoor opendoor');
    });

    it('asks for consent on every request and for a fresh login with prompt=login', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
      // Same browser, signed in: consent again, no login.
      const again = await browser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`);
      assert.match(again.url, /\/consent\//);
      const forced = await browser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl, { prompt: 'login' })}`);
      assert.match(forced.url, /\/login\//);
      assert.match(forced.body, /name="password"/);
    });

    it('matches loopback redirect URIs on any port for public native clients only', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const native = sandbox.client(baseUrl).native;
      const { challenge } = pkcePair();
      const nativeQuery = new URLSearchParams({ response_type: 'code', client_id: native.client_id, redirect_uri: 'http://127.0.0.1:51234/callback', scope: 'opendoor', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
      const redirect = await authorize(baseUrl, { query: nativeQuery.toString() });
      assert.equal(redirect.origin, 'http://127.0.0.1:51234');
      assert.ok(redirect.searchParams.get('code'));

      const custom = await authorize(baseUrl, { query: new URLSearchParams({ ...Object.fromEntries(nativeQuery), redirect_uri: 'com.parqex.sandbox:/oauth' }).toString() });
      assert.equal(custom.protocol, 'com.parqex.sandbox:');

      // The confidential web client registered http://127.0.0.1:8080/callback: another port is refused.
      const step = await new Browser(baseUrl).request(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl, { redirect_uri: 'http://127.0.0.1:9090/callback' })}`);
      assert.equal(step.status, 400);
      assert.equal(step.location, undefined);
    });

    it('refuses login and consent forms without their CSRF token', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      const loginPage = await browser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`);
      const noToken = await browser.request(formAction(loginPage.body), { form: { email: sandbox.people.alex.email, password: sandbox.password } });
      assert.equal(noToken.status, 403);
      const wrongToken = await browser.request(formAction(loginPage.body), { form: { _csrf: 'forged', email: sandbox.people.alex.email, password: sandbox.password } });
      assert.equal(wrongToken.status, 403);

      const login = await browser.request(formAction(loginPage.body), { form: { _csrf: csrfToken(loginPage.body), email: sandbox.people.alex.email, password: sandbox.password } });
      const consentPage = await browser.follow(login.location!);
      assert.match(consentPage.url, /\/consent\//);
      const noConsentToken = await browser.request(formAction(consentPage.body), { form: { decision: 'allow' } });
      assert.equal(noConsentToken.status, 403);
      assert.equal(noConsentToken.location, undefined);
      // A token from another browser's session is refused as well.
      const other = new Browser(baseUrl);
      const otherPage = await other.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`);
      const crossToken = await browser.request(formAction(consentPage.body), { form: { decision: 'allow', _csrf: csrfToken(otherPage.body) } });
      assert.equal(crossToken.status, 403);
    });
  });
}
