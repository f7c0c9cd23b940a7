// Who hears of the Enforcer (phase2.md C, issue 14 acceptance 3): the
// account's Admin and enforcement members, only through grants holding
// `enforcer`; never Sam, a member without the permission, whatever he grants.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addAllowance, endAllowance } from '../../src/access/enforcer/allowances.ts';
import { acceptAlert, raiseAlert } from '../../src/access/enforcer/alerts.ts';
import { changeNoticeStatus, issueNotice } from '../../src/access/enforcer/notices.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { fanOut } from '../../src/webhooks/fan-out.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const { alex, sam, gia } = sandboxPeople;
const accountId = sandboxAccounts.residence.id;
const enforcerTypes = ['allowance_added', 'allowance_ended', 'parking_notice_issued', 'parking_notice_status_changed', 'enforcement_alert_opened', 'enforcement_alert_resolved'];

for (const engine of engines()) {
  describe(`Enforcer events fan-out [${engine}]`, () => {
    it('reach the Admin and enforcement members through grants holding enforcer; not Sam\'s application, nor a grant without the scope', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await createEndpoint({ db: app.db, box: createBox(app.config.secrets.encryptionKey), production: false }, sandbox.client(baseUrl).web.client_id, { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] });
      const deliveredTo = async () => (await app.db.selectFrom('webhook_deliveries').innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_id')
        .select(['outbox_events.type', 'webhook_deliveries.person_id']).where('outbox_events.type', 'in', enforcerTypes).execute())
        .map((row) => `${row.type} ${row.person_id === alex.id ? 'alex' : row.person_id === gia.id ? 'gia' : row.person_id === sam.id ? 'sam' : row.person_id}`).sort();

      await sandboxTokens(baseUrl, { email: alex.email, scope: 'enforcer' });
      await sandboxTokens(baseUrl, { email: sam.email, scope: 'enforcer opendoor profile lpr' });
      await sandboxTokens(baseUrl, { email: gia.email, scope: 'lpr' });
      const deps = { db: app.db, clock: app.clock, evidenceDir: app.config.evidenceDir };
      const asAlex = { personId: alex.id, accountId };
      const allowance = await addAllowance(deps, asAlex, { plate: 'VEND42', category: 'vendor' });
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      assert.deepEqual(await deliveredTo(), ['allowance_added alex'], 'Gia\'s grant lacks enforcer; Sam is no recipient');

      await sandboxTokens(baseUrl, { email: gia.email, scope: 'enforcer' });
      await endAllowance(deps, asAlex, allowance.id);
      const notice = await issueNotice(deps, { personId: gia.id, accountId }, { kind: 'warning', plate: 'ZZZ999' });
      await changeNoticeStatus(deps, { personId: gia.id, accountId }, notice.id, { status: 'notified' });
      await app.db.transaction().execute((trx) => raiseAlert(trx, { accountId, trigger: 'forced_open', doorId: sandboxDoors.gate.id, plateKey: null, at: Math.floor(app.clock.now() / 1000) }));
      const alertId = (await app.db.selectFrom('enforcement_alerts').select('id').executeTakeFirstOrThrow()).id;
      await acceptAlert(deps, { personId: gia.id, accountId }, alertId, {});
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      const delivered = await deliveredTo();
      assert.deepEqual(delivered, enforcerTypes.flatMap((type) => type === 'allowance_added' ? [`${type} alex`] : [`${type} alex`, `${type} gia`]).sort());
      assert.ok(!delivered.some((row) => row.endsWith(' sam')), 'Sam\'s application hears of none of it');
    });
  });
}
