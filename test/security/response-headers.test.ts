// Every answer carries security headers: pages helmet's full set, the APIs'
// JSON the few that matter for a document never rendered (security-headers.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServer } from '../helpers/build-app.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

describe('response security headers', () => {
  it('gives API answers, refusals and unknown API paths nosniff, no framing, no referrer and a CSP that allows nothing; pages keep the full set', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const { access_token } = await sandboxTokens(baseUrl);
    const answers = [
      await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${access_token}` } }),
      await fetch(`${baseUrl}/oauth/v1/endpoints/sync`),
      await fetch(`${baseUrl}/oauth/v1/endpoints/no-such-route`),
      await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: '{}' }),
    ];
    assert.deepEqual(answers.map((answer) => answer.status), [200, 401, 404, 400]);
    for (const answer of answers) {
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(answer.headers.get('content-security-policy'), "default-src 'none';frame-ancestors 'none'");
      assert.equal(answer.headers.get('cross-origin-opener-policy'), null);
    }
    const page = await fetch(`${baseUrl}/login`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
  });
});
