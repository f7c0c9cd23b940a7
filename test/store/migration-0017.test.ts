// 0017-lpr on both engines, with vehicles written before it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { engines } from '../helpers/build-app.ts';
import { emptyDatabase } from '../helpers/empty-database.ts';

for (const engine of engines()) {
  describe(`migration 0017-lpr [${engine}]`, () => {
    it('keeps a region that is a code, lower-cased, turns free text into "not known", and leaves every account uncapped', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      await migrateToLatest(db, engine, '0016-controller-names');
      await db.insertInto('accounts').values({ id: 'a1', name: 'Home', created_at: 1 } as never).execute();
      await db.insertInto('people').values({ id: 'p1', email: 'p1@example.test', first_name: 'P', last_name: 'Q', created_at: 1 } as never).execute();
      const vehicle = (id: string, plate: string, region: string) => ({ id, person_id: 'p1', plate, region, created_at: 1 });
      await db.insertInto('vehicles').values([vehicle('v1', 'PQX1001', 'US-NY'), vehicle('v2', 'GIA404', 'New York'), vehicle('v3', 'AB12', 'gb'), vehicle('v4', 'CD34', '')] as never).execute();
      await migrateToLatest(db, engine);

      const regions = await db.selectFrom('vehicles').select(['id', 'region']).orderBy('id').execute();
      assert.deepEqual(regions.map((row) => ({ ...row })), [{ id: 'v1', region: 'us-ny' }, { id: 'v2', region: '' }, { id: 'v3', region: 'gb' }, { id: 'v4', region: '' }]);
      const account = await db.selectFrom('accounts').select('lpr_vehicle_cap').where('id', '=', 'a1').executeTakeFirstOrThrow();
      assert.equal(account.lpr_vehicle_cap, null);
    });

    it('refuses a second read with the same read id from one controller', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      await migrateToLatest(db, engine);
      await db.insertInto('accounts').values({ id: 'a1', name: 'Home', created_at: 1 } as never).execute();
      await db.insertInto('devices').values({
        id: 'd1', account_id: 'a1', blackbox_code: 's', claim_code_hash: 'h', number_of_entities_controlled: 2, active: 1, last_contact: null,
        software_version: '1.0', time_before_door_open_alert: 600, bluetooth_onboard: 0, bluetooth_mac_address: '', is_sandbox: 0, created_at: 1, secret_hash: null,
      } as never).execute();
      const read = (id: string) => ({ id, account_id: 'a1', device_id: 'd1', entity_number: 2, read_id: 'r1', plate: 'PQX1001', plate_key: 'PQX1001', confidence: 0.9, direction: 'entry', decision: 'granted', occurred_at: 1, received_at: 1 });
      await db.insertInto('plate_reads').values(read('x1') as never).execute();
      await assert.rejects(db.insertInto('plate_reads').values(read('x2') as never).execute());
    });
  });
}
