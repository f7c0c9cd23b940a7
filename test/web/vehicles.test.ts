import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser, submitAccountForm } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { sandboxTokens, userInfo } from '../helpers/oauth.ts';

const { alex, sam } = sandboxPeople;
const alert = (body: string) => /role="alert">([^<]+)</.exec(body)?.[1];
/** The Remove buttons' actions on the page, in order. */
const removeActions = (body: string) => [...body.matchAll(/action="(\/account\/vehicles\/[^"]+\/remove)"/g)].map((match) => match[1]!);

async function storedVehicles(app: App, personId: string) {
  return app.db.selectFrom('vehicles').select(['id', 'plate', 'region', 'make', 'model', 'color']).where('person_id', '=', personId).orderBy('created_at').execute();
}

async function vehicleEvents(app: App) {
  const rows = await app.db.selectFrom('outbox_events').select(['type', 'category', 'door_id', 'device_id', 'person_ids', 'data']).where('type', 'like', 'vehicle_%').execute();
  return rows.map((row) => ({ ...row, person_ids: JSON.parse(row.person_ids ?? 'null'), data: JSON.parse(row.data) }));
}

for (const engine of engines()) {
  describe(`the account page: vehicles [${engine}]`, () => {
    it('adds a vehicle with its plate normalized, lists it, and announces vehicle_added to its owner', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, sam.email);
      const before = await browser.request('/account');
      assert.match(before.body, /<h2 id="vehicles">Vehicles<\/h2>/);
      assert.match(before.body, /No vehicles yet\./);

      const added = await submitAccountForm(browser, '/account/vehicles', { plate: ' ab-12 cd ', region: ' US-CA ', make: 'Honda', model: 'Civic', color: '' });
      assert.equal(added.status, 303, added.body.slice(0, 500));
      assert.equal(added.location, '/account?saved=vehicle');
      const page = await browser.request(added.location);
      assert.match(page.body, /<p class="notice" role="status">Vehicle added\.<\/p>/);
      assert.match(page.body, /<strong>AB12CD<\/strong> <span class="muted">US-CA<\/span><br>\s*<span class="muted">Honda · Civic<\/span>/);

      const [vehicle, ...more] = await storedVehicles(app, sam.id);
      assert.equal(more.length, 0);
      assert.deepEqual({ ...vehicle, id: undefined }, { id: undefined, plate: 'AB12CD', region: 'US-CA', make: 'Honda', model: 'Civic', color: '' });
      assert.deepEqual(removeActions(page.body), [`/account/vehicles/${vehicle!.id}/remove`]);
      // Applications see it in user-info (profile scope).
      const { access_token } = await sandboxTokens(baseUrl, { scope: 'profile', email: sam.email });
      assert.deepEqual((await userInfo(baseUrl, access_token)).body.data.vehicles, [{ plate: 'AB12CD', region: 'US-CA', make: 'Honda', model: 'Civic', color: '' }]);

      assert.deepEqual(await vehicleEvents(app), [{
        type: 'vehicle_added', category: 'management', door_id: null, device_id: null, person_ids: [sam.id],
        data: { vehicleID: compactId(vehicle!.id), personID: compactId(sam.id), licensePlate: 'AB12CD', region: 'US-CA' },
      }]);
    });

    for (const [variant, plate, message] of [
      ['empty', ' - ', 'Enter a licence plate.'],
      ['one character', 'A', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.'],
      ['eleven characters', 'ABC-DEF-GHIJK', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.'],
      ['punctuation', 'AB.123', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.'],
    ] as const) {
      it(`refuses a bad plate with 400 and the reason beside the form, keeping what was typed [${variant}]`, async (t) => {
        const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
        const browser = await signedInBrowser(baseUrl, sam.email);
        const refused = await submitAccountForm(browser, '/account/vehicles', { plate, region: 'US-NY', make: 'Ford' });
        assert.equal(refused.status, 400);
        assert.equal(alert(refused.body), message);
        assert.match(refused.body, /<h3>Add a vehicle<\/h3>\s*<p class="error" role="alert">/);
        assert.match(refused.body, /id="vehicle-make" name="make"[^>]* value="Ford"/);
        assert.deepEqual(await storedVehicles(app, sam.id), []);
        assert.deepEqual(await vehicleEvents(app), []);
      });
    }

    it("refuses a plate the person already has, however it is written, but not another person's", async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const refused = await submitAccountForm(await signedInBrowser(baseUrl, alex.email), '/account/vehicles', { plate: 'pqx 1001' });
      assert.equal(refused.status, 400);
      assert.equal(alert(refused.body), 'You already have a vehicle with the licence plate PQX1001.');
      assert.equal((await storedVehicles(app, alex.id)).length, 1);
      const samAdds = await submitAccountForm(await signedInBrowser(baseUrl, sam.email), '/account/vehicles', { plate: 'PQX1001' });
      assert.equal(samAdds.status, 303);
      assert.deepEqual((await vehicleEvents(app)).map((event) => [event.type, event.person_ids]), [['vehicle_added', [sam.id]]]);
    });

    it('removes a vehicle with its button and announces vehicle_removed to its owner', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, alex.email);
      const page = await browser.request('/account');
      const [action] = removeActions(page.body);
      assert.ok(action);
      assert.match(page.body, /aria-label="Remove PQX1001"/);
      const [seeded] = await storedVehicles(app, alex.id);
      const removed = await browser.request(action, { form: { _csrf: csrfToken(page.body) } });
      assert.equal(removed.status, 303);
      assert.equal(removed.location, '/account?saved=vehicle-removed');
      const after = await browser.request(removed.location);
      assert.match(after.body, /Vehicle removed\./);
      assert.match(after.body, /No vehicles yet\./);
      assert.deepEqual(await storedVehicles(app, alex.id), []);
      assert.deepEqual(await vehicleEvents(app), [{
        type: 'vehicle_removed', category: 'management', door_id: null, device_id: null, person_ids: [alex.id],
        data: { vehicleID: compactId(seeded!.id), personID: compactId(alex.id), licensePlate: 'PQX1001', region: 'US-NY' },
      }]);
      // Gone already: the same button is now a 404.
      assert.equal((await submitAccountForm(browser, action, {})).status, 404);
    });

    it("returns 404 when Sam removes Alex's vehicle, which stays", async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const [alexVehicle] = await storedVehicles(app, alex.id);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const page = await browser.request('/account');
      assert.deepEqual(removeActions(page.body), []);
      for (const id of [alexVehicle!.id, compactId(alexVehicle!.id), 'not-a-vehicle']) {
        const attempt = await browser.request(`/account/vehicles/${id}/remove`, { form: { _csrf: csrfToken(page.body) } });
        assert.equal(attempt.status, 404, id);
        assert.match(attempt.body, /No such vehicle\./);
      }
      assert.equal((await storedVehicles(app, alex.id)).length, 1);
      assert.deepEqual(await vehicleEvents(app), []);
    });

    it('refuses both forms with 403 without the CSRF token, and sends a signed-out visitor to sign in', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const [alexVehicle] = await storedVehicles(app, alex.id);
      const browser = await signedInBrowser(baseUrl, alex.email);
      for (const action of ['/account/vehicles', `/account/vehicles/${alexVehicle!.id}/remove`]) {
        const forged = await browser.request(action, { form: { plate: 'XY123' } });
        assert.equal(forged.status, 403, action);
        assert.match(forged.body, /This form has expired/);
      }
      const visitor = new Browser(baseUrl);
      const login = await visitor.request('/login');
      const signedOut = await visitor.request('/account/vehicles', { form: { _csrf: csrfToken(login.body), plate: 'XY123' } });
      assert.equal(signedOut.status, 303);
      assert.equal(signedOut.location, '/login');
      assert.equal((await storedVehicles(app, alex.id)).length, 1);
      assert.deepEqual(await vehicleEvents(app), []);
    });
  });
}
