// The one error handler over HTTP: a refusal thrown anywhere is answered in
// the shape of the surface its path belongs to (docs/errors.md).
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { unavailableMessage } from '../../src/errors/answers.ts';
import { sandboxDoors } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

for (const engine of engines()) {
  describe(`one error handler, each surface in its shape [${engine}]`, () => {
    it('answers the resource API in the error envelope, POST toggle in its own, the webhooks API with a Basic challenge', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      const bearer = { authorization: `Bearer ${access_token}` };

      const rule = await call(`${baseUrl}/oauth/v1/endpoints/toggle-history?start_date=2026-11-28&end_date=2026-11-01`, { headers: bearer });
      assert.equal(rule.status, 400);
      assert.equal(rule.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(rule.headers.get('cache-control'), 'no-store');
      assert.equal(rule.text, '{"errors":[{"message":"start_date must not be after end_date."}]}');

      // A domain refusal that knows the door: the original API's sentence with the caller's name for it.
      const toggle = await call(`${baseUrl}/api/oauth/v1/endpoint/toggle`, { ...json({ door_id: compactId(sandboxDoors.garage.id), door_state: 'AJAR' }), headers: { ...bearer, 'content-type': 'application/json' } });
      assert.equal(toggle.status, 400);
      assert.equal(toggle.headers.get('cache-control'), 'no-store');
      const envelope = JSON.parse(toggle.text);
      assert.deepEqual(Object.keys(envelope), ['success', 'timestamp', 'message']);
      assert.equal(envelope.success, false);
      assert.ok(Number.isInteger(envelope.timestamp));
      assert.equal(envelope.message, 'Error communicating with Garage. Malformed Request. (400)');

      // A refusal of Fastify's (body syntax) on the same route: the toggle envelope too, not the API's.
      const syntax = await call(`${baseUrl}/oauth/v1/endpoints/toggle`, { ...json('{'), headers: { ...bearer, 'content-type': 'application/json' } });
      assert.equal(syntax.status, 400);
      assert.equal(JSON.parse(syntax.text).message, 'Error communicating with access point. Malformed Request. (400)');

      const webhooks = await call(`${baseUrl}/oauth/v1/webhooks/endpoints`);
      assert.equal(webhooks.status, 401);
      assert.equal(webhooks.headers.get('www-authenticate'), 'Basic realm="ParqEx webhooks", charset="UTF-8"');
      assert.equal(webhooks.text, '{"errors":[{"message":"Client credentials are required: send them as \\"Authorization: Basic base64(client_id:client_secret)\\"."}]}');
    });

    it('answers the token endpoint in RFC 6749\'s shape [compatibility layer, body syntax]', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const conflicting = await call(`${baseUrl}/oauth/v2/endpoints/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&grant_type=authorization_code&client_id=${client.client_id}&client_secret=${client.client_secret}`,
      });
      assert.equal(conflicting.status, 400);
      assert.equal(conflicting.headers.get('cache-control'), 'no-store');
      assert.equal(conflicting.headers.get('pragma'), 'no-cache');
      assert.deepEqual(JSON.parse(conflicting.text), { error: 'invalid_request', error_description: '\'grant_type\' parameter was given more than once with conflicting values' });

      const syntax = await call(`${baseUrl}/oauth/v2/endpoints/token`, json('{'));
      assert.equal(syntax.status, 400);
      assert.equal(syntax.text, '{"error":"invalid_request","error_description":"The request body is not valid JSON."}');
    });

    it('answers a page with an HTML error page [a domain refusal, a form without its CSRF token]', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const syntax = await call(`${baseUrl}/login`, json('{'));
      assert.equal(syntax.status, 400);
      assert.equal(syntax.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(syntax.headers.get('cache-control'), 'no-store');
      assert.match(syntax.text, /<h1>This cannot be done<\/h1>/);
      assert.match(syntax.text, /The request body is not valid JSON\./);

      const browser = new Browser(baseUrl);
      await browser.request('/login');
      const forged = await browser.request('/login', { form: { email: sandbox.people.sam.email, password: sandbox.password } });
      assert.equal(forged.status, 403);
      assert.match(forged.body, /<h1>This form has expired<\/h1>/);
    });
  });
}

describe('the database locked past its wait, on each surface [sqlite]', () => {
  it('answers 503 with Retry-After in the API envelope, the toggle envelope and a page', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    // A token's first use records it, and signing in starts a session: both are writes.
    const [apiToken, toggleToken] = [await sandboxTokens(baseUrl), await sandboxTokens(baseUrl)];
    const browser = new Browser(baseUrl);
    const csrf = csrfToken((await browser.request('/login')).body);
    const other = new DatabaseSync(app.config.sqlitePath);
    t.after(() => other.close());
    other.exec('begin immediate');
    const [api, toggle, page] = await Promise.all([
      call(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${apiToken.access_token}` } }),
      call(`${baseUrl}/oauth/v1/endpoints/toggle`, { ...json({ door_id: compactId(sandboxDoors.garage.id), door_state: 'OPEN' }), headers: { authorization: `Bearer ${toggleToken.access_token}`, 'content-type': 'application/json' } }),
      browser.request('/login', { form: { _csrf: csrf, email: sandbox.people.sam.email, password: sandbox.password } }),
    ]);
    other.exec('rollback');

    assert.equal(api.status, 503, api.text);
    assert.equal(api.headers.get('retry-after'), '1');
    assert.equal(api.text, JSON.stringify({ errors: [{ message: unavailableMessage }] }));

    assert.equal(toggle.status, 503, toggle.text);
    assert.equal(toggle.headers.get('retry-after'), '1');
    assert.equal(JSON.parse(toggle.text).success, false);
    assert.equal(JSON.parse(toggle.text).message, unavailableMessage);

    assert.equal(page.status, 503, page.body.slice(0, 300));
    assert.equal(page.headers.get('retry-after'), '1');
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.body, /<h1>Temporarily unavailable<\/h1>/);
  });
});
