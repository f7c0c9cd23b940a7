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
const alert = (body: string) => /role="alert" id="flash"[^>]*>([^<]+)</.exec(body)?.[1];
/** The Remove links on the page, in order: each leads to its confirmation page. */
const removeLinks = (body: string) => [...body.matchAll(/href="(\/account\/vehicles\/[^"]+\/remove)"/g)].map((match) => match[1]!);

async function storedVehicles(app: App, personId: string) {
  return app.db.selectFrom('vehicles').select(['id', 'plate', 'region', 'make', 'model', 'color']).where('person_id', '=', personId).orderBy('created_at').execute();
}

async function vehicleEvents(app: App) {
  const rows = await app.db.selectFrom('outbox_events').select(['type', 'category', 'door_id', 'device_id', 'person_ids', 'data']).where('type', 'like', 'vehicle_%').execute();
  return rows.map((row) => ({ ...row, person_ids: JSON.parse(row.person_ids ?? 'null'), data: JSON.parse(row.data) }));
}

for (const engine of engines()) {
  describe(`the Vehicles page [${engine}]`, () => {
    it('adds a vehicle with its plate normalized, lists it, and announces vehicle_added to its owner', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, sam.email);
      const before = await browser.request('/account/vehicles');
      assert.match(before.body, /<h1>Vehicles<\/h1>/);
      assert.match(before.body, /<a href="\/account\/vehicles" aria-current="page">Vehicles<\/a>/);
      assert.match(before.body, /No vehicles yet\./);

      const added = await submitAccountForm(browser, '/account/vehicles', { plate: ' ab-12 cd ', region: ' US-CA ', make: 'Honda', model: 'Civic', color: '' });
      assert.equal(added.status, 303, added.body.slice(0, 500));
      assert.equal(added.location, '/account/vehicles');
      const page = await browser.request(added.location);
      assert.match(page.body, /<p class="notice" role="status" id="flash">Vehicle AB12CD added\.<\/p>/);
      assert.match(page.body, /<strong>AB12CD<\/strong> <span class="muted">US-CA<\/span><\/td>\s*<td><span class="muted">Honda · Civic<\/span>/);

      const [vehicle, ...more] = await storedVehicles(app, sam.id);
      assert.equal(more.length, 0);
      assert.deepEqual({ ...vehicle, id: undefined }, { id: undefined, plate: 'AB12CD', region: 'us-ca', make: 'Honda', model: 'Civic', color: '' });
      assert.deepEqual(removeLinks(page.body), [`/account/vehicles/${vehicle!.id}/remove`]);
      // Applications see it in user-info (profile scope).
      const { access_token } = await sandboxTokens(baseUrl, { scope: 'profile', email: sam.email });
      assert.deepEqual((await userInfo(baseUrl, access_token)).body.data.vehicles, [{ id: compactId(vehicle!.id), plate: 'AB12CD', region: 'us-ca', make: 'Honda', model: 'Civic', color: '' }]);

      assert.deepEqual(await vehicleEvents(app), [{
        type: 'vehicle_added', category: 'management', door_id: null, device_id: null, person_ids: [sam.id],
        data: { vehicleID: compactId(vehicle!.id), personID: compactId(sam.id), licensePlate: 'AB12CD', region: 'us-ca' },
      }]);
    });

    for (const [variant, plate, message] of [
      ['empty', ' - ', 'Enter a licence plate.'],
      ['one character', 'A', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.'],
      ['eleven characters', 'ABC-DEF-GHIJK', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.'],
      ['punctuation', 'AB.123', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.'],
    ] as const) {
      it(`refuses a bad plate with the reason at the top, keeping what was typed [${variant}] [303]`, async (t) => {
        const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
        const browser = await signedInBrowser(baseUrl, sam.email);
        const refused = await submitAccountForm(browser, '/account/vehicles', { plate, region: 'US-NY', make: 'Ford' });
        assert.equal(refused.status, 303);
        assert.equal(refused.location, '/account/vehicles#flash');
        const page = await browser.request('/account/vehicles');
        assert.equal(alert(page.body), message);
        assert.match(page.body, /<main id="main" class="content" tabindex="-1">\s*<p class="error" role="alert" id="flash" tabindex="-1">/);
        assert.match(page.body, /id="vehicle-plate" name="plate"[^>]* aria-describedby="vehicle-plate-hint flash" aria-invalid="true"/);
        assert.match(page.body, /id="vehicle-make" name="make"[^>]* value="Ford"/);
        assert.deepEqual(await storedVehicles(app, sam.id), []);
        assert.deepEqual(await vehicleEvents(app), []);
      });
    }

    it("refuses a plate the person already has, however it is written, but not another person's", async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const alexBrowser = await signedInBrowser(baseUrl, alex.email);
      const refused = await submitAccountForm(alexBrowser, '/account/vehicles', { plate: 'pqx 1001' });
      assert.equal(refused.status, 303);
      assert.equal(alert((await alexBrowser.request('/account/vehicles')).body), 'You already have a vehicle with the licence plate PQX1001.');
      assert.equal((await storedVehicles(app, alex.id)).length, 1);
      const samAdds = await submitAccountForm(await signedInBrowser(baseUrl, sam.email), '/account/vehicles', { plate: 'PQX1001' });
      assert.equal(samAdds.status, 303);
      assert.deepEqual((await vehicleEvents(app)).map((event) => [event.type, event.person_ids]), [['vehicle_added', [sam.id]]]);
    });

    it('removes a vehicle after its confirmation page and announces vehicle_removed to its owner', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, alex.email);
      const page = await browser.request('/account/vehicles');
      const [action] = removeLinks(page.body);
      assert.ok(action);
      assert.match(page.body, /aria-label="Remove PQX1001"/);
      const [seeded] = await storedVehicles(app, alex.id);
      const confirm = await browser.request(action);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /<h1>Remove PQX1001\?<\/h1>/);
      assert.match(confirm.body, new RegExp(`<form method="post" action="${action}" class="confirm">`));
      assert.equal((await storedVehicles(app, alex.id)).length, 1, 'the confirmation page changes nothing');
      const removed = await browser.request(action, { form: { _csrf: csrfToken(confirm.body) } });
      assert.equal(removed.status, 303);
      assert.equal(removed.location, '/account/vehicles');
      const after = await browser.request(removed.location);
      assert.match(after.body, /Vehicle PQX1001 removed\./);
      assert.match(after.body, /No vehicles yet\./);
      assert.deepEqual(await storedVehicles(app, alex.id), []);
      assert.deepEqual(await vehicleEvents(app), [{
        type: 'vehicle_removed', category: 'management', door_id: null, device_id: null, person_ids: [alex.id],
        data: { vehicleID: compactId(seeded!.id), personID: compactId(alex.id), licensePlate: 'PQX1001', region: 'us-ny' },
      }]);
      // Gone already: the same form, and its confirmation page, are now a 404.
      assert.equal((await submitAccountForm(browser, action, {})).status, 404);
      assert.equal((await browser.request(action)).status, 404);
    });

    it("returns 404 when Sam removes Alex's vehicle, which stays", async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const [alexVehicle] = await storedVehicles(app, alex.id);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const page = await browser.request('/account/vehicles');
      assert.deepEqual(removeLinks(page.body), []);
      for (const id of [alexVehicle!.id, compactId(alexVehicle!.id), 'not-a-vehicle']) {
        assert.equal((await browser.request(`/account/vehicles/${id}/remove`)).status, 404, id);
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
