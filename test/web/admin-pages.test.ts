// The Admin's pages (People, Controllers, Account) through the real server:
// who may see them, CSRF, and POST-redirect-GET for every form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';

const { alex, sam, gia, nora } = sandboxPeople;
const residence = sandboxAccounts.residence.id;
const pages = ['people', 'controllers', 'settings'].map((section) => `/accounts/${residence}/${section}`);

/** Posts a form of a page with that page's CSRF token, then follows the redirect as a browser would. */
async function submit(browser: Browser, pagePath: string, action: string, form: Record<string, string | string[]>) {
  const page = await browser.request(pagePath);
  assert.equal(page.status, 200, page.body.slice(0, 300));
  const posted = await browser.request(action, { form: { _csrf: csrfToken(page.body), ...form } });
  assert.equal(posted.status, 303, posted.body.slice(0, 300));
  const landed = await browser.request(posted.location!);
  return { posted, landed };
}

for (const engine of engines()) {
  describe(`Admin pages [${engine}]`, () => {
    it('answer Sam 403 and Nora 404, send the signed-out to sign in, and show Alex his account', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      const noraBrowser = await signedInBrowser(baseUrl, nora.email);
      const alexBrowser = await signedInBrowser(baseUrl, alex.email);
      for (const path of pages) {
        assert.equal((await samBrowser.request(path)).status, 403, path);
        assert.equal((await noraBrowser.request(path)).status, 404, path);
        const signedOut = await new Browser(baseUrl).request(path);
        assert.equal(signedOut.status, 303);
        assert.equal(signedOut.location, `/login?next=${encodeURIComponent(path)}`);
        const page = await alexBrowser.request(path);
        assert.equal(page.status, 200, path);
        assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      }
      assert.equal((await alexBrowser.request('/accounts/not-an-id/people')).status, 404);
      const accounts = await alexBrowser.request('/accounts');
      assert.match(accounts.body, new RegExp(`href="/accounts/${residence}/people"`));
      const samAccounts = await samBrowser.request('/accounts');
      assert.match(samAccounts.body, /Your permissions: none/);
      // Sam's POSTs are refused too, before anything changes.
      const samPage = await samBrowser.request('/account');
      const refused = await samBrowser.request(`/accounts/${residence}/people/members/${gia.id}/remove`, { form: { _csrf: csrfToken(samPage.body) } });
      assert.equal(refused.status, 403);
    });

    it('lists members with their permissions, changes them with a redirect, and refuses a form without its CSRF token', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, alex.email);
      const page = await browser.request(pages[0]!);
      assert.match(page.body, /Gia Guard/);
      assert.match(page.body, new RegExp(`action="/accounts/${residence}/people/members/${compactId(gia.id)}/permissions"[\\s\\S]*?value="guests" checked[\\s\\S]*?value="enforcement" checked`));
      const action = `/accounts/${residence}/people/members/${compactId(sam.id)}/permissions`;
      const noToken = await browser.request(action, { form: { permissions: 'share' } });
      assert.equal(noToken.status, 403);
      const wrongToken = await browser.request(action, { form: { _csrf: 'nope', permissions: 'share' } });
      assert.equal(wrongToken.status, 403);

      const { posted, landed } = await submit(browser, pages[0]!, action, { permissions: ['share', 'guests'] });
      assert.equal(posted.location, pages[0]);
      assert.match(landed.body, /role="status" id="flash">Permissions of Sam [^<]+ saved\./);
      const member = await app.db.selectFrom('account_members').select(['can_share', 'can_issue_guests', 'can_enforce']).where('person_id', '=', sam.id).executeTakeFirstOrThrow();
      assert.deepEqual({ ...member }, { can_share: 1, can_issue_guests: 1, can_enforce: 0 });
      assert.doesNotMatch((await browser.request(pages[0]!)).body, /id="flash"/, 'a reload says nothing again');
    });

    it('removes a member only through the confirmation page', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, alex.email);
      const confirmPath = `/accounts/${residence}/people/members/${compactId(gia.id)}/remove`;
      const confirm = await browser.request(confirmPath);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /<h1>Remove Gia Guard from the account\?<\/h1>/);
      assert.equal((await app.db.selectFrom('account_members').select('person_id').where('person_id', '=', gia.id).execute()).length, 1, 'the GET changed nothing');
      const done = await browser.request(confirmPath, { form: { _csrf: csrfToken(confirm.body) } });
      assert.equal(done.status, 303);
      assert.equal((await app.db.selectFrom('account_members').select('person_id').where('person_id', '=', gia.id).execute()).length, 0);
      const after = await browser.request(done.location!);
      assert.match(after.body, /Gia Guard was removed from the account\./);
      assert.equal((await browser.request(`/accounts/${residence}/people/members/${compactId(alex.id)}/remove`)).status, 404, 'the Admin is never offered for removal');
    });

    it('invites with hours in the account\'s zone, gives back a refused form, resends and cancels through a confirmation', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, alex.email);
      const invite = `/accounts/${residence}/people/invite`;
      const refused = await submit(browser, pages[0]!, invite, { email_address: 'not-an-address', door_ids: compactId(sandboxDoors.lobby.id), from: '09:00', until: '17:00' });
      assert.equal(refused.posted.location, `${pages[0]}#flash`);
      assert.match(refused.landed.body, /role="alert" id="flash"[^>]*>Invalid email_address/);
      assert.match(refused.landed.body, /name="email_address" type="email"[^>]*value="not-an-address" aria-invalid="true" aria-describedby="flash"/);
      assert.match(refused.landed.body, /id="invite-from" name="from" type="time" value="09:00"/);

      const sent = await submit(browser, pages[0]!, invite, { email_address: 'Friend@Example.com', door_ids: compactId(sandboxDoors.lobby.id), days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', until: '17:00' });
      assert.match(sent.landed.body, /Invitation sent to friend@example\.com\./);
      assert.match(sent.landed.body, /friend@example\.com<\/strong>: Lobby Door[\s\S]*?mon, tue, wed, thu, fri 09:00–17:00 America\/New_York time/);
      const stored = await app.db.selectFrom('invitations').select(['id', 'weekly_hours']).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(stored.weekly_hours!), [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }]);
      const mails = async () => (await app.db.selectFrom('mail').select('id').where('to_address', '=', 'friend@example.com').execute()).length;
      assert.equal(await mails(), 1);

      const base = `/accounts/${residence}/people/invitations/${compactId(stored.id)}`;
      const resent = await submit(browser, pages[0]!, `${base}/resend`, {});
      assert.match(resent.landed.body, /A new link was sent to friend@example\.com/);
      assert.equal(await mails(), 2);
      const confirm = await browser.request(`${base}/cancel`);
      assert.match(confirm.body, /<h1>Cancel the invitation to friend@example\.com\?<\/h1>/);
      const cancelled = await browser.request(`${base}/cancel`, { form: { _csrf: csrfToken(confirm.body) } });
      assert.equal(cancelled.status, 303);
      assert.equal((await app.db.selectFrom('invitations').select('id').execute()).length, 0);
    });

    it('changes someone\'s hours at a door in the account\'s zone, and removes their access through a confirmation', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const browser = await signedInBrowser(baseUrl, alex.email);
      const path = `/accounts/${residence}/people/access/${compactId(sandboxDoors.gate.id)}/${compactId(sam.id)}`;
      const page = await browser.request(pages[0]!);
      assert.match(page.body, new RegExp(`action="${path}"`));
      const changed = await submit(browser, pages[0]!, path, { days: ['sat', 'sun'], from: '08:00', until: '00:00' });
      assert.match(changed.landed.body, /Access hours saved\./);
      const row = await app.db.selectFrom('door_access').select('weekly_hours').where('door_id', '=', sandboxDoors.gate.id).where('person_id', '=', sam.id).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(row.weekly_hours!), [{ days: ['sat', 'sun'], start: '08:00', end: '24:00' }]);
      assert.equal((await app.db.selectFrom('outbox_events').select('id').where('type', '=', 'access_changed').execute()).length, 1);
      const refused = await submit(browser, pages[0]!, path, { from: '08:00' });
      assert.match(refused.landed.body, /Invalid hours: give both a start and an end time/);

      const confirm = await browser.request(`${path}/remove`);
      assert.match(confirm.body, /Remove Sam [^&]+&#39;s access to Driveway Gate\?/);
      const removed = await browser.request(`${path}/remove`, { form: { _csrf: csrfToken(confirm.body) } });
      assert.equal(removed.status, 303);
      assert.equal((await app.db.selectFrom('door_access').select('person_id').where('door_id', '=', sandboxDoors.gate.id).where('person_id', '=', sam.id).execute()).length, 0);
      // Nora's door cannot be reached through Alex's account.
      assert.equal((await browser.request(`/accounts/${residence}/people/access/${compactId(sandboxDoors.neighborGarage.id)}/${compactId(sam.id)}/remove`)).status, 404);
    });

    it('shows controllers, claims one with its code, and changes the open-alert time; the account page renames, sets the zone and the switch', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const controllers = await browser.request(pages[1]!);
      assert.match(controllers.body, /Controller a1b2c3d4e5f60001/);
      assert.match(controllers.body, /Offline/);
      const wrong = await submit(browser, pages[1]!, `${pages[1]}/claim`, { blackbox_code: sandboxDevices.spare.blackbox_code, claim_code: 'WRONG' });
      assert.match(wrong.landed.body, /role="alert" id="flash"[^>]*>That serial number and claim code do not match/);
      assert.doesNotMatch(wrong.landed.body, /WRONG/, 'the claim code is never given back');
      const claimed = await submit(browser, pages[1]!, `${pages[1]}/claim`, { blackbox_code: sandboxDevices.spare.blackbox_code, claim_code: sandboxDevices.spare.claimCode });
      assert.match(claimed.landed.body, /Controller a1b2c3d4e5f60004/);
      const alert = await submit(browser, pages[1]!, `${pages[1]}/${compactId(sandboxDevices.a.id)}/open-alert`, { open_alert_minutes: '15' });
      assert.match(alert.landed.body, /stays open 15 minutes/);
      const device = await app.db.selectFrom('devices').select('time_before_door_open_alert').where('id', '=', sandboxDevices.a.id).executeTakeFirstOrThrow();
      assert.equal(device.time_before_door_open_alert, 900);
      const badAlert = await submit(browser, pages[1]!, `${pages[1]}/${compactId(sandboxDevices.a.id)}/open-alert`, { open_alert_minutes: '0' });
      assert.match(badAlert.landed.body, /aria-invalid="true"/);
      assert.equal((await browser.request(`${pages[1]}/${compactId(sandboxDevices.neighbor.id)}/open-alert`, { form: { _csrf: csrfToken(badAlert.landed.body), open_alert_minutes: '5' } })).status, 404);

      const renamed = await submit(browser, pages[2]!, `${pages[2]}/name`, { name: '<script>alert(1)</script>' });
      assert.match(renamed.landed.body, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
      assert.doesNotMatch(renamed.landed.body, /<script>alert/);
      const zone = await submit(browser, pages[2]!, `${pages[2]}/time-zone`, { time_zone: 'Mars/Olympus' });
      assert.match(zone.landed.body, /value="Mars\/Olympus" aria-invalid="true"/);
      const off = await submit(browser, pages[2]!, `${pages[2]}/third-party`, { enabled: 'false' });
      assert.match(off.landed.body, /switched off/);
      const account = await app.db.selectFrom('accounts').select(['third_party_access', 'time_zone']).where('id', '=', residence).executeTakeFirstOrThrow();
      assert.deepEqual({ ...account }, { third_party_access: 0, time_zone: 'America/New_York' });
    });
  });
}
