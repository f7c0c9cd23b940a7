// Wrong PINs at a keypad are counted per controller, in memory or, with
// Redis, across every server process.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createRateLimits, type RateLimitSettings } from '../../src/security/rate-limits.ts';

const settings = (redisUrl: string | undefined): RateLimitSettings => ({ perTokenPerMinute: 100, perPersonPerMinute: 100, perDoorPerMinute: 100, badTokensPerAddressPerMinute: 100, redisUrl });

describe('keypad guesses', () => {
  it('refuses the sixth wrong PIN at one controller, not at another, and a right PIN does not count', async (t) => {
    const limits = createRateLimits(settings(undefined));
    t.after(() => limits.close());
    const [door, other] = [randomUUID(), randomUUID()];
    assert.equal(await limits.keypadGuesses.take(door), true);
    await limits.keypadGuesses.giveBack(door);
    for (let i = 0; i < 5; i += 1) assert.equal(await limits.keypadGuesses.take(door), true, `guess ${i + 1}`);
    assert.equal(await limits.keypadGuesses.take(door), false);
    assert.equal(await limits.keypadGuesses.take(other), true);
  });

  it('lets through five of twenty wrong PINs sent at once: each is counted before the PIN is compared', async (t) => {
    const limits = createRateLimits(settings(undefined));
    t.after(() => limits.close());
    const controller = randomUUID();
    const taken = await Promise.all(Array.from({ length: 20 }, () => limits.keypadGuesses.take(controller)));
    assert.equal(taken.filter(Boolean).length, 5);
  });

  it('lets through five of twenty wrong PINs sent at once to two processes sharing Redis', { skip: process.env.REDIS_URL ? false : 'REDIS_URL is not set; runs in CI' }, async (t) => {
    const [one, two] = [createRateLimits(settings(process.env.REDIS_URL)), createRateLimits(settings(process.env.REDIS_URL))];
    t.after(async () => { await one.close(); await two.close(); });
    await Promise.all([one.ready(), two.ready()]);
    const controller = randomUUID();
    const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).keypadGuesses.take(controller)));
    assert.equal(taken.filter(Boolean).length, 5);
  });

  it('counts the guesses of two processes together through Redis', { skip: process.env.REDIS_URL ? false : 'REDIS_URL is not set; runs in CI' }, async (t) => {
    const [one, two] = [createRateLimits(settings(process.env.REDIS_URL)), createRateLimits(settings(process.env.REDIS_URL))];
    t.after(async () => { await one.close(); await two.close(); });
    await Promise.all([one.ready(), two.ready()]);
    const controller = randomUUID();
    for (let i = 0; i < 5; i += 1) assert.equal(await (i % 2 === 0 ? one : two).keypadGuesses.take(controller), true);
    assert.equal(await one.keypadGuesses.take(controller), false);
    assert.equal(await two.keypadGuesses.take(controller), false);
  });
});
