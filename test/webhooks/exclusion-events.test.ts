// Who hears of plate exclusions (phase2.md B.6, Events): the Admin and the
// member holding the plate, only through grants holding lpr, profile or
// vehicles, and a member only while the account allows third-party applications.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setThirdPartyAccess } from '../../src/access/accounts.ts';
import { excludePlate, readmitPlate } from '../../src/access/lpr-exclusions.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxAccounts, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { fanOut } from '../../src/webhooks/fan-out.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const { alex, sam, gia } = sandboxPeople;
const residence = sandboxAccounts.residence.id;

for (const engine of engines()) {
  describe(`exclusion events fan-out [${engine}]`, () => {
    it('reach the Admin and the member through a grant with lpr, profile or vehicles; not a grant without, nor other members', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await createEndpoint({ db: app.db, box: createBox(app.config.secrets.encryptionKey), production: false }, sandbox.client(baseUrl).web.client_id, { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] });
      const deliveredTo = async (type: string) => (await app.db.selectFrom('webhook_deliveries').innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_id')
        .select('webhook_deliveries.person_id').where('outbox_events.type', '=', type).execute()).map((row) => row.person_id).sort();

      await sandboxTokens(baseUrl, { email: alex.email, scope: 'lpr' });
      await sandboxTokens(baseUrl, { email: sam.email, scope: 'vehicles' });
      await sandboxTokens(baseUrl, { email: gia.email, scope: 'opendoor' });
      await excludePlate(app.db, app.clock, { accountId: residence, actorId: alex.id, plate: 'GIA404', reason: 'Sold' });
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      assert.deepEqual(await deliveredTo('vehicle_exclusion_added'), [alex.id], 'Gia\'s grant holds none of the scopes; Sam holds no such plate');

      await sandboxTokens(baseUrl, { email: gia.email, scope: 'profile' });
      await readmitPlate(app.db, app.clock, { accountId: residence, actorId: alex.id, plate: 'GIA404' });
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      assert.deepEqual(await deliveredTo('vehicle_exclusion_removed'), [alex.id, gia.id].sort());

      await setThirdPartyAccess(app.db, alex.id, residence, false);
      await excludePlate(app.db, app.clock, { accountId: residence, actorId: alex.id, plate: 'GIA404', reason: 'Again' });
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      assert.deepEqual(await deliveredTo('vehicle_exclusion_added'), [alex.id], 'with third-party applications off, members are not told through them');
    });
  });
}
