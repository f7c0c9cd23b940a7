import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pinChoiceLimit } from '../../src/access/pin-choices.ts';
import { canonicalTimeZone } from '../../src/access/schedules.ts';
import { sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { commonTimeZones } from '../../src/web/settings-form.ts';
import { signedInBrowser, storedSettings, submitAccountForm } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { csrfToken } from '../helpers/browser.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const sam = sandboxPeople.sam;

/** The whole form as a browser sends it with the seeded settings: ticked boxes only. */
function settingsForm(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const fields: Record<string, string | undefined> = { notifications: 'on', tone: 'door_open', time_zone: 'America/New_York', pin: '', share_pin: 'on', ...changes };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Get User Settings (spec 4) as an application reads it. */
async function applicationSettings(baseUrl: string, accessToken: string) {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(response.status, 200);
  return (await response.json() as { data: Record<string, unknown> }).data;
}

/** Whether the PIN appears in the page as a value of its own (the CSRF token is random text and left out). */
function showsPin(page: string, pin: string): boolean {
  const withoutToken = page.replaceAll(csrfToken(page), '');
  return new RegExp(`(?<![0-9A-Za-z_-])${pin}(?![0-9A-Za-z_-])`).test(withoutToken);
}

for (const engine of engines()) {
  describe(`the account page: settings [${engine}]`, () => {
    it('saves a new PIN that applications then read as pin_code, and never writes it into the page', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      assert.equal((await applicationSettings(baseUrl, access_token)).pin_code, sandboxPins.sam);

      const saved = await submitAccountForm(browser, '/account/settings', settingsForm({ pin: '80421937' }));
      assert.equal(saved.status, 303);
      assert.equal(saved.location, '/account?saved=settings');
      assert.equal((await applicationSettings(baseUrl, access_token)).pin_code, '80421937');
      assert.equal((await storedSettings(app, sam.id)).pin, '80421937');

      const page = await browser.request(saved.location);
      assert.match(page.body, /<p class="notice" role="status">Settings saved\.<\/p>/);
      assert.match(page.body, /A PIN is set\./);
      assert.match(page.body, /<input id="pin" name="pin" type="password" inputmode="numeric"/);
      assert.equal(showsPin(page.body, '80421937'), false);
      assert.equal(showsPin(page.body, sandboxPins.sam), false);
    });

    it('hides the PIN from applications when sharing is switched off, and keypads keep it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      const saved = await submitAccountForm(browser, '/account/settings', settingsForm({ share_pin: undefined }));
      assert.equal(saved.status, 303);

      const settings = await applicationSettings(baseUrl, access_token);
      assert.equal(settings.pin_code, '');
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
      assert.equal((await storedSettings(app, sam.id)).sharePinWithApps, false);
      const page = await browser.request('/account');
      assert.match(page.body, /<input type="checkbox" name="share_pin" value="on"> Share my PIN/);
      assert.match(page.body, /A PIN is set\./);
    });

    it('saves alerts, tone and time zone, which applications then read', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      const saved = await submitAccountForm(browser, '/account/settings', settingsForm({ notifications: undefined, tone: 'chime', time_zone: ' Europe/Paris ' }));
      assert.equal(saved.status, 303);
      assert.deepEqual(await applicationSettings(baseUrl, access_token), {
        door_open_alert_notification_enabled: false,
        door_open_alert_notification_tone: 'chime',
        time_zone: 'Europe/Paris',
        pin_code: sandboxPins.sam,
      });
      const page = await browser.request('/account');
      assert.match(page.body, /<option value="chime" selected>/);
      assert.match(page.body, /name="time_zone" type="text" list="time-zones"[^>]* value="Europe\/Paris"/);
    });

    it('removes the PIN when "Remove my PIN" is ticked', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      const saved = await submitAccountForm(browser, '/account/settings', settingsForm({ remove_pin: 'on' }));
      assert.equal(saved.status, 303);
      assert.equal((await storedSettings(app, sam.id)).pin, null);
      assert.equal((await applicationSettings(baseUrl, access_token)).pin_code, '');
      const page = await browser.request('/account');
      assert.match(page.body, /No PIN\./);
      assert.doesNotMatch(page.body, /name="remove_pin"/);
    });

    it('refuses a PIN someone sharing an account already has, with the neutral message, and keeps the old one [400]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const refused = await submitAccountForm(browser, '/account/settings', settingsForm({ pin: sandboxPins.alex }));
      assert.equal(refused.status, 400);
      assert.match(refused.body, /<p class="error" role="alert">This PIN cannot be used\. Please choose another one\.<\/p>/);
      assert.equal(showsPin(refused.body, sandboxPins.alex), false);
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
    });

    it('accepts a PIN held only by someone who shares no account with the person', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const saved = await submitAccountForm(browser, '/account/settings', settingsForm({ pin: sandboxPins.nora }));
      assert.equal(saved.status, 303);
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.nora);
    });

    for (const [variant, pin] of [['3 digits', '135'], ['letters', '12ab'], ['9 digits', '123456789']] as const) {
      it(`refuses a PIN that is not 4 to 8 digits [${variant}]`, async (t) => {
        const { baseUrl, app } = await startServer(t, engine);
        const browser = await signedInBrowser(baseUrl, sam.email);
        const refused = await submitAccountForm(browser, '/account/settings', settingsForm({ pin }));
        assert.equal(refused.status, 400);
        assert.match(refused.body, /<p class="error" role="alert">A PIN is 4 to 8 digits\.<\/p>/);
        assert.equal(showsPin(refused.body, pin), false);
        assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
      });
    }

    it('refuses an unknown time zone, shows the form again as typed and changes nothing [400]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const refused = await submitAccountForm(browser, '/account/settings', settingsForm({ time_zone: 'Mars/Olympus_Mons', tone: 'bell', pin: '80421937' }));
      assert.equal(refused.status, 400);
      assert.match(refused.body, /<p class="error" role="alert">Unknown time zone: Mars\/Olympus_Mons\. Use an IANA name such as America\/New_York\.<\/p>/);
      assert.match(refused.body, /value="Mars\/Olympus_Mons"/);
      assert.match(refused.body, /<option value="bell" selected>/);
      assert.equal(showsPin(refused.body, '80421937'), false);
      const stored = await storedSettings(app, sam.id);
      assert.equal(stored.timeZone, 'America/New_York');
      assert.equal(stored.notificationTone, 'door_open');
      assert.equal(stored.pin, sandboxPins.sam);
    });

    for (const zone of ['system', 'local', 'UTC+3']) {
      it(`refuses a name that is no IANA time zone [${zone}] [400]`, async (t) => {
        const { baseUrl, app } = await startServer(t, engine);
        const browser = await signedInBrowser(baseUrl, sam.email);
        const refused = await submitAccountForm(browser, '/account/settings', settingsForm({ time_zone: zone }));
        assert.equal(refused.status, 400);
        assert.equal((await storedSettings(app, sam.id)).timeZone, 'America/New_York');
      });
    }

    it('refuses a new PIN and "Remove my PIN" together [400]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const refused = await submitAccountForm(browser, '/account/settings', settingsForm({ pin: '80421937', remove_pin: 'on' }));
      assert.equal(refused.status, 400);
      assert.match(refused.body, /role="alert">Enter a new PIN or tick &#34;Remove my PIN&#34;, not both\.</);
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
    });

    it(`allows ${pinChoiceLimit.choices} PIN choices an hour and refuses the next, so nobody can search for another person's PIN [429]`, async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      for (let i = 0; i < pinChoiceLimit.choices; i += 1) {
        const attempt = await submitAccountForm(browser, '/account/settings', settingsForm({ pin: `8042193${i}` }));
        assert.equal(attempt.status, 303);
      }
      const refused = await submitAccountForm(browser, '/account/settings', settingsForm({ pin: '80421999' }));
      assert.equal(refused.status, 429);
      assert.match(refused.body, /role="alert">You have chosen a PIN too many times\. Try again in 60 minutes\.</);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      assert.equal((await storedSettings(app, sam.id)).pin, `8042193${pinChoiceLimit.choices - 1}`);
      // Settings without a new PIN are not limited.
      const other = await submitAccountForm(browser, '/account/settings', settingsForm({ tone: 'bell' }));
      assert.equal(other.status, 303);
    });

    it('requires the CSRF token [403]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      await browser.request('/account');
      const forged = await browser.request('/account/settings', { form: settingsForm({ pin: '80421937', share_pin: undefined }) });
      assert.equal(forged.status, 403);
      assert.match(forged.body, /This form has expired/);
      const wrong = await browser.request('/account/settings', { form: { ...settingsForm({ pin: '80421937' }), _csrf: 'forged' } });
      assert.equal(wrong.status, 403);
      const stored = await storedSettings(app, sam.id);
      assert.equal(stored.pin, sandboxPins.sam);
      assert.equal(stored.sharePinWithApps, true);
    });

    it('sends a person who is not signed in to the sign-in page', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const stranger = await signedInBrowser(baseUrl, sandbox.people.nora.email);
      const page = await stranger.request('/account');
      await stranger.request('/logout', { form: { _csrf: csrfToken(page.body) } });
      const attempt = await stranger.request('/account/settings', { form: { _csrf: csrfToken(page.body), ...settingsForm({ pin: '80421937' }) } });
      assert.equal(attempt.status, 303);
      assert.equal(attempt.location, '/login');
    });
  });
}

describe('the settings form', () => {
  it('suggests only time zones the settings accept', () => {
    for (const zone of commonTimeZones) assert.equal(canonicalTimeZone(zone), zone);
  });
});
