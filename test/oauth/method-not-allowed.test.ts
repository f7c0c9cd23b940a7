// Issue 9, item 12: a known OAuth endpoint asked with a method it does not
// take answers 405 with Allow, in the RFC 6749 error shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';

const cases: { path: string; method: string; allow: string }[] = [
  { path: '/oauth/v2/endpoints/token', method: 'PUT', allow: 'GET, POST, OPTIONS' },
  { path: '/oauth/v2/endpoints/token/', method: 'DELETE', allow: 'GET, POST, OPTIONS' },
  { path: '/oauth/v2/endpoints/token', method: 'PATCH', allow: 'GET, POST, OPTIONS' },
  { path: '/oauth/v2/endpoints/revoke', method: 'PUT', allow: 'GET, POST, OPTIONS' },
  { path: '/oauth/v2/endpoints/introspect', method: 'DELETE', allow: 'GET, POST, OPTIONS' },
  { path: '/oauth/v2/endpoints/authorization', method: 'PUT', allow: 'GET, HEAD, POST' },
  { path: '/oauth/v2/endpoints/authorization/some-interaction-uid', method: 'POST', allow: 'GET, HEAD' },
  { path: '/oauth/v2/endpoints/jwks', method: 'POST', allow: 'GET, HEAD, OPTIONS' },
];

for (const engine of engines()) {
  describe(`unsupported methods on the OAuth endpoints [${engine}]`, () => {
    it('answers 405 with Allow and {"error":"invalid_request","error_description"} [PUT, DELETE, PATCH, POST on each endpoint]', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      for (const { path, method, allow } of cases) {
        const response = await fetch(`${baseUrl}${path}?client_id=x&client_secret=the-secret-value`, {
          method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code',
        });
        const label = `${method} ${path}`;
        assert.equal(response.status, 405, label);
        assert.equal(response.headers.get('allow'), allow, label);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, label);
        assert.equal(response.headers.get('cache-control'), 'no-store', label);
        const body = await response.json() as Record<string, string>;
        assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], label);
        assert.equal(body.error, 'invalid_request', label);
        assert.match(body.error_description!, new RegExp(method), label);
        assert.doesNotMatch(JSON.stringify(body), /the-secret-value/, label);
      }
    });

    it('still answers a CORS preflight on the token endpoint', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const response = await fetch(`${baseUrl}/oauth/v2/endpoints/token`, {
        method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      assert.ok(response.status < 300, String(response.status));
      assert.ok(response.headers.get('access-control-allow-methods')?.includes('POST'));
    });
  });
}
