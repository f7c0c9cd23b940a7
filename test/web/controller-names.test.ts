// The Admin names controllers and renames doors for everyone on the Controllers
// page, through the real server: POST-redirect-GET, refusals given back marked,
// CSRF, who may do it, and the door's new name in the applications' sync.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const { alex, sam, nora } = sandboxPeople;
const page = `/accounts/${sandboxAccounts.residence.id}/controllers`;
const controllerAction = `${page}/${compactId(sandboxDevices.a.id)}/name`;
const lobbyAction = `${page}/doors/${compactId(sandboxDoors.lobby.id)}/name`;

async function submit(browser: Browser, action: string, form: Record<string, string>) {
  const before = await browser.request(page);
  assert.equal(before.status, 200, before.body.slice(0, 300));
  const posted = await browser.request(action, { form: { _csrf: csrfToken(before.body), ...form } });
  assert.equal(posted.status, 303, posted.body.slice(0, 300));
  return { posted, landed: await browser.request(posted.location!) };
}

async function syncDoorNames(baseUrl: string, token: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  assert.equal(response.status, 200);
  const body = await response.json() as { devices: { doors: { name: string }[] }[] };
  return body.devices.flatMap((device) => device.doors.map((door) => door.name)).sort();
}

for (const engine of engines()) {
  describe(`Controller and door names on the Controllers page [${engine}]`, () => {
    it('names a controller, shows it with its serial, and gives a refused name back marked', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, alex.email);
      const first = await browser.request(page);
      assert.match(first.body, new RegExp(`<form method="post" action="${controllerAction}">\\s*<input type="hidden" name="_csrf"`));
      assert.match(first.body, new RegExp(`<form method="post" action="${lobbyAction}">\\s*<input type="hidden" name="_csrf"`));

      const named = await submit(browser, controllerAction, { name: '  Garage <b>controller</b> ' });
      assert.equal(named.posted.location, page);
      assert.match(named.landed.body, /role="status" id="flash">Controller named Garage &#60;b&#62;controller&#60;\/b&#62;\./);
      assert.match(named.landed.body, /<h2 id="controller-[0-9a-f]{32}">Garage &#60;b&#62;controller&#60;\/b&#62;<\/h2>/);
      assert.match(named.landed.body, /<dt>Serial number<\/dt><dd>a1b2c3d4e5f60001<\/dd>/);
      assert.match(named.landed.body, /Controller a1b2c3d4e5f60002/, 'an unnamed controller keeps its serial');
      const stored = await app.db.selectFrom('devices').select('name').where('id', '=', sandboxDevices.a.id).executeTakeFirstOrThrow();
      assert.equal(stored.name, 'Garage <b>controller</b>');
      assert.doesNotMatch((await browser.request(page)).body, /id="flash"/, 'a reload says and sends nothing');

      const tooLong = 'x'.repeat(61);
      const refused = await submit(browser, controllerAction, { name: tooLong });
      assert.equal(refused.posted.location, `${page}#flash`);
      assert.match(refused.landed.body, /role="alert" id="flash"[^>]*>A controller name is at most 60 characters\./);
      assert.match(refused.landed.body, new RegExp(`<details class="rename" open>[\\s\\S]*?name="name" type="text"[^>]*value="${tooLong}" aria-invalid="true" aria-describedby="flash"`));
      const empty = await submit(browser, controllerAction, { name: '   ' });
      assert.match(empty.landed.body, /role="alert" id="flash"[^>]*>Enter a name for the controller\./);
      const control = await submit(browser, controllerAction, { name: 'Gar\u0007age' });
      assert.match(control.landed.body, /role="alert" id="flash"[^>]*>A controller name cannot contain control characters\./);
      assert.equal((await app.db.selectFrom('devices').select('name').where('id', '=', sandboxDevices.a.id).executeTakeFirstOrThrow()).name, 'Garage <b>controller</b>');
      // Nora's controller cannot be reached through Alex's account.
      const csrf = csrfToken(control.landed.body);
      assert.equal((await browser.request(`${page}/${compactId(sandboxDevices.neighbor.id)}/name`, { form: { _csrf: csrf, name: 'Mine' } })).status, 404);
      assert.equal((await browser.request(`${page}/doors/${compactId(sandboxDoors.neighborGarage.id)}/name`, { form: { _csrf: csrf, name: 'Mine' } })).status, 404);
    });

    it("renames a door for everyone: Sam's applications see it, unless Sam named it himself", async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const { access_token: samToken } = await sandboxTokens(baseUrl, { email: sam.email });
      assert.ok((await syncDoorNames(baseUrl, samToken)).includes('Lobby Door'));
      const browser = await signedInBrowser(baseUrl, alex.email);
      const renamed = await submit(browser, lobbyAction, { name: ' Main Entrance ' });
      assert.equal(renamed.posted.location, page);
      assert.match(renamed.landed.body, /role="status" id="flash">Door renamed Main Entrance for everyone who has not named it themselves\./);
      assert.match(renamed.landed.body, /<th scope="row">Main Entrance <span class="muted">\(channel 3\)<\/span><\/th>/);
      const samNames = await syncDoorNames(baseUrl, samToken);
      assert.ok(samNames.includes('Main Entrance'), samNames.join());
      assert.ok(!samNames.includes('Lobby Door'));

      const refused = await submit(browser, lobbyAction, { name: '' });
      assert.match(refused.landed.body, /role="alert" id="flash"[^>]*>Enter a name for the door\./);
      assert.match(refused.landed.body, new RegExp(`id="door-${compactId(sandboxDoors.lobby.id)}" name="name" type="text"[^>]*value="" aria-invalid="true" aria-describedby="flash"`));
      assert.equal((await app.db.selectFrom('doors').select('name').where('id', '=', sandboxDoors.lobby.id).executeTakeFirstOrThrow()).name, 'Main Entrance');

      // Sam's own name outlives the Admin's next rename.
      await app.db.insertInto('door_names').values({ person_id: sam.id, door_id: sandboxDoors.lobby.id, name: 'Front' }).execute();
      await submit(browser, lobbyAction, { name: 'Entrance Hall' });
      const after = await syncDoorNames(baseUrl, samToken);
      assert.ok(after.includes('Front') && !after.includes('Entrance Hall'), after.join());
    });

    it('answers Sam 403 and Nora 404 on both forms, and refuses a missing or wrong CSRF token', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      for (const [email, status] of [[sam.email, 403], [nora.email, 404]] as const) {
        const browser = await signedInBrowser(baseUrl, email);
        const csrf = csrfToken((await browser.request('/account')).body);
        for (const action of [controllerAction, lobbyAction]) {
          assert.equal((await browser.request(action, { form: { _csrf: csrf, name: 'Mine' } })).status, status, `${email} ${action}`);
        }
      }
      const alexBrowser = await signedInBrowser(baseUrl, alex.email);
      await alexBrowser.request(page);
      for (const action of [controllerAction, lobbyAction]) {
        assert.equal((await alexBrowser.request(action, { form: { name: 'Mine' } })).status, 403);
        assert.equal((await alexBrowser.request(action, { form: { _csrf: 'nope', name: 'Mine' } })).status, 403);
      }
      const signedOut = await new Browser(baseUrl).request(controllerAction, { form: { _csrf: 'nope', name: 'Mine' } });
      assert.notEqual(signedOut.status, 303, 'nothing is done for the signed-out');
      assert.equal((await app.db.selectFrom('devices').select('name').where('name', '=', 'Mine').execute()).length, 0);
      assert.equal((await app.db.selectFrom('doors').select('name').where('name', '=', 'Mine').execute()).length, 0);
    });
  });
}
