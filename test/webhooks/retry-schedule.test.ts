import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jitterRatio, maxAttempts, nextAttemptAt, retryDelaysMs } from '../../src/webhooks/retry-schedule.ts';

const HOUR = 60 * 60 * 1000;
const start = Date.UTC(2026, 0, 1);
const lowest = () => 0;
const middle = () => 0.5;
const highest = () => 1 - Number.EPSILON;

/** Walks the whole schedule with one random source; returns every attempt time. */
function allAttempts(random: () => number): number[] {
  const times: number[] = [];
  let last = start;
  for (let made = 0; ; made++) {
    const next = nextAttemptAt(made, last, random);
    if (next === undefined) return times;
    times.push(next);
    last = next;
  }
}

describe('webhook retry schedule', () => {
  it('follows the documented delays: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    assert.deepEqual(retryDelaysMs, [0, 5_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    assert.equal(maxAttempts, 8);
  });

  it('makes the first attempt immediately', () => {
    assert.equal(nextAttemptAt(0, start, highest), start);
  });

  it('uses the base delay when the jitter is centred', () => {
    assert.deepEqual(allAttempts(middle).map((t, i, all) => t - (all[i - 1] ?? start)), retryDelaysMs);
  });

  it('keeps retrying for at least 24 hours [every delay at its shortest]', () => {
    const times = allAttempts(lowest);
    assert.equal(times.length, 8);
    assert.ok(times.at(-1)! - times[0]! >= 24 * HOUR, `${(times.at(-1)! - times[0]!) / HOUR} h`);
  });

  it('keeps each jittered delay within 10 % of its base', () => {
    for (const random of [lowest, highest, () => 0.25, () => 0.9]) {
      retryDelaysMs.forEach((base, made) => {
        const delay = nextAttemptAt(made, start, random)! - start;
        assert.ok(Math.abs(delay - base) <= Math.ceil(base * jitterRatio), `attempt ${made + 1}: ${delay} vs ${base}`);
      });
    }
    assert.equal(nextAttemptAt(1, start, lowest), start + 4_500);
    assert.equal(nextAttemptAt(1, start, highest), start + 5_500);
  });

  it('has no attempt left after the 8th', () => {
    assert.notEqual(nextAttemptAt(7, start, middle), undefined);
    assert.equal(nextAttemptAt(8, start, middle), undefined);
    assert.equal(nextAttemptAt(9, start, middle), undefined);
  });

  it('rejects a negative or fractional attempt count', () => {
    assert.throws(() => nextAttemptAt(-1, start), RangeError);
    assert.throws(() => nextAttemptAt(1.5, start), RangeError);
  });
});
