// Three `parqex serve` processes on one PostgreSQL, one Redis and one
// Mosquitto, behind a round-robin proxy that sends each request to the next
// process. Promises checked: an OAuth authorization-code flow whose steps
// (authorization request, login, consent, the provider's resume, token,
// refresh) land on different processes works; a revocation on one process is
// effective on all (the next request to each with the revoked token is 401).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort, testEnv } from '../helpers/build-app.ts';
import { Browser } from '../helpers/browser.ts';
import { authorizationQuery, authorize, postToken, sandbox } from '../helpers/oauth.ts';
import { serveProcess, startMosquitto, startRedis, untilReady } from '../helpers/processes.ts';
import { startRoundRobinProxy } from '../helpers/round-robin-proxy.ts';

const skip = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set: this chaos test needs PostgreSQL (CI sets it)';

async function userInfo(baseUrl: string, token: string): Promise<number> {
  return (await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('three processes behind a round-robin proxy [postgres] [redis] [mosquitto]', { skip }, () => {
  it('completes an OAuth flow whose steps hit different processes, and a revocation on one is effective on all', { timeout: 180_000 }, async (t) => {
    const [mqttUrl, redisUrl] = [await startMosquitto(t), await startRedis(t)];
    const proxyPort = await freePort();
    const { env, cleanup } = await testEnv('postgres', { MQTT_URL: mqttUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'warn', PARQEX_PUBLIC_URL: `http://127.0.0.1:${proxyPort}` });
    t.after(cleanup);
    const backends: string[] = [];
    // One after the other: the first migrates and seeds, the others find it done.
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      const backend = `http://127.0.0.1:${port}`;
      await untilReady(backend, serveProcess(t, { ...env, PORT: String(port) }));
      backends.push(backend);
    }
    const proxy = await startRoundRobinProxy(t, proxyPort, backends);
    const baseUrl = proxy.url;
    const web = sandbox.client(baseUrl).web;

    // The flow, every request through the proxy.
    const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser: new Browser(baseUrl) });
    const code = redirect.searchParams.get('code');
    assert.ok(code, `no code: ${redirect}`);
    const tokens = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: web.client_id, client_secret: web.client_secret });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    const refreshed = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id: web.client_id, client_secret: web.client_secret });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const steps = proxy.routed.map((step) => `${step.method} ${step.path} → process ${step.backend} (${step.status})`);
    assert.ok(new Set(proxy.routed.map((step) => step.backend)).size === 3, `the steps were spread over the three processes:\n${steps.join('\n')}`);
    t.diagnostic(`round-robin flow:\n${steps.join('\n')}`);

    // Each process has seen (and could have cached) the token before the revocation.
    const { access_token: access, refresh_token: refresh } = refreshed.body as { access_token: string; refresh_token: string };
    for (const backend of backends) assert.equal(await userInfo(backend, access), 200, `${backend} accepts the token before the revocation`);
    const revoked = await fetch(`${baseUrl}/oauth/v2/endpoints/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: refresh, client_id: web.client_id, client_secret: web.client_secret }) });
    assert.equal(revoked.status, 200);
    t.diagnostic(`revoked on process ${proxy.routed.at(-1)!.backend}`);
    for (const backend of backends) {
      assert.equal(await userInfo(backend, access), 401, `${backend} still accepts the revoked grant's access token`);
      const again = await postToken(backend, { grant_type: 'refresh_token', refresh_token: refresh, client_id: web.client_id, client_secret: web.client_secret });
      assert.equal(again.status, 400, `${backend} refreshes a revoked token: ${JSON.stringify(again.body)}`);
      assert.equal(again.body.error, 'invalid_grant');
    }
  });
});
