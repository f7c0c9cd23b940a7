// Access hours are read in the account's time zone (issue 9, item 6): a User
// choosing their own zone formats their pages and history, and moves no hours.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser, storedSettings, submitAccountForm } from '../helpers/account-page.ts';
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
        const saved = await submitAccountForm(browser, '/account/settings', settingsForm(zone));
        assert.equal(saved.status, 303, 'choosing one\'s own zone is always allowed');
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
      const saved = await submitAccountForm(alex, `/account/accounts/${sandboxAccounts.residence.id}/time-zone`, { time_zone: 'europe/berlin' });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, '/account?saved=account-time-zone');
      const page = await alex.request(saved.location!);
      assert.match(page.body, /Time zone saved\./);
      assert.match(page.body, /Sandbox Residence: hours are read in Europe\/Berlin time/);

      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      // 23:30 in New York is 05:30 in Berlin: outside 06:00–22:00 there too; 16:30 New York is 22:30 Berlin.
      assert.equal((await toggleAt(baseUrl, access_token, '2026-03-04T16:30:00-05:00', t)).status, 403);
      assert.equal((await toggleAt(baseUrl, access_token, '2026-03-04T10:00:00-05:00', t)).status, 200);

      const samPage = await (await signedInBrowser(baseUrl, sam.email)).request('/account');
      assert.match(samPage.body, /06:00–22:00 Europe\/Berlin time/);
    });

    it('refuses an unknown zone on the account form with 400 and a clear message, and a User\'s attempt with 403', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const alex = await signedInBrowser(baseUrl, sandbox.people.alex.email);
      const refused = await submitAccountForm(alex, `/account/accounts/${sandboxAccounts.residence.id}/time-zone`, { time_zone: 'Mars/Olympus' });
      assert.equal(refused.status, 400);
      assert.match(refused.body, /Unknown time zone: Mars\/Olympus\. Use an IANA name such as America\/New_York\./);
      for (const bad of ['+05:00', 'local', '']) {
        const answer = await submitAccountForm(alex, `/account/accounts/${sandboxAccounts.residence.id}/time-zone`, { time_zone: bad });
        assert.equal(answer.status, 400, bad);
      }
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      const forbidden = await submitAccountForm(samBrowser, `/account/accounts/${sandboxAccounts.residence.id}/time-zone`, { time_zone: 'Asia/Tokyo' });
      assert.equal(forbidden.status, 403);
    });
  });
}
