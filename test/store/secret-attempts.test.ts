// Places held by secret attempts in flight (store/repositories/login-failures.ts),
// on both engines: only checked failures count or lock, a window that ran out
// starts again, and the migration adding the column keeps rows written before it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { endAttempt, holdAttempt } from '../../src/store/repositories/login-failures.ts';
import { engines } from '../helpers/build-app.ts';
import { emptyDatabase } from '../helpers/empty-database.ts';

const key = { key: 'client:c1', limit: 3 };
const window = (now: number) => ({ windowSeconds: 900, now });

for (const engine of engines()) {
  describe(`secret attempts in flight [${engine}]`, () => {
    it('holds no more places than the limit; a right attempt frees its place without counting, a wrong one counts and the limit-th failure locks', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      await migrateToLatest(db, engine);
      const held = await Promise.all(Array.from({ length: 5 }, () => holdAttempt(db, key, window(1000))));
      assert.equal(held.filter(Boolean).length, 3);
      for (let i = 0; i < 3; i += 1) await endAttempt(db, key, 'passed', window(1000));
      // Right attempts again and again: never a failure, never a lock.
      for (let i = 0; i < 10; i += 1) {
        assert.equal(await holdAttempt(db, key, window(1001)), true);
        await endAttempt(db, key, 'passed', window(1001));
      }
      const row = () => db.selectFrom('login_failures').select(['failures', 'in_flight', 'locked_until']).where('key', '=', key.key).executeTakeFirstOrThrow();
      assert.deepEqual({ ...await row() }, { failures: 0, in_flight: 0, locked_until: null });

      for (let i = 0; i < 2; i += 1) {
        assert.equal(await holdAttempt(db, key, window(1002)), true);
        await endAttempt(db, key, 'failed', window(1002));
      }
      assert.equal((await row()).locked_until, null);
      // One place left under the limit: a second attempt in flight waits for it.
      assert.equal(await holdAttempt(db, key, window(1003)), true);
      assert.equal(await holdAttempt(db, key, window(1003)), false);
      await endAttempt(db, key, 'failed', window(1003));
      assert.equal(Number((await row()).locked_until), 1003 + 900);
      assert.equal(await holdAttempt(db, key, window(1500)), false);

      // The lock and the window run out: the key starts again with the one attempt in flight.
      assert.equal(await holdAttempt(db, key, window(1903)), true);
      assert.deepEqual({ ...await row(), locked_until: null }, { failures: 0, in_flight: 1, locked_until: null });
    });

    it('clears an account\'s failures and lock on a right password', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      await migrateToLatest(db, engine);
      assert.equal(await holdAttempt(db, key, window(1000)), true);
      await endAttempt(db, key, 'failed', window(1000));
      assert.equal(await holdAttempt(db, key, window(1001)), true);
      await endAttempt(db, key, 'cleared', window(1001));
      const row = await db.selectFrom('login_failures').select(['failures', 'in_flight']).where('key', '=', key.key).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row }, { failures: 0, in_flight: 0 });
    });

    it('keeps a row written before 0020 and holds attempts on it', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      await migrateToLatest(db, engine, '0016-controller-names');
      await db.insertInto('login_failures').values({ key: key.key, failures: 2, window_started_at: 1000, locked_until: null } as never).execute();
      await migrateToLatest(db, engine);
      assert.equal(await holdAttempt(db, key, window(1001)), true);
      assert.equal(await holdAttempt(db, key, window(1001)), false);
    });
  });
}
