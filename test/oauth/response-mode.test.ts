// Issue 9, item 12: the metadata advertises response_modes_supported ["query"]
// only, so form_post and fragment are refused (invalid_request, RFC 6749 4.1.2.1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser } from '../helpers/browser.ts';
import { authorize, authorizationQuery, sandbox } from '../helpers/oauth.ts';

const authorizationPath = '/oauth/v2/endpoints/authorization/';

for (const engine of engines()) {
  describe(`response_mode at ${authorizationPath} [${engine}]`, () => {
    for (const mode of ['form_post', 'fragment']) {
      it(`refuses response_mode=${mode} with invalid_request in the query of the redirect, before any login`, async (t) => {
        const { baseUrl } = await startServer(t, engine);
        const step = await new Browser(baseUrl).request(`${authorizationPath}?${authorizationQuery(baseUrl, { response_mode: mode })}`);
        assert.equal(step.status, 303, step.body.slice(0, 300));
        assert.ok(step.location, 'a redirect');
        assert.ok(!step.location.includes('#'), `no fragment in ${step.location}`);
        const location = new URL(step.location);
        assert.equal(`${location.origin}${location.pathname}`, sandbox.redirectUri);
        assert.equal(location.searchParams.get('error'), 'invalid_request');
        assert.match(location.searchParams.get('error_description') ?? '', /response_mode/);
        assert.equal(location.searchParams.get('state'), 'xyz');
        assert.equal(location.searchParams.get('iss'), baseUrl);
      });
    }

    it('answers in the query even when another error comes first [form_post with a public client and no PKCE]', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const native = sandbox.client(baseUrl).native;
      const query = new URLSearchParams({ response_type: 'code', client_id: native.client_id, redirect_uri: 'http://127.0.0.1:40000/callback', state: 's', response_mode: 'form_post' });
      const step = await new Browser(baseUrl).request(`${authorizationPath}?${query}`);
      assert.equal(step.status, 303, step.body.slice(0, 300));
      const location = new URL(step.location!);
      assert.equal(location.origin, 'http://127.0.0.1:40000');
      assert.equal(location.searchParams.get('error'), 'invalid_request');
    });

    it('shows the error page and never redirects for an unregistered redirect URI [form_post]', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const step = await new Browser(baseUrl).request(`${authorizationPath}?${authorizationQuery(baseUrl, { response_mode: 'form_post', redirect_uri: 'https://attacker.example/cb' })}`);
      assert.equal(step.status, 400);
      assert.equal(step.location, undefined);
      assert.match(step.headers.get('content-type') ?? '', /text\/html/);
      assert.doesNotMatch(step.body, /attacker\.example/);
    });

    it('accepts response_mode=query, the one mode it advertises', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl, { response_mode: 'query' }) });
      assert.ok(redirect.searchParams.get('code'));
      assert.equal(redirect.searchParams.get('state'), 'xyz');
    });
  });
}
