// Issue 9, item 12: in production the cookies are secure, so a browser request
// that reaches the server over plain http (TLS ended at a proxy the server does
// not trust) cannot carry a sign-in. It gets a page that says so, never a 500,
// and the server warns at start when no proxy is trusted.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createClient } from '../../src/oauth/clients.ts';
import { startServer } from '../helpers/build-app.ts';

const publicUrl = 'https://parqex.example.com';

async function production(t: TestContext, overrides: Record<string, string> = {}) {
  const server = await startServer(t, 'sqlite', { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: publicUrl, ...overrides });
  const client = await createClient(server.app.db, { apiHost: 'parqex.example.com', production: true }, { name: 'Production app', redirectUris: ['https://app.example/cb'] });
  const direct = `http://127.0.0.1:${server.app.config.port}`;
  const query = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: 'https://app.example/cb', scope: 'opendoor', state: 's' });
  return { ...server, direct, authorizationUrl: `${direct}/oauth/v2/endpoints/authorization/?${query}` };
}

function warnings(logs: string): string[] {
  return logs.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40).map((line) => line.msg);
}

describe('production behind no trusted proxy', () => {
  it('warns at start that TLS must end at a proxy named in PARQEX_TRUST_PROXY', async (t) => {
    const { logs } = await production(t);
    assert.ok(warnings(logs()).some((message) => /PARQEX_TRUST_PROXY/.test(message) && /TLS/.test(message)), warnings(logs()).join('\n'));
  });

  it('answers an authorization request over plain http with a 400 page explaining the deployment problem, not a 500', async (t) => {
    const { authorizationUrl, logs } = await production(t);
    const response = await fetch(authorizationUrl, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    const page = await response.text();
    assert.match(page, /https/);
    assert.match(page, /PARQEX_TRUST_PROXY/);
    assert.equal(response.headers.get('set-cookie'), null);
    assert.doesNotMatch(logs(), /"level":50/);
  });

  it('answers the sign-in page over plain http the same way', async (t) => {
    const { direct } = await production(t);
    const response = await fetch(`${direct}/login`, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /PARQEX_TRUST_PROXY/);
  });

  it('leaves the health check and the token endpoint alone', async (t) => {
    const { direct } = await production(t);
    assert.equal((await fetch(`${direct}/healthz`)).status, 200);
    const token = await fetch(`${direct}/oauth/v2/endpoints/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code' });
    assert.equal(token.status, 401);
  });

  it('goes on to sign-in when a trusted proxy says the request came over https, and not when it says http', async (t) => {
    const { authorizationUrl, logs } = await production(t, { PARQEX_TRUST_PROXY: 'true' });
    assert.ok(!warnings(logs()).some((message) => /PARQEX_TRUST_PROXY/.test(message)));
    const viaHttps = await fetch(authorizationUrl, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(viaHttps.status, 303);
    assert.match(viaHttps.headers.get('location') ?? '', /^\/login\//);
    const viaHttp = await fetch(authorizationUrl, { redirect: 'manual', headers: { 'x-forwarded-proto': 'http' } });
    assert.equal(viaHttp.status, 400);
  });
});
