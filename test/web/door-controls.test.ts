import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { sandboxController } from '../helpers/controllers.ts';
import { sandbox } from '../helpers/oauth.ts';

async function signedIn(baseUrl: string, email: string) {
  const browser = new Browser(baseUrl);
  const page = await browser.request('/login');
  await browser.request('/login', { form: { _csrf: csrfToken(page.body), email, password: sandbox.password } });
  return browser;
}

describe('door buttons on the account page', () => {
  it('opens the garage for Alex and records it as ParqEx Web', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const controller = await sandboxController(t, app, 'a');
    const alex = await signedIn(baseUrl, sandbox.people.alex.email);
    const page = await alex.request('/account');
    assert.match(page.body, new RegExp(`action="/account/doors/${sandboxDoors.garage.id}/toggle"`));
    assert.doesNotMatch(page.body, new RegExp(`action="/account/doors/${sandboxDoors.sideGarage.id}/toggle"`), 'no buttons for a door without a sensor');
    const opened = await alex.request(`/account/doors/${sandboxDoors.garage.id}/toggle`, { form: { _csrf: csrfToken(page.body), state: 'OPEN' } });
    assert.equal(opened.status, 200);
    assert.match(opened.body, /Garage: opening\./);
    assert.equal(controller.movements, 1);
    const rows = await app.db.selectFrom('access_events').select(['channel', 'person_id', 'was_success']).where('door_id', '=', sandboxDoors.garage.id).execute();
    assert.deepEqual(rows.map((row) => ({ ...row })), [{ channel: 'ParqEx Web', person_id: sandboxPeople.alex.id, was_success: 1 }]);
  });

  it("refuses Sam outside his hours with the reason on the page, and a door he cannot see as not found", async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const controller = await sandboxController(t, app, 'a');
    const sam = await signedIn(baseUrl, sandbox.people.sam.email);
    const page = await sam.request('/account');
    const hidden = await sam.request(`/account/doors/${sandboxDoors.garage.id}/toggle`, { form: { _csrf: csrfToken(page.body), state: 'OPEN' } });
    assert.equal(hidden.status, 404);
    t.mock.timers.enable({ apis: ['Date'], now: new Date('2026-06-10T23:00:00-04:00') });
    const refused = await sam.request(`/account/doors/${sandboxDoors.gate.id}/toggle`, { form: { _csrf: csrfToken(page.body), state: 'OPEN' } });
    t.mock.timers.reset();
    assert.equal(refused.status, 403);
    assert.match(refused.body, /role="alert">You may not operate Driveway Gate at this time of day\./);
    assert.equal(controller.movements, 0);
  });
});
