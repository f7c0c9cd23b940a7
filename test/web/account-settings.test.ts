import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pinChoiceLimit } from '../../src/access/pin-choices.ts';
import { canonicalTimeZone } from '../../src/access/schedules.ts';
import { sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { commonTimeZones } from '../../src/web/settings-form.ts';
import { flashCookieOf, signedInBrowser, storedSettings, submitAndFollow } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { csrfToken } from '../helpers/browser.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const sam = sandboxPeople.sam;
/** The Settings page, and where its alerts, tone, time zone and PIN form posts. */
const settingsPage = '/account/settings';
const preferences = '/account/settings/preferences';

/** Posts the preferences form from the Settings page and follows its 303 back there. */
function savePreferences(browser: Parameters<typeof submitAndFollow>[0], form: Record<string, string>) {
  return submitAndFollow(browser, preferences, form, settingsPage);
}

/** A refusal: the form answers 303 back to the Settings page, which says why at the top and marks the field. */
async function refusedPreferences(browser: Parameters<typeof submitAndFollow>[0], form: Record<string, string>, field: 'pin' | 'time-zone') {
  const outcome = await savePreferences(browser, form);
  assert.equal(outcome.answer.location, settingsPage);
  assert.equal(outcome.flash.info, undefined);
  assert.ok(outcome.flash.error, 'the page says why the form was refused');
  assert.match(outcome.page.body, new RegExp(`<input id="${field}" [^>]*aria-invalid="true" aria-describedby="flash`));
  return outcome;
}

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
  describe(`the Settings page: alerts, tone, time zone and PIN [${engine}]`, () => {
    it('saves a new PIN that applications then read as pin_code, and never writes it into the page', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      assert.equal((await applicationSettings(baseUrl, access_token)).pin_code, sandboxPins.sam);

      const saved = await savePreferences(browser, settingsForm({ pin: '80421937' }));
      assert.equal(saved.answer.location, settingsPage);
      assert.equal((await applicationSettings(baseUrl, access_token)).pin_code, '80421937');
      assert.equal((await storedSettings(app, sam.id)).pin, '80421937');

      const page = saved.page;
      assert.deepEqual(saved.flash, { info: 'Settings saved.' });
      assert.match(page.body, /<p class="notice" role="status" id="flash">Settings saved\.<\/p>/);
      assert.match(page.body, /A PIN is set\./);
      assert.match(page.body, /<input id="pin" name="pin" type="password" inputmode="numeric"/);
      assert.equal(showsPin(page.body, '80421937'), false);
      assert.equal(showsPin(page.body, sandboxPins.sam), false);
      assert.doesNotMatch(JSON.stringify(flashCookieOf(saved.answer)), /80421937/, 'the PIN never rides in the flash cookie');
      // Said once: a reload shows the page without the message and sends nothing.
      const reloaded = await browser.request(settingsPage);
      assert.doesNotMatch(reloaded.body, /Settings saved\./);
    });

    it('hides the PIN from applications when sharing is switched off, and keypads keep it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      const saved = await savePreferences(browser, settingsForm({ share_pin: undefined }));
      assert.deepEqual(saved.flash, { info: 'Settings saved.' });

      const settings = await applicationSettings(baseUrl, access_token);
      assert.equal(settings.pin_code, '');
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
      assert.equal((await storedSettings(app, sam.id)).sharePinWithApps, false);
      const page = await browser.request(settingsPage);
      assert.match(page.body, /<input type="checkbox" name="share_pin" value="on"> Share my PIN/);
      assert.match(page.body, /A PIN is set\./);
    });

    it('saves alerts, tone and time zone, which applications then read', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      const saved = await savePreferences(browser, settingsForm({ notifications: undefined, tone: 'chime', time_zone: ' Europe/Paris ' }));
      assert.deepEqual(saved.flash, { info: 'Settings saved.' });
      assert.deepEqual(await applicationSettings(baseUrl, access_token), {
        door_open_alert_notification_enabled: false,
        door_open_alert_notification_tone: 'chime',
        time_zone: 'Europe/Paris',
        pin_code: sandboxPins.sam,
      });
      const page = await browser.request(settingsPage);
      assert.match(page.body, /<option value="chime" selected>/);
      assert.match(page.body, /name="time_zone" type="text" list="time-zones"[^>]* value="Europe\/Paris"/);
      assert.doesNotMatch(page.body, /name="notifications" value="on" checked/);
    });

    it('removes the PIN when "Remove my PIN" is ticked', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      const saved = await savePreferences(browser, settingsForm({ remove_pin: 'on' }));
      assert.deepEqual(saved.flash, { info: 'Settings saved.' });
      assert.equal((await storedSettings(app, sam.id)).pin, null);
      assert.equal((await applicationSettings(baseUrl, access_token)).pin_code, '');
      assert.match(saved.page.body, /No PIN\./);
      assert.doesNotMatch(saved.page.body, /name="remove_pin"/);
    });

    it('refuses a PIN someone sharing an account already has, with the neutral message, and keeps the old one', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const refused = await refusedPreferences(browser, settingsForm({ pin: sandboxPins.alex }), 'pin');
      assert.equal(refused.flash.error, 'This PIN cannot be used. Please choose another one.');
      assert.equal(showsPin(refused.page.body, sandboxPins.alex), false);
      assert.doesNotMatch(JSON.stringify(flashCookieOf(refused.answer)), new RegExp(sandboxPins.alex), 'the PIN never rides in the flash cookie');
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
    });

    it('accepts a PIN held only by someone who shares no account with the person', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const saved = await savePreferences(browser, settingsForm({ pin: sandboxPins.nora }));
      assert.deepEqual(saved.flash, { info: 'Settings saved.' });
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.nora);
    });

    for (const [variant, pin] of [['3 digits', '135'], ['letters', '12ab'], ['9 digits', '123456789']] as const) {
      it(`refuses a PIN that is not 4 to 8 digits [${variant}]`, async (t) => {
        const { baseUrl, app } = await startServer(t, engine);
        const browser = await signedInBrowser(baseUrl, sam.email);
        const refused = await refusedPreferences(browser, settingsForm({ pin }), 'pin');
        assert.equal(refused.flash.error, 'A PIN is 4 to 8 digits.');
        assert.equal(showsPin(refused.page.body, pin), false);
        assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
      });
    }

    it('refuses an unknown time zone, shows the form again as typed and changes nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const refused = await refusedPreferences(browser, settingsForm({ time_zone: 'Mars/Olympus_Mons', tone: 'bell', pin: '80421937' }), 'time-zone');
      assert.equal(refused.flash.error, 'Unknown time zone: Mars/Olympus_Mons. Use an IANA name such as America/New_York.');
      assert.match(refused.page.body, /<p class="error" role="alert" id="flash"[^>]*>Unknown time zone: Mars\/Olympus_Mons\./);
      assert.match(refused.page.body, /value="Mars\/Olympus_Mons"/);
      assert.match(refused.page.body, /<option value="bell" selected>/);
      assert.equal(showsPin(refused.page.body, '80421937'), false);
      const stored = await storedSettings(app, sam.id);
      assert.equal(stored.timeZone, 'America/New_York');
      assert.equal(stored.notificationTone, 'door_open');
      assert.equal(stored.pin, sandboxPins.sam);
      // The typed values are given back once: a reload shows the stored settings again.
      const reloaded = await browser.request(settingsPage);
      assert.doesNotMatch(reloaded.body, /Mars\/Olympus_Mons/);
      assert.match(reloaded.body, /value="America\/New_York"/);
    });

    for (const zone of ['system', 'local', 'UTC+3']) {
      it(`refuses a name that is no IANA time zone [${zone}]`, async (t) => {
        const { baseUrl, app } = await startServer(t, engine);
        const browser = await signedInBrowser(baseUrl, sam.email);
        const refused = await refusedPreferences(browser, settingsForm({ time_zone: zone }), 'time-zone');
        assert.match(refused.flash.error!, /time zone/i);
        assert.equal((await storedSettings(app, sam.id)).timeZone, 'America/New_York');
      });
    }

    it('refuses a new PIN and "Remove my PIN" together', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const refused = await refusedPreferences(browser, settingsForm({ pin: '80421937', remove_pin: 'on' }), 'pin');
      assert.equal(refused.flash.error, 'Enter a new PIN or tick "Remove my PIN", not both.');
      assert.match(refused.page.body, /role="alert" id="flash"[^>]*>Enter a new PIN or tick &#34;Remove my PIN&#34;, not both\.</);
      assert.equal((await storedSettings(app, sam.id)).pin, sandboxPins.sam);
    });

    it(`allows ${pinChoiceLimit.choices} PIN choices an hour and refuses the next, so nobody can search for another person's PIN`, async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      for (let i = 0; i < pinChoiceLimit.choices; i += 1) {
        const attempt = await savePreferences(browser, settingsForm({ pin: `8042193${i}` }));
        assert.deepEqual(attempt.flash, { info: 'Settings saved.' }, `choice ${i + 1}`);
      }
      const refused = await refusedPreferences(browser, settingsForm({ pin: '80421999' }), 'pin');
      assert.equal(refused.flash.error, 'You have chosen a PIN too many times. Try again in 60 minutes.');
      assert.equal((await storedSettings(app, sam.id)).pin, `8042193${pinChoiceLimit.choices - 1}`);
      // Settings without a new PIN are not limited.
      const other = await savePreferences(browser, settingsForm({ tone: 'bell' }));
      assert.deepEqual(other.flash, { info: 'Settings saved.' });
      assert.equal((await storedSettings(app, sam.id)).notificationTone, 'bell');
    });

    it('requires the CSRF token [403]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      await browser.request(settingsPage);
      const forged = await browser.request(preferences, { form: settingsForm({ pin: '80421937', share_pin: undefined }) });
      assert.equal(forged.status, 403);
      assert.match(forged.body, /This form has expired/);
      const wrong = await browser.request(preferences, { form: { ...settingsForm({ pin: '80421937' }), _csrf: 'forged' } });
      assert.equal(wrong.status, 403);
      const stored = await storedSettings(app, sam.id);
      assert.equal(stored.pin, sandboxPins.sam);
      assert.equal(stored.sharePinWithApps, true);
    });

    it('sends a person who is not signed in to the sign-in page', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const stranger = await signedInBrowser(baseUrl, sandbox.people.nora.email);
      const page = await stranger.request(settingsPage);
      await stranger.request('/logout', { form: { _csrf: csrfToken(page.body) } });
      const attempt = await stranger.request(preferences, { form: { _csrf: csrfToken(page.body), ...settingsForm({ pin: '80421937' }) } });
      assert.equal(attempt.status, 303);
      assert.equal(attempt.location, '/login');
      assert.notEqual((await storedSettings(app, sandbox.people.nora.id)).pin, '80421937');
    });
  });
}

describe('the settings form', () => {
  it('suggests only time zones the settings accept', () => {
    for (const zone of commonTimeZones) assert.equal(canonicalTimeZone(zone), zone);
  });
});
