// No query string reaches a log line or an error body unredacted, whatever
// the path: a mistyped token URL carries the client secret in its query.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from '../src/logging.ts';
import { engines, startServer } from './helpers/build-app.ts';

const secret = 'S3CRET-never-logged-0123456789';
const mistypedTokenUrls = [
  `//oauth/v2/endpoints/token/?client_id=abc&client_secret=${secret}&grant_type=client_credentials`,
  `/OAUTH/v2/endpoints/token/?client_id=abc&client_secret=${secret}`,
  `/api/oauth/v2/endpoints/token/?client_id=abc&client_secret=${secret}`,
  `/oauth/v2/endpoint/token/?client_id=abc&client_secret=${secret}`,
  `/oauth/v2/endpoints/tokne?client_secret=${secret}`,
];

describe('request logging', () => {
  it('keeps the path and the parameter names, and redacts every query value [any path]', () => {
    assert.equal(redactUrl(`/nope?client_id=abc&client_secret=${secret}`), '/nope?client_id=[redacted]&client_secret=[redacted]');
    assert.equal(redactUrl(`//oauth/v2/endpoints/token/?client_secret=${secret}&flag`), '//oauth/v2/endpoints/token/?client_secret=[redacted]&[redacted]');
    assert.equal(redactUrl('/oauth/v1/endpoints/sync'), '/oauth/v1/endpoints/sync');
    assert.equal(redactUrl('/invitations/abcdef?next=%2Finvitations%2Fabcdef'), '/invitations/[redacted]?next=[redacted]');
  });

  for (const engine of engines()) {
    for (const url of mistypedTokenUrls) {
      it(`answers 404 in the OAuth shape without the URL, and logs no secret [${url.split('?')[0]}] [${engine}]`, async (t) => {
        const { baseUrl, logs } = await startServer(t, engine);
        const response = await fetch(`${baseUrl}${url}`);
        const text = await response.text();
        assert.equal(response.status, 404);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(Object.keys(JSON.parse(text)), ['error', 'error_description']);
        assert.equal(JSON.parse(text).error, 'invalid_request');
        assert.ok(!text.includes(secret), 'the body repeats the secret');
        assert.ok(!text.includes('token'), 'the body repeats the URL');
        assert.ok(logs().includes('client_secret=[redacted]'), 'the request is logged, redacted');
        assert.ok(!logs().includes(secret), 'the log contains the secret');
      });
    }
  }

  it('logs no query value of any request, known route or not', async (t) => {
    const { baseUrl, logs } = await startServer(t, 'sqlite');
    for (const path of [`/oauth/v1/endpoints/sync?access_token=${secret}`, `/nope?password=${secret}`, `/login?pin=${secret}`, `/healthz?k=${secret}`]) {
      const response = await fetch(`${baseUrl}${path}`);
      assert.ok(!(await response.text()).includes(secret), path);
    }
    assert.ok(!logs().includes(secret));
  });
});
