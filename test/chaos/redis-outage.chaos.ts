// Promise: when Redis goes down, rate limits fall back to per-process counting
// and the log says so once; the API keeps answering (no 5xx, no hang) and the
// limits still apply in each process; when Redis is back, counting returns to
// it and the log says so.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startServer } from '../helpers/build-app.ts';
import { sandboxTokens } from '../helpers/oauth.ts';
import { startOwnRedis } from '../helpers/redis-server.ts';

const perToken = 10;

/** Any answer in time; a request that hangs fails the test instead of stalling it. */
async function userInfo(baseUrl: string, token: string): Promise<number> {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  return response.status;
}

async function burst(baseUrl: string, token: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push(await userInfo(baseUrl, token));
  return statuses;
}

async function tokenCounters(url: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return (await client.keys('parqex:rl:token:*')).length;
  } finally {
    client.disconnect();
  }
}

async function until(what: string, check: () => boolean, seconds = 20): Promise<void> {
  for (let waited = 0; waited < seconds * 10; waited += 1) {
    if (check()) return;
    await sleep(100);
  }
  assert.fail(`${what} within ${seconds} s`);
}

describe('Redis outage', () => {
  it('counts per process while Redis is down, says so once, keeps serving, and shares the counts again when it is back', async (t) => {
    const redis = await startOwnRedis(t);
    const { baseUrl, logs } = await startServer(t, 'sqlite', { REDIS_URL: redis.url, PARQEX_RATE_LIMIT_PER_TOKEN: String(perToken) });
    const mentions = (text: string) => logs().split('\n').filter((line) => line.includes(text)).length;

    const before = await sandboxTokens(baseUrl);
    assert.deepEqual(await burst(baseUrl, before.access_token, 3), [200, 200, 200]);
    assert.equal(await tokenCounters(redis.url), 1, 'counted in Redis');

    await redis.kill();
    const during = await sandboxTokens(baseUrl);
    const statuses = await burst(baseUrl, during.access_token, perToken + 5);
    assert.deepEqual(statuses, [...Array(perToken).fill(200), ...Array(5).fill(429)], 'the per-token limit holds in this process');
    // Made-up tokens and reconnection attempts during the outage: still one line in the log.
    for (let i = 0; i < 10; i += 1) assert.equal(await userInfo(baseUrl, `made-up-${i}`), 401);
    await sleep(3000);
    assert.equal(await userInfo(baseUrl, `made-up-last`), 401);
    assert.equal(mentions('Redis is unreachable: rate limits are counted per process'), 1, logs());
    assert.equal(mentions('"level":50'), 0, 'nothing logged as an error');

    await redis.start();
    await until('the log says Redis is back', () => mentions('Redis is reachable: rate limits are shared through it again') === 1);
    const after = await sandboxTokens(baseUrl);
    assert.deepEqual(await burst(baseUrl, after.access_token, 2), [200, 200]);
    assert.equal(await tokenCounters(redis.url), 1, 'the new Redis holds the new token\'s count');
    assert.equal(mentions('Redis is unreachable'), 1);
  });

  it('keeps answering while Redis is frozen (connections open, no answer): each request counts per process after a short wait', async (t) => {
    const redis = await startOwnRedis(t);
    const { baseUrl } = await startServer(t, 'sqlite', { REDIS_URL: redis.url, PARQEX_RATE_LIMIT_PER_TOKEN: String(perToken) });
    const { access_token } = await sandboxTokens(baseUrl);
    assert.equal(await userInfo(baseUrl, access_token), 200);
    redis.freeze();
    const statuses = await Promise.all(Array.from({ length: 5 }, () => userInfo(baseUrl, access_token)));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    redis.thaw();
  });
});
