// Access hours are read in the account's time zone (issue 9, item 6): a User
// choosing their own zone formats their pages and history, and moves no hours.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser, storedSettings, submitAccountForm, submitAndFollow } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxController } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const sam = sandboxPeople.sam;

async function toggleAt(baseUrl: string, token: string, instant: string, t: TestContext) {
  t.mock.timers.enable({ apis: ['Date'], now: new Date(instant) });
  try {
    const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ door_id: sandboxDoors.gate.id, door_state: 'OPEN' }),
    });
    return { status: response.status, body: await response.json() as Record<string, any> };
  } finally {
    t.mock.timers.reset();
  }
}

const accountPage = `/accounts/${sandboxAccounts.residence.id}/settings`;
const accountZone = `${accountPage}/time-zone`;

function settingsForm(timeZone: string): Record<string, string> {
  return { notifications: 'on', tone: 'door_open', time_zone: timeZone, pin: '', share_pin: 'on' };
}

for (const engine of engines()) {
  describe(`access hours in the account's time zone [${engine}]`, () => {
    for (const zone of ['America/New_York', 'Asia/Tokyo', 'Etc/GMT-14', 'Etc/GMT+12', 'America/Los_Angeles']) {
      it(`keeps Sam's 06:00–22:00 on the gate in New York time whatever his own zone [${zone}]`, async (t) => {
        const { baseUrl, app } = await startServer(t, engine);
        await sandboxController(t, app, 'a');
        const browser = await signedInBrowser(baseUrl, sam.email);
        const saved = await submitAndFollow(browser, '/account/settings/preferences', settingsForm(zone), '/account/settings');
        assert.deepEqual(saved.flash, { info: 'Settings saved.' }, 'choosing one\'s own zone is always allowed');
        assert.equal((await storedSettings(app, sam.id)).timeZone, zone);
        const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });

        const late = await toggleAt(baseUrl, access_token, '2026-03-04T23:30:00-05:00', t);
        assert.equal(late.status, 403);
        assert.equal(late.body.message, 'You may not operate Driveway Gate at this time of day.');
        const early = await toggleAt(baseUrl, access_token, '2026-03-04T05:59:00-05:00', t);
        assert.equal(early.status, 403);
        const evening = await toggleAt(baseUrl, access_token, '2026-03-04T21:30:00-05:00', t);
        assert.equal(evening.status, 200, JSON.stringify(evening.body));
      });
    }

    it('moves the hours when the Admin sets the account\'s zone on the account page, and names it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await sandboxController(t, app, 'a');
      const alex = await signedInBrowser(baseUrl, sandbox.people.alex.email);
      const saved = await submitAndFollow(alex, accountZone, { time_zone: 'europe/berlin' }, accountPage);
      assert.equal(saved.answer.location, accountPage);
      assert.deepEqual(saved.flash, { info: 'Time zone saved: access hours are now read in Europe/Berlin.' });
      assert.match(saved.page.body, /id="account-zone" name="time_zone"[^>]* value="Europe\/Berlin"/);
      assert.match((await alex.request('/account')).body, /Hours at Sandbox Residence are read in Europe\/Berlin time\./);

      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      // 23:30 in New York is 05:30 in Berlin: outside 06:00–22:00 there too; 16:30 New York is 22:30 Berlin.
      assert.equal((await toggleAt(baseUrl, access_token, '2026-03-04T16:30:00-05:00', t)).status, 403);
      assert.equal((await toggleAt(baseUrl, access_token, '2026-03-04T10:00:00-05:00', t)).status, 200);

      const samPage = await (await signedInBrowser(baseUrl, sam.email)).request('/account');
      // The hours stay as given, and the page names the zone they are now read in.
      assert.match(samPage.body, /Hours at Sandbox Residence are read in Europe\/Berlin time\./);
      assert.match(samPage.body, /06:00–22:00/);
    });

    it('refuses an unknown zone on the account form with a clear message on its page and changes nothing, and a User\'s attempt with 403', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const zoneOf = async () => (await app.db.selectFrom('accounts').select('time_zone').where('id', '=', sandboxAccounts.residence.id).executeTakeFirstOrThrow()).time_zone;
      const before = await zoneOf();
      const alex = await signedInBrowser(baseUrl, sandbox.people.alex.email);
      const refused = await submitAndFollow(alex, accountZone, { time_zone: 'Mars/Olympus' }, accountPage);
      assert.equal(new URL(refused.answer.location!, baseUrl).pathname, accountPage);
      assert.deepEqual(refused.flash, { error: 'Unknown time zone: Mars/Olympus. Use an IANA name such as America/New_York.' });
      assert.match(refused.page.body, /id="account-zone" name="time_zone"[^>]* value="Mars\/Olympus" aria-invalid="true" aria-describedby="flash"/);
      for (const bad of ['+05:00', 'local', '']) {
        const answer = await submitAndFollow(alex, accountZone, { time_zone: bad }, accountPage);
        assert.ok(answer.flash.error, `refused: ${JSON.stringify(bad)}`);
        assert.equal(answer.flash.info, undefined, bad);
      }
      assert.equal(await zoneOf(), before, 'the account keeps its zone');
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      const forbidden = await submitAccountForm(samBrowser, accountZone, { time_zone: 'Asia/Tokyo' });
      assert.equal(forbidden.status, 403);
      assert.equal(await zoneOf(), before);
    });
  });
}
