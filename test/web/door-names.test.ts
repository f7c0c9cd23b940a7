import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordAccessEvent } from '../../src/access/history.ts';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser, submitAccountForm } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { csrfToken } from '../helpers/browser.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const { alex, sam } = sandboxPeople;
const renameUrl = (doorId: string) => `/account/doors/${doorId}/name`;

/** The person's name for each door, as Get User Devices (spec 4) returns it, by compact door id. */
async function syncedNames(baseUrl: string, accessToken: string): Promise<Map<string, string>> {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(response.status, 200);
  const body = await response.json() as { devices: { doors: { id: string; name: string }[] }[] };
  return new Map(body.devices.flatMap((device) => device.doors.map((door): [string, string] => [door.id, door.name])));
}

async function historyDoorNames(baseUrl: string, accessToken: string, doorId: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history/?history_type=door&door_id=${compactId(doorId)}`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(response.status, 200);
  const body = await response.json() as { data: { toggle_events: { door_name: string }[] } };
  return body.data.toggle_events.map((event) => event.door_name);
}

for (const engine of engines()) {
  describe(`the Doors page: door names [${engine}]`, () => {
    it("shows Alex's own name for the Garage in his devices and on his page", async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: alex.email });
      const renamed = await submitAccountForm(browser, renameUrl(sandboxDoors.garage.id), { name: '  Big Door ' });
      assert.equal(renamed.status, 303);
      assert.equal(renamed.location, '/account');

      assert.equal((await syncedNames(baseUrl, access_token)).get(compactId(sandboxDoors.garage.id)), 'Big Door');
      const page = await browser.request(renamed.location);
      assert.match(page.body, /<p class="notice" role="status" id="flash">Door name saved\. Only you see it\.<\/p>/);
      assert.match(page.body, /<h3>Big Door<\/h3>/);
      // Alex is the Admin: the page says his rename is his alone, not the door's name for everyone.
      assert.match(page.body, /This name is personal: only you see it\. Everyone else keeps seeing Garage; as an Admin you change that name under Controllers\./);
    });

    it('returns 404 when Sam renames the Garage, which he cannot see, and stores nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const page = await browser.request('/account');
      assert.doesNotMatch(page.body, new RegExp(renameUrl(sandboxDoors.garage.id)));
      for (const id of [sandboxDoors.garage.id, compactId(sandboxDoors.garage.id), sandboxDoors.neighborGarage.id, 'not-a-door']) {
        const attempt = await browser.request(renameUrl(id), { form: { _csrf: csrfToken(page.body), name: 'Mine now' } });
        assert.equal(attempt.status, 404, id);
        assert.match(attempt.body, /No such door\./);
      }
      assert.equal(await app.db.selectFrom('door_names').select('door_id').executeTakeFirst(), undefined);
    });

    it("changes only Sam's view when Sam renames the Lobby Door, in devices and in history", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await recordAccessEvent(app.db, { doorId: sandboxDoors.lobby.id, deviceId: sandboxDevices.a.id, personId: sam.id, channel: 'Keypad', doorState: 'OPEN', wasSuccess: true });
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      const samToken = (await sandboxTokens(baseUrl, { email: sam.email })).access_token;
      const alexToken = (await sandboxTokens(baseUrl, { email: alex.email })).access_token;
      // The door id in its compact form, as the API writes it, is accepted too.
      const renamed = await submitAccountForm(samBrowser, renameUrl(compactId(sandboxDoors.lobby.id)), { name: 'Front Entrance' });
      assert.equal(renamed.status, 303);

      const lobby = compactId(sandboxDoors.lobby.id);
      assert.equal((await syncedNames(baseUrl, samToken)).get(lobby), 'Front Entrance');
      assert.equal((await syncedNames(baseUrl, alexToken)).get(lobby), 'Lobby Door');
      assert.deepEqual(await historyDoorNames(baseUrl, samToken, sandboxDoors.lobby.id), ['Front Entrance']);
      assert.deepEqual(await historyDoorNames(baseUrl, alexToken, sandboxDoors.lobby.id), ['Lobby Door']);
      const alexPage = await (await signedInBrowser(baseUrl, alex.email)).request('/account');
      assert.match(alexPage.body, /<h3>Lobby Door<\/h3>/);
      const samPage = await samBrowser.request('/account');
      assert.match(samPage.body, /This name is personal: only you see it; the Admin calls it Lobby Door\./);
      assert.doesNotMatch(alexPage.body, /Front Entrance/);
    });

    for (const [variant, name, message] of [
      ['empty', '   ', 'Enter a name for the door.'],
      ['61 characters', 'x'.repeat(61), 'A door name is at most 60 characters.'],
      ['control character', 'Big\u0007Door', 'A door name cannot contain control characters.'],
    ] as const) {
      it(`refuses a door name with the reason at the top, the form open with what was typed, and keeps the old one [${variant}] [303]`, async (t) => {
        const { baseUrl } = await startServer(t, engine);
        const browser = await signedInBrowser(baseUrl, alex.email);
        const { access_token } = await sandboxTokens(baseUrl, { email: alex.email });
        const refused = await submitAccountForm(browser, renameUrl(sandboxDoors.garage.id), { name });
        assert.equal(refused.status, 303);
        assert.equal(refused.location, '/account#flash');
        const page = await browser.request('/account');
        assert.match(page.body, new RegExp(`<main id="main" class="content" tabindex="-1">\\s*<p class="error" role="alert" id="flash" tabindex="-1">${message.replace('.', '\\.')}</p>`));
        assert.match(page.body, new RegExp(`<details class="rename" open><summary>Rename for me</summary>\\s*<form method="post" action="${renameUrl(sandboxDoors.garage.id)}">[\\s\\S]*?aria-describedby="door-name-hint-${sandboxDoors.garage.id} flash" aria-invalid="true"`));
        // Shown once: a reload no longer has it.
        assert.doesNotMatch((await browser.request('/account')).body, /role="alert" id="flash"/);
        assert.equal((await syncedNames(baseUrl, access_token)).get(compactId(sandboxDoors.garage.id)), 'Garage');
      });
    }

    it('accepts a name of exactly 60 characters, counting an emoji as one', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: alex.email });
      const name = `${'x'.repeat(59)}🚗`;
      assert.equal((await submitAccountForm(browser, renameUrl(sandboxDoors.garage.id), { name })).status, 303);
      assert.equal((await syncedNames(baseUrl, access_token)).get(compactId(sandboxDoors.garage.id)), name);
    });

    it('requires the CSRF token [403]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      await browser.request('/account');
      const forged = await browser.request(renameUrl(sandboxDoors.garage.id), { form: { name: 'Big Door' } });
      assert.equal(forged.status, 403);
      assert.match(forged.body, /This form has expired/);
      const wrong = await browser.request(renameUrl(sandboxDoors.garage.id), { form: { name: 'Big Door', _csrf: 'forged' } });
      assert.equal(wrong.status, 403);
      assert.equal(await app.db.selectFrom('door_names').select('door_id').executeTakeFirst(), undefined);
    });
  });
}
