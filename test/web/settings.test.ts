import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personAccounts } from '../../src/access/people.ts';
import { sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { signedInBrowser, storedSettings } from '../helpers/account-page.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { lastMailTo, linkIn, mailsTo, submitForm } from '../helpers/identity.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const sam = sandboxPeople.sam;
const alex = sandboxPeople.alex;
const settings = '/account/settings';

for (const engine of engines()) {
  describe(`GET ${settings} [${engine}]`, () => {
    it('shows profile, preferences, password and sign out everywhere, with the PIN never written back', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const page = await browser.request(settings);
      assert.equal(page.status, 200);
      assert.match(page.body, /<h1>Settings<\/h1>/);
      assert.match(page.body, /aria-current="page">Settings</);
      assert.match(page.body, /value="Sam"/);
      assert.match(page.body, new RegExp(`You sign in with <strong>${sam.email}</strong>`));
      assert.match(page.body, /A PIN is set\./);
      assert.ok(!page.body.includes(sandboxPins.sam));
      assert.match(page.body, /href="\/account\/settings\/sign-out-everywhere"/);
      assert.match(page.body, /href="\/accounts\/new"/);
    });

    it('sends a visitor who is not signed in to sign in', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const page = await new Browser(baseUrl).request(settings);
      assert.equal(page.status, 303);
      assert.equal(page.location, '/login?next=%2Faccount%2Fsettings');
    });
  });

  describe(`the Settings forms [${engine}]`, () => {
    it('saves the names, and sends back an empty one with the field marked', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const saved = await submitForm(browser, settings, `${settings}/profile`, { first_name: ' Samuel ', last_name: 'User' });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, settings);
      const page = await browser.request(settings);
      assert.match(page.body, /role="status" id="flash">Name saved\./);
      assert.match(page.body, /value="Samuel"/);

      await submitForm(browser, settings, `${settings}/profile`, { first_name: '', last_name: 'Typed' });
      const refused = await browser.request(settings);
      assert.match(refused.body, /role="alert" id="flash"[^>]*>Enter your first name\./);
      assert.match(refused.body, /id="first_name"[^>]*aria-invalid="true" aria-describedby="flash"/);
      assert.match(refused.body, /value="Typed"/);
    });

    it('saves preferences, and a refused PIN comes back without the PIN and with the field marked', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const form = { notifications: 'on', tone: 'chime', time_zone: 'Asia/Tokyo', pin: '', share_pin: 'on' };
      assert.equal((await submitForm(browser, settings, `${settings}/preferences`, form)).location, settings);
      const stored = await storedSettings(app, sam.id);
      assert.equal(stored.timeZone, 'Asia/Tokyo');
      assert.equal(stored.notificationTone, 'chime');
      assert.equal(stored.pin, sandboxPins.sam);

      await submitForm(browser, settings, `${settings}/preferences`, { ...form, time_zone: 'Europe/Paris', pin: '12' });
      const refused = await browser.request(settings);
      assert.match(refused.body, /role="alert" id="flash"[^>]*>A PIN is 4 to 8 digits\./);
      assert.match(refused.body, /id="pin"[^>]*aria-invalid="true" aria-describedby="flash pin-status"/);
      assert.match(refused.body, /id="time-zone"[^>]*value="Europe\/Paris"/);
      assert.equal((await storedSettings(app, sam.id)).timeZone, 'Asia/Tokyo');

      // The refusal marks the field it is about, not a neighbour.
      await submitForm(browser, settings, `${settings}/preferences`, { ...form, tone: 'Door Open!' });
      const badTone = await browser.request(settings);
      assert.match(badTone.body, /role="alert" id="flash"[^>]*>The notification tone must be/);
      assert.match(badTone.body, /id="tone"[^>]*aria-invalid="true" aria-describedby="flash"/);
      assert.doesNotMatch(badTone.body, /id="time-zone"[^>]*aria-invalid/);
    });

    it('changes the email only when the link mailed to the new address is followed, and tells the old one', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const asked = await submitForm(browser, settings, `${settings}/email`, { email: 'sam.new@example.com' });
      assert.equal(asked.location, settings);
      assert.match((await browser.request(settings)).body, /We sent a link to sam\.new@example\.com\./);
      assert.match((await browser.request(settings)).body, new RegExp(`You sign in with <strong>${sam.email}</strong>`));

      const link = linkIn(await lastMailTo(app, 'sam.new@example.com'), '/account/email');
      const confirm = await browser.request(link);
      assert.equal(confirm.status, 200, 'opening the link changes nothing yet');
      assert.match((await browser.request(settings)).body, new RegExp(`You sign in with <strong>${sam.email}</strong>`));
      const done = await browser.request(link, { form: { _csrf: csrfToken(confirm.body) } });
      assert.equal(done.status, 303);
      assert.equal(done.location, settings);
      assert.match((await browser.request(settings)).body, /You sign in with <strong>sam\.new@example\.com<\/strong>/);
      const told = await lastMailTo(app, sam.email);
      assert.equal(told.subject, 'Your ParqEx email address was changed');
      assert.equal((await submitForm(new Browser(baseUrl), '/login', '/login', { email: 'sam.new@example.com', password: sandbox.password })).status, 303);
      assert.equal((await new Browser(baseUrl).request(link)).status, 410);
    });

    it('changes the address of the login that asked, whoever opens the link, and never the opener\'s', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      await submitForm(samBrowser, settings, `${settings}/email`, { email: 'sam.moved@example.com' });
      const link = linkIn(await lastMailTo(app, 'sam.moved@example.com'), '/account/email');
      const alexBrowser = await signedInBrowser(baseUrl, alex.email);
      const page = await alexBrowser.request(link);
      const done = await alexBrowser.request(link, { form: { _csrf: csrfToken(page.body) } });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/login');
      assert.match((await alexBrowser.request(settings)).body, new RegExp(`You sign in with <strong>${alex.email}</strong>`));
      assert.match((await samBrowser.request(settings)).body, /You sign in with <strong>sam\.moved@example\.com<\/strong>/);
    });

    it('answers the same for an address another login holds, and changes nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      await submitForm(browser, settings, `${settings}/email`, { email: alex.email });
      assert.match((await browser.request(settings)).body, new RegExp(`We sent a link to ${alex.email.replaceAll('.', '\\.')}\\.`));
      const mail = await lastMailTo(app, alex.email);
      assert.equal(mail.subject, 'Your ParqEx email address was not changed');
      assert.doesNotMatch(mail.text, /\/account\/email\//);
    });

    it('changes the password with the current one, ending the other sessions and keeping this one', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const other = await signedInBrowser(baseUrl, sam.email);
      const wrong = await submitForm(browser, settings, `${settings}/password`, { current_password: 'not it at all', new_password: 'another password 1' });
      assert.equal(wrong.location, settings);
      const refused = await browser.request(settings);
      assert.match(refused.body, /role="alert" id="flash"[^>]*>Your current password is not correct\./);
      assert.match(refused.body, /id="current_password"[^>]*aria-invalid="true"/);
      assert.equal((await other.request('/account')).status, 200);

      await submitForm(browser, settings, `${settings}/password`, { current_password: sandbox.password, new_password: 'short' });
      assert.match((await browser.request(settings)).body, /The password must be at least 10 characters\./);

      await submitForm(browser, settings, `${settings}/password`, { current_password: sandbox.password, new_password: 'another password 1' });
      assert.match((await browser.request(settings)).body, /Password changed\./);
      assert.equal((await browser.request('/account')).status, 200);
      assert.equal((await other.request('/account')).status, 303);
      assert.equal((await submitForm(new Browser(baseUrl), '/login', '/login', { email: sam.email, password: 'another password 1' })).status, 303);
    });

    it('counts a wrong current password as a failed sign-in, and locks after the limit', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_LOGIN_MAX_FAILURES: '3' });
      const browser = await signedInBrowser(baseUrl, sam.email);
      for (let i = 0; i < 3; i += 1) await submitForm(browser, settings, `${settings}/password`, { current_password: `guess number ${i}`, new_password: 'another password 1' });
      await submitForm(browser, settings, `${settings}/password`, { current_password: sandbox.password, new_password: 'another password 1' });
      assert.match((await browser.request(settings)).body, /role="alert" id="flash"[^>]*>Too many wrong passwords\. Try again in 15 minutes\./);
      assert.equal((await submitForm(new Browser(baseUrl), '/login', '/login', { email: sam.email, password: sandbox.password })).status, 429);
    });

    it('signs out everywhere after a confirmation page; tokens given to applications stay', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const other = await signedInBrowser(baseUrl, sam.email);
      const { access_token } = await sandboxTokens(baseUrl, { email: sam.email });
      const browserSessions = async () => (await app.db.selectFrom('oauth_models').select('id_hash').where('model', '=', 'Session').execute()).length;
      assert.ok(await browserSessions() > 0, 'the authorization left a browser session of the authorization server');
      const confirm = await browser.request(`${settings}/sign-out-everywhere`);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /Applications you already authorized keep their access/);
      const done = await browser.request(`${settings}/sign-out-everywhere`, { form: { _csrf: csrfToken(confirm.body) } });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/login');
      assert.match((await browser.request('/login')).body, /You were signed out everywhere\./);
      assert.equal((await browser.request('/account')).status, 303);
      assert.equal((await other.request('/account')).status, 303);
      assert.equal(await browserSessions(), 0);
      const api = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
      assert.equal(api.status, 200);
    });

    it('refuses every form without its CSRF token', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      for (const path of ['profile', 'email', 'preferences', 'password', 'sign-out-everywhere']) {
        const refused = await browser.request(`${settings}/${path}`, { form: { first_name: 'X', last_name: 'Y', email: 'x@example.com', time_zone: 'UTC', current_password: sandbox.password, new_password: 'another password 1' } });
        assert.equal(refused.status, 403, path);
      }
      assert.equal((await browser.request('/account')).status, 200);
      assert.equal((await mailsTo(app, 'x@example.com')).length, 0);
    });
  });

  describe(`/accounts/new [${engine}]`, () => {
    it('makes the person the Admin of a new account in their zone', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      await submitForm(browser, settings, `${settings}/preferences`, { notifications: 'on', tone: 'door_open', time_zone: 'Europe/Berlin', share_pin: 'on' });
      const page = await browser.request('/accounts/new');
      assert.equal(page.status, 200);
      assert.match(page.body, /id="account-zone"[^>]*value="Europe\/Berlin"/);
      const created = await browser.request('/accounts/new', { form: { _csrf: csrfToken(page.body), name: 'Sam Street 1', time_zone: 'Europe/Berlin' } });
      assert.equal(created.status, 303);
      const match = /^\/accounts\/([0-9a-f-]+)\/settings$/.exec(created.location ?? '');
      assert.ok(match, created.location);
      const account = (await personAccounts(app.db, sam.id)).find((row) => row.accountId === match[1]);
      assert.deepEqual(account && { name: account.name, role: account.role, timeZone: account.timeZone }, { name: 'Sam Street 1', role: 'admin', timeZone: 'Europe/Berlin' });
    });

    it('sends back an empty name and an unknown zone', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sam.email);
      await submitForm(browser, '/accounts/new', '/accounts/new', { name: '  ', time_zone: 'UTC' });
      assert.match((await browser.request('/accounts/new')).body, /Enter a name for the account\./);
      await submitForm(browser, '/accounts/new', '/accounts/new', { name: 'Home', time_zone: 'Mars/Olympus' });
      const refused = await browser.request('/accounts/new');
      assert.match(refused.body, /Unknown time zone: Mars\/Olympus\./);
      assert.match(refused.body, /id="account-zone"[^>]*aria-invalid="true"/);
    });
  });
}
