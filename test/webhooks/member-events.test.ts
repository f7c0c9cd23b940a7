// Who hears of member changes (phase2.md A.7): the Admin and the member,
// through any grant, while the account allows third-party applications; a
// former member is no longer held by the account's switch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setThirdPartyAccess } from '../../src/access/accounts.ts';
import { changeMemberPermissions, removeMember } from '../../src/access/members.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxAccounts, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { fanOut } from '../../src/webhooks/fan-out.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const { alex, sam, gia } = sandboxPeople;
const residence = sandboxAccounts.residence.id;

for (const engine of engines()) {
  describe(`member events fan-out [${engine}]`, () => {
    it('reach the Admin and the member through their grants; with third-party applications off, only the former member', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await createEndpoint({ db: app.db, box: createBox(app.config.secrets.encryptionKey), production: false }, sandbox.client(baseUrl).web.client_id, { url: 'http://127.0.0.1:9/hook', eventTypes: ['management'] });
      for (const person of [alex, sam, gia]) await sandboxTokens(baseUrl, { email: person.email });
      const deps = { db: app.db, clock: app.clock };
      const deliveredTo = async (type: string) => (await app.db.selectFrom('webhook_deliveries').innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_id')
        .select('webhook_deliveries.person_id').where('outbox_events.type', '=', type).execute()).map((row) => row.person_id).sort();

      await changeMemberPermissions(deps, alex.id, residence, gia.id, ['share']);
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      assert.deepEqual(await deliveredTo('member_permissions_changed'), [alex.id, gia.id].sort(), 'Sam is not told');

      await setThirdPartyAccess(app.db, alex.id, residence, false);
      await removeMember(deps, alex.id, residence, gia.id);
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      assert.deepEqual(await deliveredTo('member_removed'), [gia.id]);
    });
  });
}
