// The Enforcer and guest passes (phase2.md C.1, C.3) through HTTP on a manual
// clock, Wednesday 2026-03-04 10:00 in New York (15:00 UTC): a usable pass
// makes its plate `guest` and refuses notices; an ended one is
// `recently_expired` for 24 h; a plate that entered on a pass and was not read
// leaving opens one `overstay` alert 15 minutes after the pass ended.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { call, refused } from '../helpers/api-calls.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxTokens } from '../helpers/oauth.ts';
import { gateReader } from '../helpers/plate-reads.ts';

const { alex, gia } = sandboxPeople;
const gate = sandboxDoors.gate;
const env = { PARQEX_WEBHOOKS: 'false', PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-04T10:00:00-05:00' };
const pass = (plate: string) => ({
  guest: { name: 'Theo Guest' }, kind: 'window', starts_at: '2026-03-04T15:00:00Z', ends_at: '2026-03-04T17:00:00Z',
  door_ids: [compactId(gate.id)], plate, pin: false, send: false,
});

async function tokens(baseUrl: string) {
  const scope = 'enforcer manageguests';
  const [alexToken, giaToken] = await Promise.all([alex, gia].map(async (person) => (await sandboxTokens(baseUrl, { email: person.email, scope })).access_token as string));
  return { alexToken: alexToken!, giaToken: giaToken! };
}

async function advance(baseUrl: string, by: string): Promise<void> {
  const response = await fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
  assert.equal(response.status, 200, await response.text());
}

for (const engine of engines()) {
  describe(`Enforcer and guest passes [${engine}]`, () => {
    it('a usable pass makes THEO5 guest and refuses a notice (409 vehicle_authorized, the Admin overrides); an hour after its end recently_expired; plate search lists it', async (t) => {
      const { baseUrl } = await startServer(t, engine, env);
      const { alexToken, giaToken } = await tokens(baseUrl);
      assert.equal((await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=THEO5')).body.data.status, 'unknown');
      const issued = await call(baseUrl, giaToken, 'POST', 'guest-passes', pass('THEO 5'));
      assert.equal(issued.status, 201, issued.text);
      const passId = issued.body.data.id;
      const basis = { kind: 'guest_pass', id: passId, valid_from: '2026-03-04 15:00:00', valid_until: '2026-03-04 17:00:00' };

      const status = await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=THEO5');
      assert.equal(status.status, 200, status.text);
      assert.equal(status.body.data.status, 'guest');
      assert.deepEqual(status.body.data.bases, [basis]);
      // Exact matches only: a look-alike is never a basis.
      assert.equal((await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=THE05')).body.data.status, 'unknown');

      refused(await call(baseUrl, giaToken, 'POST', 'enforcement/notices', { kind: 'warning', plate: 'THEO5' }), 409, 'vehicle_authorized', /guest pass/);
      const overridden = await call(baseUrl, alexToken, 'POST', 'enforcement/notices', { kind: 'warning', plate: 'THEO5', override_reason: 'Blocking the fire lane' });
      assert.equal(overridden.status, 201, overridden.text);

      const search = await call(baseUrl, giaToken, 'GET', 'enforcement/plate-search?plate=THEO5');
      assert.equal(search.status, 200, search.text);
      assert.deepEqual(search.body.data.guest_passes, [{
        id: passId, guest_name: 'Theo Guest', kind: 'window', plate: 'THEO5', region: null, status: 'active', starts_at: '2026-03-04 15:00:00', ends_at: '2026-03-04 17:00:00',
      }]);

      const later = await call(baseUrl, giaToken, 'GET', `enforcement/plate-status?plate=THEO5&at=${encodeURIComponent('2026-03-04 18:00:00')}`);
      assert.equal(later.body.data.status, 'recently_expired');
      assert.deepEqual(later.body.data.bases, [basis]);
      assert.equal((await call(baseUrl, giaToken, 'GET', `enforcement/plate-status?plate=THEO5&at=${encodeURIComponent('2026-03-05 17:00:01')}`)).body.data.status, 'unknown');
      // A revoked pass lets nobody stay: the guest lane's status decides.
      assert.equal((await call(baseUrl, giaToken, 'DELETE', `guest-passes/${passId}`)).status, 200);
      assert.equal((await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=THEO5')).body.data.status, 'unknown');
    });

    it('THEO5 entered on its pass and not read leaving: one overstay alert 15 minutes after the end, not before, not twice; a plate read leaving gets none', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, env);
      const { giaToken } = await tokens(baseUrl);
      const read = await gateReader(app);
      assert.equal((await call(baseUrl, giaToken, 'POST', 'guest-passes', pass('THEO 5'))).status, 201);
      assert.equal((await call(baseUrl, giaToken, 'POST', 'guest-passes', pass('LEFT 1'))).status, 201);
      assert.equal((await read('THEO5')).decision, 'granted');
      assert.equal((await read('LEFT1')).decision, 'granted');
      await advance(baseUrl, '30m');
      assert.equal((await read('LEFT1')).decision, 'granted');
      const reads = await app.db.selectFrom('plate_reads').select(['plate_key', 'direction', 'basis']).orderBy('occurred_at').orderBy('plate_key').execute();
      assert.deepEqual(reads.map((row) => [row.plate_key, row.direction, row.basis]), [['LEFT1', 'entry', 'guest_pass'], ['THEO5', 'entry', 'guest_pass'], ['LEFT1', 'exit', 'stay']]);
      const overstays = async () => (await call(baseUrl, giaToken, 'GET', 'enforcement/alerts')).body.data.alerts.filter((alert: any) => alert.trigger === 'overstay')
        .map((alert: any) => [alert.plate, alert.occurrences, alert.door?.name]);

      await advance(baseUrl, '1h30m');
      await advance(baseUrl, '14m');
      assert.deepEqual(await overstays(), []);
      await advance(baseUrl, '1m');
      assert.deepEqual(await overstays(), [['THEO5', 1, 'Driveway Gate']]);
      await advance(baseUrl, '30m');
      await advance(baseUrl, '2h');
      assert.deepEqual(await overstays(), [['THEO5', 1, 'Driveway Gate']]);
    });

    it('no overstay alert at an account without an exit reader', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, env);
      const { giaToken } = await tokens(baseUrl);
      const read = await gateReader(app);
      assert.equal((await call(baseUrl, giaToken, 'POST', 'guest-passes', pass('THEO 5'))).status, 201);
      assert.equal((await read('THEO5')).decision, 'granted');
      await app.db.updateTable('lpr_readers').set({ direction: 'entry' }).execute();
      await advance(baseUrl, '3h');
      assert.deepEqual((await call(baseUrl, giaToken, 'GET', 'enforcement/alerts')).body.data.alerts, []);
    });
  });
}
