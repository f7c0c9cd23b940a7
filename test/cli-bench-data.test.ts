// `parqex bench-data`: generated data through the real command, counted in
// the database afterwards, on both engines; the same seed writes the same rows.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { openDatabase } from '../src/store/dialect.ts';
import { benchControllerSecret, benchId } from '../src/store/repositories/bench-data.ts';
import { hashSecret } from '../src/security/secrets.ts';
import { engines, freshPostgresUrl } from './helpers/build-app.ts';
import { assertRefused, cli, production } from './helpers/cli.ts';

const tables = ['accounts', 'devices', 'doors', 'people', 'person_settings', 'door_access', 'authorizations', 'oauth_models', 'access_events'] as const;

async function setUp(t: TestContext, engine: 'sqlite' | 'postgres') {
  const command = cli(t);
  const postgres = engine === 'postgres' ? await freshPostgresUrl() : undefined;
  const env = postgres ? { DATABASE_URL: postgres.url } : {};
  const { db } = openDatabase({ databaseUrl: postgres?.url, sqlitePath: join(command.dataDir, 'parqex.sqlite') });
  t.after(async () => {
    await db.destroy();
    await postgres?.drop();
  });
  const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (table) => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return [table, Number(row.n)] as const;
  })));
  return { command, env, db, counts };
}

for (const engine of engines()) {
  describe(`parqex bench-data [${engine}]`, () => {
    it('writes the rows asked for, spreads the events over the days asked for, and says what it wrote', async (t) => {
      const { command, env, db, counts } = await setUp(t, engine);
      const before = Math.floor(Date.now() / 1000);
      const out = command.json(['bench-data', '--controllers', '3', '--people', '4', '--doors-per-person', '2', '--grants', '5', '--events', '1234', '--days', '10', '--client-id', 'bench-app'], env);
      assert.deepEqual({ ...out, seconds: undefined }, { seed: 1, accounts: 1, controllers: 3, doors: 12, people: 4, doorAccess: 8, grants: 5, events: 1234, seconds: undefined });
      assert.equal(typeof out.seconds, 'number');
      assert.deepEqual(await counts(), { accounts: 1, devices: 3, doors: 12, people: 4, person_settings: 4, door_access: 8, authorizations: 5, oauth_models: 5, access_events: 1234 });
      const span = await db.selectFrom('access_events').select((eb) => [eb.fn.min<number>('occurred_at').as('first'), eb.fn.max<number>('occurred_at').as('last')]).executeTakeFirstOrThrow();
      assert.ok(Number(span.first) >= before - 10 * 86400 - 1 && Number(span.last) <= Math.floor(Date.now() / 1000), JSON.stringify(span));
      // Every event's door is a generated door of the controller named with it.
      const mismatched = await db.selectFrom('access_events').innerJoin('doors', 'doors.id', 'access_events.door_id')
        .select((eb) => eb.fn.countAll<number>().as('n')).whereRef('doors.device_id', '!=', 'access_events.device_id').executeTakeFirstOrThrow();
      assert.equal(Number(mismatched.n), 0);
      // A benchmark computes a controller's id and secret from the seed.
      const device = await db.selectFrom('devices').select(['secret_hash', 'account_id']).where('id', '=', benchId(1, 'device', 2)).executeTakeFirstOrThrow();
      assert.equal(device.secret_hash, hashSecret(benchControllerSecret(1, 2)));

      // Another seed adds to what is there; the people's doors and a person given doors by email.
      command.json(['bench-data', '--seed', '2', '--controllers', '1', '--doors-per-person', '3', '--share-with', 'bench-1-0@bench.invalid', '--events', '10'], env);
      assert.deepEqual(await counts(), { accounts: 2, devices: 4, doors: 16, people: 4, person_settings: 4, door_access: 11, authorizations: 5, oauth_models: 5, access_events: 1244 });
    });

    it('refuses more doors per person than there are doors, an unknown email, and a production database', async (t) => {
      const { command, env, counts } = await setUp(t, engine);
      assertRefused(command.run(['bench-data', '--controllers', '1', '--people', '1', '--doors-per-person', '5'], env), 2, /more than the 4 generated doors/);
      assertRefused(command.run(['bench-data', '--controllers', '1', '--admin', 'nobody@example.com'], env), 3, /--admin: no person/);
      assertRefused(command.run(['bench-data', '--events', 'many'], env), 2, /--events must be a whole number/);
      assertRefused(command.run(['bench-data', '--controllers', '1'], { ...env, ...production }), 2, /never written to a production database/);
      assert.equal((await counts()).devices, 0);
    });
  });
}

describe('parqex bench-data, the same seed twice', () => {
  it('writes the same rows into two fresh databases', async (t) => {
    const ids = async () => {
      const { command, db } = await setUp(t, 'sqlite');
      command.json(['bench-data', '--controllers', '2', '--people', '3', '--doors-per-person', '2', '--events', '300', '--days', '1']);
      const events = await db.selectFrom('access_events').select(['id', 'door_id', 'person_id', 'channel', 'door_state', 'was_success']).orderBy('id').execute();
      return events.map((event) => ({ ...event }));
    };
    assert.deepEqual(await ids(), await ids());
  });
});
