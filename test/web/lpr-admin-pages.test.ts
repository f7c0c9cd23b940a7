// The Admin's LPR forms through the real server, as a browser without
// JavaScript posts them: every refusal comes back to the page at the top with
// its field marked and what was typed, a stale page gets words rather than an
// error page, a crafted door of another account is not found, and no form
// works without its CSRF token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser, submitAndFollow } from '../helpers/account-page.ts';
import { csrfToken } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';

const residence = sandboxAccounts.residence.id;
const settingsPath = `/accounts/${residence}/settings`;
const controllersPath = `/accounts/${residence}/controllers`;
const readerAction = `${controllersPath}/${compactId(sandboxDevices.a.id)}/readers`;
const readsPath = `/accounts/${residence}/reads`;
const goodReader = { door_id: '', direction: 'both', min_confidence: '0.7', repeat_window_s: '20', enabled: 'true' };

for (const engine of engines()) {
  describe(`LPR forms of the Admin's pages [${engine}]`, () => {
    it('refuses a cap of 11 at the top with the field marked, and says a plate that is not excluded or not a member\'s instead of failing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const alex = await signedInBrowser(baseUrl, sandboxPeople.alex.email);

      const capped = await submitAndFollow(alex, `${settingsPath}/vehicle-cap`, { cap: '11' }, settingsPath);
      assert.equal(capped.answer.location, `${settingsPath}#flash`);
      assert.match(capped.flash.error ?? '', /^Invalid lpr_vehicle_cap: a whole number from 1 to 10/);
      assert.match(capped.page.body, /<select id="vehicle-cap" name="cap"[^>]*aria-invalid="true" aria-describedby="flash"/);
      const account = await app.db.selectFrom('accounts').select('lpr_vehicle_cap').where('id', '=', residence).executeTakeFirstOrThrow();
      assert.equal(account.lpr_vehicle_cap, null);

      const readmitted = await submitAndFollow(alex, `${settingsPath}/exclusions/readmit`, { plate: 'GIA404' }, settingsPath);
      assert.equal(readmitted.flash.error, 'The plate GIA404 is not excluded.');
      const stranger = await submitAndFollow(alex, `${settingsPath}/exclusions`, { plate: 'ZZZ999', reason: 'gone', form: 'exclude-x' }, settingsPath);
      assert.equal(stranger.flash.error, 'No member of the account has a vehicle with the plate ZZZ999.');

      const excluded = await submitAndFollow(alex, `${settingsPath}/exclusions`, { plate: 'gia 404', reason: 'Parks on the ramp' }, settingsPath);
      assert.equal(excluded.flash.info, 'GIA404 is excluded: the readers no longer let it in as a member\'s vehicle.');
      const rows = await app.db.selectFrom('lpr_exclusions').select(['plate_key', 'reason', 'created_by']).execute();
      assert.deepEqual(rows.map((row) => ({ ...row })), [{ plate_key: 'GIA404', reason: 'Parks on the ramp', created_by: sandboxPeople.alex.id }]);
    });

    it('saves a reader, refuses an entity the controller lacks and a bad repeat window at the top, and does not find another account\'s door', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const alex = await signedInBrowser(baseUrl, sandboxPeople.alex.email);

      const saved = await submitAndFollow(alex, `${readerAction}/2`, goodReader, controllersPath);
      assert.equal(saved.flash.info, 'Reader on channel 2 saved: both, Driveway Gate, on.');
      const row = await app.db.selectFrom('lpr_readers').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual([row.entity_number, row.direction, row.min_confidence, row.repeat_window_s, row.enabled, row.door_id], [2, 'both', 0.7, 20, 1, null]);

      // An unticked box is not posted at all.
      const { enabled: _ticked, ...unticked } = goodReader;
      const off = await submitAndFollow(alex, `${readerAction}/2`, { ...unticked, door_id: sandboxDoors.lobby.id }, controllersPath);
      assert.equal(off.flash.info, 'Reader on channel 2 saved: both, Lobby Door, off.');

      const entity = await submitAndFollow(alex, `${readerAction}/9`, goodReader, controllersPath);
      assert.equal(entity.flash.error, 'Invalid entity: this controller has entities 1 to 4.');

      const empty = await submitAndFollow(alex, `${readerAction}/1`, { ...goodReader, repeat_window_s: '' }, controllersPath);
      assert.match(empty.flash.error ?? '', /^Invalid repeat_window_s/);
      const form = `reader-${compactId(sandboxDevices.a.id)}-1`;
      assert.match(empty.page.body, new RegExp(`<details class="change reader" open>[\\s\\S]*?id="${form}-repeat"[^>]*value=""[^>]*aria-invalid="true"`));
      assert.match(empty.page.body, new RegExp(`id="${form}-confidence"[^>]*value="0.7"`));

      const neighbors = await alex.request(`${readerAction}/2`, { form: { _csrf: csrfToken((await alex.request(controllersPath)).body), ...goodReader, door_id: sandboxDoors.neighborGarage.id } });
      assert.equal(neighbors.status, 404);
      const noToken = await alex.request(`${readerAction}/2`, { form: goodReader });
      assert.equal(noToken.status, 403);
      const still = await app.db.selectFrom('lpr_readers').select(['door_id', 'enabled']).where('entity_number', '=', 2).executeTakeFirstOrThrow();
      assert.deepEqual({ ...still }, { door_id: sandboxDoors.lobby.id, enabled: 0 });
    });

    it('pages the reads 50 at a time, newest first, and answers a date that is no date at the top', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const start = Math.floor(Date.UTC(2026, 2, 4, 12) / 1000);
      await app.db.insertInto('plate_reads').values(Array.from({ length: 51 }, (_, i) => ({
        id: randomBytes(16).toString('hex'), account_id: residence, device_id: sandboxDevices.a.id, entity_number: 2, door_id: sandboxDoors.gate.id,
        read_id: `r${i}`, plate: `PQX${1000 + i}`, plate_key: `PQX${1000 + i}`, region: null, confidence: 0.9, candidates: '[]', direction: 'entry' as const,
        decision: 'refused' as const, reason: 'unknown plate', basis: null, basis_id: null, person_id: null, toggle_id: null, near_matches: '[]', occurred_at: start + i, received_at: start + i,
      }))).execute();
      const alex = await signedInBrowser(baseUrl, sandboxPeople.alex.email);
      const plates = (body: string) => [...body.matchAll(/<strong>(PQX\d+)<\/strong>/g)].map((match) => match[1]);

      const first = await alex.request(readsPath);
      assert.equal(first.status, 200);
      assert.equal(plates(first.body).length, 50);
      assert.deepEqual(plates(first.body).slice(0, 2), ['PQX1050', 'PQX1049']);
      const older = /<a href="([^"]+)">Older reads<\/a>/.exec(first.body)?.[1]?.replaceAll('&#38;', '&');
      assert.ok(older);
      const second = await alex.request(older);
      assert.deepEqual(plates(second.body), ['PQX1000']);
      assert.match(second.body, />Newest reads</);
      assert.doesNotMatch(second.body, />Older reads</);

      const badDate = await alex.request(`${readsPath}?from=2026-02-30`);
      assert.equal(badDate.status, 400);
      assert.match(badDate.body, /<p class="error" role="alert" id="flash" tabindex="-1">Invalid from: choose a date.<\/p>/);
      assert.match(badDate.body, /id="filter-from" name="from" type="date" value="2026-02-30" aria-invalid="true"/);
    });
  });
}
