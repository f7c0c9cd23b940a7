import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens, userInfo } from '../helpers/oauth.ts';

describe('API rate limits', () => {
  it('answers 429 with Retry-After once a token spends its budget, without touching other people', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite', { PARQEX_RATE_LIMIT_PER_TOKEN: '5' });
    const alex = await sandboxTokens(baseUrl);
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await userInfo(baseUrl, alex.access_token)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const limited = await userInfo(baseUrl, alex.access_token);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.match(limited.body.errors[0].message, /Too many requests/);
    // Another alias is the same API and the same budget.
    const alias = await fetch(`${baseUrl}/api/oauth/v1/endpoint/user-info`, { headers: { authorization: `Bearer ${alex.access_token}` } });
    assert.equal(alias.status, 429);
    const sam = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
    assert.equal((await userInfo(baseUrl, sam.access_token)).status, 200);
  });

  it('counts every token of one person against the per-person budget', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite', { PARQEX_RATE_LIMIT_PER_PERSON: '4' });
    const first = await sandboxTokens(baseUrl);
    const second = await sandboxTokens(baseUrl);
    for (let i = 0; i < 2; i += 1) {
      assert.equal((await userInfo(baseUrl, first.access_token)).status, 200);
      assert.equal((await userInfo(baseUrl, second.access_token)).status, 200);
    }
    assert.equal((await userInfo(baseUrl, second.access_token)).status, 429);
  });

  it('shares the counts between two server processes through Redis', { skip: process.env.REDIS_URL ? false : 'REDIS_URL is not set; runs in CI' }, async (t) => {
    // A fresh Redis database number is not available everywhere; unique tokens keep the keys apart.
    const shared = { PARQEX_RATE_LIMIT_PER_TOKEN: '4', REDIS_URL: process.env.REDIS_URL!, PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64'), PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url') };
    const one = await startServer(t, 'sqlite', shared);
    const tokens = await sandboxTokens(one.baseUrl);
    // The second process reads the same SQLite file, so it accepts the same token.
    const two = await startServer(t, 'sqlite', { ...shared, PARQEX_DATA_DIR: one.app.config.dataDir });
    const statuses = [];
    for (const base of [one.baseUrl, two.baseUrl, one.baseUrl, two.baseUrl, one.baseUrl]) statuses.push((await userInfo(base, tokens.access_token)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
  });
});

describe('toggle rate limit per door', () => {
  it('answers 429 in the toggle envelope once a door was toggled too often, and records the refusal', async (t) => {
    const { sandboxController } = await import('../helpers/controllers.ts');
    const { sandboxDoors } = await import('../../src/sandbox/seed.ts');
    const { baseUrl, app } = await startServer(t, 'sqlite', { PARQEX_RATE_LIMIT_PER_DOOR: '2' });
    const controller = await sandboxController(t, app, 'a');
    const { access_token } = await sandboxTokens(baseUrl);
    const statuses: number[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
        method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ door_id: sandboxDoors.lobby.id, door_state: 'OPEN' }),
      });
      statuses.push(response.status);
      if (response.status === 429) assert.ok(Number(response.headers.get('retry-after')) >= 1);
      last = await response.json() as Record<string, unknown>;
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(last.success, false);
    assert.match(String(last.message), /Lobby Door was toggled too often/);
    assert.equal(controller.movements, 2);
  });
});

describe('bearer token guessing', () => {
  const call = (baseUrl: string, address: string, token: string) =>
    fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': address } });

  it('refuses made-up tokens from one address past the limit with 429 and Retry-After in the envelope', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite', { PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS: '5', PARQEX_TRUST_PROXY: 'true' });
    const answers = await Promise.all(Array.from({ length: 30 }, () => call(baseUrl, '203.0.113.9', randomBytes(32).toString('base64url'))));
    const statuses = answers.map((answer) => answer.status);
    assert.equal(statuses.filter((status) => status === 401).length, 5, `statuses: ${statuses.join(',')}`);
    const refused = answers.filter((answer) => answer.status === 429);
    assert.equal(refused.length, 25);
    assert.ok(Number(refused[0]!.headers.get('retry-after')) >= 1);
    assert.match((await refused[0]!.json() as { errors: { message: string }[] }).errors[0]!.message, /Too many requests with an invalid access token/);
  });

  it('refuses a valid token from the locked address, and serves the same token from another address', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite', { PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS: '5', PARQEX_TRUST_PROXY: 'true' });
    const { access_token } = await sandboxTokens(baseUrl);
    for (let i = 0; i < 5; i += 1) assert.equal((await call(baseUrl, '203.0.113.9', `made-up-${i}`)).status, 401);
    assert.equal((await call(baseUrl, '203.0.113.9', access_token)).status, 429);
    assert.equal((await call(baseUrl, '198.51.100.7', access_token)).status, 200);
  });

  for (const engine of engines()) {
    // On PostgreSQL lookups overlap: valid tokens in flight at once outnumber the limit, and must not lock their own address.
    it(`does not count valid tokens, even four times the limit at once [${engine}]`, async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS: '5', PARQEX_TRUST_PROXY: 'true' });
      const { access_token } = await sandboxTokens(baseUrl);
      for (let round = 0; round < 3; round += 1) {
        const statuses = (await Promise.all(Array.from({ length: 20 }, () => call(baseUrl, '198.51.100.7', access_token)))).map((answer) => answer.status);
        assert.deepEqual(statuses, Array.from({ length: 20 }, () => 200));
      }
      assert.equal((await call(baseUrl, '198.51.100.7', 'made-up')).status, 401);
    });
  }
});
