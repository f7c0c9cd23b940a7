// Issue 9, item 12: strict client libraries (simple-oauth2's default) parse the
// revocation response as JSON, so a successful revocation answers `{}`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { basic, sandbox, sandboxTokens } from '../helpers/oauth.ts';

for (const engine of engines()) {
  describe(`POST /oauth/v2/endpoints/revoke response [${engine}]`, () => {
    it('answers 200 application/json {} [a live token, the same token again, an unknown token]', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const tokens = await sandboxTokens(baseUrl);
      for (const token of [tokens.access_token, tokens.access_token, 'no-such-token']) {
        const response = await fetch(`${baseUrl}/oauth/v2/endpoints/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret) },
          body: new URLSearchParams({ token }),
        });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(await response.text(), '{}');
      }
    });
  });
}
