// 0015-developer-applications on both engines, with a client written before it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { engines } from '../helpers/build-app.ts';
import { emptyDatabase } from '../helpers/empty-database.ts';

for (const engine of engines()) {
  describe(`migration 0015-developer-applications [${engine}]`, () => {
    it('keeps the operator\'s clients approved and ownerless, and gives an owner\'s applications back to the operator when the owner goes', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      const client = (id: string, environment: string) => ({
        client_id: id, secret_hash: 'h', type: 'confidential', environment, name: id, description: '', website: '', contact_name: '', contact_email: '',
        redirect_uris: '["https://a.example/cb"]', first_party: 0, is_sandbox: 0, created_at: 1, secret_rotated_at: null,
      });
      await migrateToLatest(db, engine, '0012-door-moves');
      await db.insertInto('clients').values(client('cli-prod', 'production') as never).execute();
      await migrateToLatest(db, engine);

      const before = await db.selectFrom('clients').select(['owner_id', 'company', 'approval', 'approved_at']).where('client_id', '=', 'cli-prod').executeTakeFirstOrThrow();
      assert.deepEqual({ ...before, approved_at: before.approved_at === null ? null : Number(before.approved_at) }, { owner_id: null, company: '', approval: 'approved', approved_at: null });

      await db.insertInto('people').values({ id: 'p1', email: 'dev@example.com', first_name: 'D', last_name: 'V', phone: null, password_hash: null, is_sandbox: 0, created_at: 1 }).execute();
      await db.insertInto('clients').values({ ...client('console', 'production'), owner_id: 'p1', company: 'Acme', approval: 'pending' } as never).execute();
      await assert.rejects(db.insertInto('clients').values({ ...client('bad', 'development'), approval: 'maybe' } as never).execute());
      await db.deleteFrom('people').where('id', '=', 'p1').execute();
      const orphan = await db.selectFrom('clients').select(['owner_id', 'approval']).where('client_id', '=', 'console').executeTakeFirstOrThrow();
      assert.deepEqual({ ...orphan }, { owner_id: null, approval: 'pending' });
    });
  });
}
