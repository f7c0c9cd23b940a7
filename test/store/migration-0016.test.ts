// 0016-controller-names on both engines, with a controller written before it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { setDeviceName } from '../../src/store/repositories/devices.ts';
import { engines } from '../helpers/build-app.ts';
import { emptyDatabase } from '../helpers/empty-database.ts';

for (const engine of engines()) {
  describe(`migration 0016-controller-names [${engine}]`, () => {
    it('leaves an existing controller unnamed, and names only a controller of the given account', async (t) => {
      const { db } = await emptyDatabase(t, engine);
      await migrateToLatest(db, engine, '0015-developer-applications');
      await db.insertInto('accounts').values({ id: 'a1', name: 'Home', created_at: 1 } as never).execute();
      const device = (id: string, account: string | null) => ({
        id, account_id: account, blackbox_code: `serial-${id}`, claim_code_hash: 'h', number_of_entities_controlled: 1, active: 1, last_contact: null,
        software_version: '1.0', time_before_door_open_alert: 600, bluetooth_onboard: 0, bluetooth_mac_address: '', is_sandbox: 0, created_at: 1, secret_hash: null,
      });
      await db.insertInto('devices').values([device('d1', 'a1'), device('d2', null)] as never).execute();
      await migrateToLatest(db, engine);

      const before = await db.selectFrom('devices').select(['id', 'name']).orderBy('id').execute();
      assert.deepEqual(before.map((row) => ({ ...row })), [{ id: 'd1', name: null }, { id: 'd2', name: null }]);
      assert.equal(await setDeviceName(db, 'a1', 'd1', 'Garage controller'), true);
      assert.equal(await setDeviceName(db, 'a1', 'd2', 'Not mine'), false);
      const after = await db.selectFrom('devices').select(['id', 'name']).orderBy('id').execute();
      assert.deepEqual(after.map((row) => ({ ...row })), [{ id: 'd1', name: 'Garage controller' }, { id: 'd2', name: null }]);
    });
  });
}
