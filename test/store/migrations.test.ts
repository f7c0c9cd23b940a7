// Migrations run up on both engines with rows inserted between steps (Hydra's migratest).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/dialect.ts';
import { migrateToLatest, migrations } from '../../src/store/migrate.ts';
import { engines, freshPostgresUrl, postgresSkipReason } from '../helpers/build-app.ts';
import { emptyDatabase } from '../helpers/empty-database.ts';

for (const engine of engines()) {
  describe(`migrations [${engine}]`, () => {
    it('apply one by one, keep the rows written between steps, and are idempotent', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      const names = Object.keys(migrations);
      assert.deepEqual(names, [...names].sort(), 'migrations are listed in order');

      await migrateToLatest(db, engine, '0001-people-and-accounts');
      await db.insertInto('people').values({ id: 'p1', email: 'a@example.com', first_name: 'A', last_name: 'B', phone: null, password_hash: null, is_sandbox: 0, created_at: 1 }).execute();
      await db.insertInto('accounts').values({ id: 'a1', name: 'Home', third_party_access: 1, is_sandbox: 0, created_at: 1 } as never).execute();
      await db.insertInto('account_members').values({ account_id: 'a1', person_id: 'p1', role: 'admin', created_at: 1 }).execute();

      await migrateToLatest(db, engine, '0008-unique-plates');
      // Before 0009 and 0010: an Admin living in Berlin, an account with no Admin,
      // and two members of one account who chose the same PIN (joining never checked).
      const person = (id: string) => ({ id, email: `${id}@example.com`, first_name: 'X', last_name: 'Y', phone: null, password_hash: null, is_sandbox: 0, created_at: 1 });
      const settings = (personId: string, timeZone: string, pinLookup: string | null) => ({ person_id: personId, notifications_enabled: 1, notification_tone: 'door_open', time_zone: timeZone, pin_sealed: pinLookup ? 'sealed' : null, pin_lookup: pinLookup, share_pin_with_apps: 1 });
      await db.insertInto('people').values([person('p3'), person('p4'), person('p5')]).execute();
      await db.insertInto('accounts').values([{ id: 'a2', name: 'Berlin', third_party_access: 1, is_sandbox: 0, created_at: 1 }, { id: 'a3', name: 'Nobody', third_party_access: 1, is_sandbox: 0, created_at: 1 }] as never).execute();
      await db.insertInto('account_members').values([
        { account_id: 'a2', person_id: 'p3', role: 'admin', created_at: 10 },
        { account_id: 'a2', person_id: 'p5', role: 'user', created_at: 30 },
        { account_id: 'a2', person_id: 'p4', role: 'user', created_at: 20 },
        { account_id: 'a3', person_id: 'p5', role: 'user', created_at: 40 },
      ]).execute();
      await db.insertInto('person_settings').values([settings('p3', 'Europe/Berlin', 'pin-a'), settings('p4', 'Asia/Tokyo', 'pin-b'), settings('p5', 'UTC', 'pin-b')]).execute();

      await migrateToLatest(db, engine);
      const zones = await db.selectFrom('accounts').select(['id', 'time_zone']).orderBy('id').execute();
      assert.deepEqual(zones.map((row) => ({ ...row })), [{ id: 'a1', time_zone: 'UTC' }, { id: 'a2', time_zone: 'Europe/Berlin' }, { id: 'a3', time_zone: 'UTC' }]);
      const claims = await db.selectFrom('pin_claims').select(['account_id', 'pin_lookup', 'person_id']).orderBy('account_id').orderBy('pin_lookup').execute();
      assert.deepEqual(claims.map((row) => ({ ...row })), [
        { account_id: 'a2', pin_lookup: 'pin-a', person_id: 'p3' },
        { account_id: 'a2', pin_lookup: 'pin-b', person_id: 'p4' },
        { account_id: 'a3', pin_lookup: 'pin-b', person_id: 'p5' },
      ]);
      await assert.rejects(db.insertInto('pin_claims').values({ account_id: 'a2', pin_lookup: 'pin-b', person_id: 'p5' }).execute());
      // A claim goes with the membership.
      await db.deleteFrom('account_members').where('account_id', '=', 'a3').where('person_id', '=', 'p5').execute();
      assert.equal((await db.selectFrom('pin_claims').select('person_id').where('account_id', '=', 'a3').execute()).length, 0);

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

describe('migrations on a PostgreSQL database that other schemas share', { skip: postgresSkipReason }, () => {
  it('read and write only the schema the server works in', async (t) => {
    // Kysely's own introspector read every schema's columns on each migration
    // step: on CI's database, one schema per suite, that outgrew the statement timeout.
    const neighbour = await freshPostgresUrl();
    t.after(neighbour.drop);
    const other = openDatabase({ databaseUrl: neighbour.url, sqlitePath: ':memory:' });
    await sql`create table kysely_migration (name text primary key)`.execute(other.db);
    await sql`create table neighbours_table (id int)`.execute(other.db);
    await other.db.destroy();

    const { db } = await emptyDatabase(t, 'postgres');
    const applied = await migrateToLatest(db, 'postgres');
    assert.equal(applied.results?.length, Object.keys(migrations).length, 'a neighbour’s bookkeeping table is not ours');
    const own = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema;
    const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
    assert.deepEqual([...new Set(tables.map((table) => table.schema))], [own]);
    assert.ok(tables.some((table) => table.name === 'kysely_migration'));
    assert.ok(!tables.some((table) => table.name === 'neighbours_table'));
    const people = tables.find((table) => table.name === 'people')!;
    assert.deepEqual(people.columns.find((column) => column.name === 'email'), { name: 'email', dataType: 'text', dataTypeSchema: 'pg_catalog', isNullable: false, hasDefaultValue: false, isAutoIncrementing: false, comment: undefined });
    assert.ok(!(await db.introspection.getTables()).some((table) => table.name.startsWith('kysely_')));
  });
});
