// Queries compiled once and run with each call's values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { prepared } from '../../src/store/prepared.ts';
import { engines } from '../helpers/build-app.ts';
import { emptyDatabase } from '../helpers/empty-database.ts';

const byNameOrEmail = prepared((db: Kysely<Database>, name: string, email: string) => db.selectFrom('people').select(['id'])
  .where((eb) => eb.or([eb('first_name', '=', name), eb('last_name', '=', name), eb('email', '=', email)])).where('is_sandbox', '=', 0).orderBy('id'));

for (const engine of engines()) {
  describe(`prepared queries [${engine}]`, () => {
    it('answer each call with its own values, an argument used twice included, as the built query does', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      await migrateToLatest(db, engine);
      const person = (id: string, first: string, last: string, email: string) => ({ id, email, first_name: first, last_name: last, phone: null, password_hash: null, is_sandbox: 0, created_at: 1 });
      await db.insertInto('people').values([person('p1', 'Ada', 'Lovelace', 'ada@example.com'), person('p2', 'Alan', 'Ada', 'alan@example.com'), person('p3', 'Grace', 'Hopper', 'grace@example.com')]).execute();

      assert.deepEqual((await byNameOrEmail(db, 'Ada', 'nobody@example.com')).map((row) => row.id), ['p1', 'p2']);
      assert.deepEqual((await byNameOrEmail(db, 'Nobody', 'grace@example.com')).map((row) => row.id), ['p3']);
      assert.deepEqual(await byNameOrEmail(db, 'Nobody', 'nobody@example.com'), []);
      // Inside a transaction (another handle) too.
      await db.transaction().execute(async (trx) => {
        assert.deepEqual((await byNameOrEmail(trx, 'Hopper', 'x')).map((row) => row.id), ['p3']);
      });
    });

    it('refuses a query that writes an argument into its SQL text', async (t) => {
      const { db } = await emptyDatabase(t, 'sqlite');
      const inlined = prepared((handle: Kysely<Database>, name: string) => handle.selectFrom('people').select('id').where('first_name', '=', sql.lit(name)));
      await assert.rejects(inlined(db, 'Ada'), /inlined an argument/);
    });
  });
}
