// Migrations run up on both engines with rows inserted between steps (Hydra's migratest).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/store/dialect.ts';
import { migrateToLatest, migrations } from '../../src/store/migrate.ts';
import { engines, freshPostgresUrl } from '../helpers/build-app.ts';

for (const engine of engines()) {
  describe(`migrations [${engine}]`, () => {
    it('apply one by one, keep the rows written between steps, and are idempotent', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'parqex-migrate-'));
      const postgres = engine === 'postgres' ? await freshPostgresUrl() : undefined;
      const { db } = openDatabase({ databaseUrl: postgres?.url, sqlitePath: join(dir, 'db.sqlite') });
      t.after(async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
        await postgres?.drop();
      });
      const names = Object.keys(migrations);
      assert.deepEqual(names, [...names].sort(), 'migrations are listed in order');

      await migrateToLatest(db, engine, '0001-people-and-accounts');
      await db.insertInto('people').values({ id: 'p1', email: 'a@example.com', first_name: 'A', last_name: 'B', phone: null, password_hash: null, is_sandbox: 0, created_at: 1 }).execute();
      await db.insertInto('accounts').values({ id: 'a1', name: 'Home', third_party_access: 1, is_sandbox: 0, created_at: 1 }).execute();
      await db.insertInto('account_members').values({ account_id: 'a1', person_id: 'p1', role: 'admin', created_at: 1 }).execute();

      await migrateToLatest(db, engine);
      const again = await migrateToLatest(db, engine);
      assert.deepEqual(again.results, []);
      assert.equal((await db.selectFrom('people').select('email').where('id', '=', 'p1').executeTakeFirstOrThrow()).email, 'a@example.com');
      await db.insertInto('web_sessions').values({ id_hash: 'h', person_id: 'p1', created_at: 1, expires_at: 2 }).execute();

      // The schema holds the rules: one Admin per account, known roles only.
      await db.insertInto('people').values({ id: 'p2', email: 'b@example.com', first_name: 'C', last_name: 'D', phone: null, password_hash: null, is_sandbox: 0, created_at: 1 }).execute();
      await assert.rejects(db.insertInto('account_members').values({ account_id: 'a1', person_id: 'p2', role: 'admin', created_at: 1 }).execute());
      await assert.rejects(db.insertInto('account_members').values({ account_id: 'a1', person_id: 'p2', role: 'owner' as never, created_at: 1 }).execute());
      await db.insertInto('account_members').values({ account_id: 'a1', person_id: 'p2', role: 'user', created_at: 1 }).execute();
    });
  });
}
