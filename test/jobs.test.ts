// The jobs registry: each run sees the clock's time once, a failing job does
// not stop the others, and runs never overlap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { ManualClock } from '../src/clock.ts';
import { createJobs, type Job } from '../src/jobs.ts';
import type { Database } from '../src/store/database.ts';

const db = {} as Kysely<Database>;
const warnings: unknown[] = [];
const log = { warn: (obj: unknown) => warnings.push(obj) } as unknown as FastifyBaseLogger;

describe('jobs', () => {
  it('runs every job with the clock\'s time, and again after the clock moves', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 4));
    const seen: number[] = [];
    const jobs = createJobs({ db, clock, log }, [{ name: 'seen', run: async ({ now }) => seen.push(now) }]);
    assert.deepEqual(await jobs.runDue(), { seen: 1 });
    clock.advance(3600_000);
    await jobs.runDue();
    assert.deepEqual(seen, [Date.UTC(2026, 2, 4), Date.UTC(2026, 2, 4, 1)]);
  });

  it('keeps running the other jobs when one fails', async () => {
    const failing: Job = { name: 'failing', run: async () => { throw new Error('boom'); } };
    const jobs = createJobs({ db, clock: new ManualClock(0), log }, [failing, { name: 'after', run: async () => 3 }]);
    assert.deepEqual(await jobs.runDue(), { after: 3 });
    assert.equal(warnings.length, 1);
  });

  it('runs one pass at a time: a run asked for during another follows it', async () => {
    let active = 0;
    let most = 0;
    const slow: Job = { name: 'slow', run: async () => {
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 20));
      active -= 1;
      return 0;
    } };
    const jobs = createJobs({ db, clock: new ManualClock(0), log }, [slow]);
    await Promise.all([jobs.runDue(), jobs.runDue(), jobs.runDue()]);
    assert.equal(most, 1);
  });

  it('runs on its interval once started, and not after stop', async () => {
    let runs = 0;
    const jobs = createJobs({ db, clock: new ManualClock(0), log }, [{ name: 'tick', run: async () => ++runs }]);
    jobs.start(10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await jobs.stop();
    const stopped = runs;
    assert.ok(stopped >= 2, `ran ${stopped} times`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(runs, stopped);
  });
});
