import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeAccountTimeZone } from '../../src/access/accounts.ts';
import { visibleDoors } from '../../src/access/door-policy.ts';
import { sandboxAccounts, sandboxDoors } from '../../src/sandbox/seed.ts';
import { mailboxMailer } from '../../src/mail/mailbox.ts';
import { safeNextPath } from '../../src/web/next-path.ts';
import { Browser, csrfToken, formAction } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { callInvite, firstPartyToken, linkFromMailbox } from '../helpers/first-party.ts';
import { sandbox } from '../helpers/oauth.ts';

async function signIn(browser: Browser, email: string, path = '/login') {
  const page = await browser.request(path);
  return browser.request(formAction(page.body), { form: { _csrf: csrfToken(page.body), email, password: sandbox.password } });
}

/** Alex invites Nora (who has a login) to the garage; returns the link from the mailbox. */
async function inviteNora(baseUrl: string): Promise<string> {
  const invited = await callInvite(baseUrl, await firstPartyToken(baseUrl), 'POST', { email_address: sandbox.people.nora.email, door_ids: [sandboxDoors.garage.id] });
  assert.equal(invited.status, 200);
  return linkFromMailbox(baseUrl, sandbox.people.nora.email);
}

const alert = (body: string) => /role="alert">([^<]+)</.exec(body)?.[1];

for (const engine of engines()) {
  describe(`GET /invitations/:token [${engine}]`, () => {
    it('tells someone signed in as another person to sign out, and refuses their acceptance with 403', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const link = await inviteNora(baseUrl);
      const browser = new Browser(baseUrl);
      assert.equal((await signIn(browser, sandbox.people.sam.email)).status, 303);
      const page = await browser.request(link);
      assert.equal(page.status, 200);
      assert.equal(alert(page.body), `You are signed in as ${sandbox.people.sam.email}, but this invitation is for ${sandbox.people.nora.email}. Sign out, then open this link again and sign in as ${sandbox.people.nora.email}.`);
      assert.equal(formAction(page.body), '/logout');
      assert.doesNotMatch(page.body, /\/accept"/);
      const forced = await browser.request(`${new URL(link).pathname}/accept`, { form: { _csrf: csrfToken(page.body) } });
      assert.equal(forced.status, 403);
      assert.match(forced.body, /This invitation was sent to nora\.neighbor@sandbox\.parqex\.test/);
      for (const personId of [sandbox.people.sam.id, sandbox.people.nora.id]) {
        assert.ok(!(await visibleDoors(app.db, { personId }, new Date())).some((door) => door.id === sandboxDoors.garage.id));
      }
    });

    it('sends the invited person with a login through sign-in and back to accept; the door is theirs at once', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const link = await inviteNora(baseUrl);
      const browser = new Browser(baseUrl);
      const page = await browser.request(link);
      assert.match(page.body, /Sign in as nora\.neighbor@sandbox\.parqex\.test to accept/);
      const token = new URL(link).pathname.split('/').pop()!;
      const loginPath = `/login?next=${encodeURIComponent(`/invitations/${token}`)}`;
      assert.match(page.body, /<form method="get" action="\/login">/);
      const signedIn = await signIn(browser, sandbox.people.nora.email, loginPath);
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.location, `/invitations/${token}`);
      const accept = await browser.request(signedIn.location!);
      assert.match(accept.body, /You are signed in as nora\.neighbor@sandbox\.parqex\.test/);
      const accepted = await browser.request(formAction(accept.body), { form: { _csrf: csrfToken(accept.body) } });
      assert.equal(accepted.status, 303);
      assert.equal(accepted.location, '/account');
      const garage = (await visibleDoors(app.db, { personId: sandbox.people.nora.id }, new Date())).find((door) => door.id === sandboxDoors.garage.id);
      assert.equal(garage?.relationship, 'Has Access');
      assert.equal((await browser.request(link)).status, 404, 'used once');
    });

    it('gives the window in the zone of the doors\' account, named, in the mail and on the page', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await changeAccountTimeZone(app.db, sandbox.people.alex.id, sandboxAccounts.residence.id, 'Europe/Berlin');
      const invited = await callInvite(baseUrl, await firstPartyToken(baseUrl), 'POST', {
        email_address: 'guest@example.com', door_ids: [sandboxDoors.lobby.id], starts_at: '2030-01-01T08:00:00Z', ends_at: '2030-01-02 08:00:00',
        weekly_hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '22:00' }, { days: ['sat'], start: '23:00', end: '01:00' }],
      });
      assert.equal(invited.status, 200);
      const window = ['from 2030-01-01 09:00 Europe/Berlin', 'until 2030-01-02 09:00 Europe/Berlin', 'every day 06:00–22:00 Europe/Berlin time', 'sat 23:00–01:00 Europe/Berlin time'];
      const mail = await app.db.selectFrom('mail').select('body').where('to_address', '=', 'guest@example.com').executeTakeFirstOrThrow();
      assert.ok(mail.body.includes(`When:\n${window.map((line) => `  - ${line}`).join('\n')}\n`), mail.body);
      assert.doesNotMatch(mail.body, /your time zone/);
      const page = await (await fetch(await linkFromMailbox(baseUrl, 'guest@example.com'))).text();
      assert.ok(page.includes(`<ul class="muted">${window.map((line) => `<li>${line}</li>`).join('')}</ul>`), page);
    });

    it('answers an expired invitation with 404 and the reason', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const link = await inviteNora(baseUrl);
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 8 * 86400_000 });
      const expired = await fetch(link);
      t.mock.timers.reset();
      assert.equal(expired.status, 404);
      assert.match(await expired.text(), /This invitation link is no longer valid\./);
      assert.equal((await fetch(link)).status, 200, 'a week earlier it still works');
      assert.equal((await fetch(`${baseUrl}/invitations/not-a-real-token`)).status, 404);
    });

    it('re-shows the sign-up form with the reason for a short password, and creates nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await callInvite(baseUrl, await firstPartyToken(baseUrl), 'POST', { email_address: 'short@example.com', door_ids: [sandboxDoors.lobby.id] });
      const link = await linkFromMailbox(baseUrl, 'short@example.com');
      const browser = new Browser(baseUrl);
      const page = await browser.request(link);
      const refused = await browser.request(formAction(page.body), { form: { _csrf: csrfToken(page.body), first_name: 'Short', last_name: 'Password', password: 'tooshort' } });
      assert.equal(refused.status, 400);
      assert.equal(alert(refused.body), 'The password must be at least 10 characters.');
      assert.match(refused.body, /value="Short"/);
      assert.equal((await app.db.selectFrom('people').select('id').where('email', '=', 'short@example.com').execute()).length, 0);
      const withoutCsrf = await browser.request(formAction(page.body), { form: { first_name: 'No', last_name: 'Csrf', password: 'long enough password' } });
      assert.equal(withoutCsrf.status, 403);
    });
  });

  describe(`GET /dev/mailbox [${engine}]`, () => {
    it('lists sent mail newest first in the site layout, escaped, with clickable links', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await mailboxMailer(app.db).send({ to: 'x@example.com', subject: '<b>bold</b>', text: 'See https://example.com/a?b=1&c=2 <script>' });
      const alex = await firstPartyToken(baseUrl);
      await callInvite(baseUrl, alex, 'POST', { email_address: 'first@example.com', door_ids: [sandboxDoors.lobby.id] });
      await callInvite(baseUrl, alex, 'POST', { email_address: 'second@example.com', door_ids: [sandboxDoors.lobby.id] });
      const page = await (await fetch(`${baseUrl}/dev/mailbox`)).text();
      assert.ok(page.indexOf('second@example.com') < page.indexOf('first@example.com'));
      assert.match(page, /Sandbox: test data/);
      assert.match(page, /&#60;b&#62;bold&#60;\/b&#62;/);
      assert.match(page, /<a href="https:\/\/example\.com\/a\?b=1&#38;c=2">/);
      assert.doesNotMatch(page, /<script>/);
    });
  });
}

describe('the development mailbox in production', () => {
  it('does not exist (404), and the server warns that mail cannot be sent without SMTP_URL', async (t) => {
    const { app, logs } = await startServer(t, 'sqlite', { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://parqex.example' });
    const response = await fetch(`http://127.0.0.1:${app.config.port}/dev/mailbox`);
    assert.equal(response.status, 404);
    assert.match(logs(), /SMTP_URL is not set: invitation emails cannot be sent/);
  });
});

describe('the next path after sign-in', () => {
  it('keeps only paths on this site', () => {
    assert.equal(safeNextPath('/invitations/abc_DEF-123'), '/invitations/abc_DEF-123');
    assert.equal(safeNextPath('/account?tab=doors'), '/account?tab=doors');
    assert.equal(safeNextPath('/%5Cevil.example'), '/%5Cevil.example', 'an encoded backslash stays a path here');
    for (const unsafe of ['//evil.example/x', '/\\evil.example', '/\\/evil.example', 'https://evil.example/', 'evil', '', '/\tx', '/\nx', '/'.padEnd(600, 'a'), ['/account'], undefined]) {
      assert.equal(safeNextPath(unsafe), undefined, `refused: ${JSON.stringify(unsafe)}`);
    }
  });

  it('sends a signed-in person to a safe next path only', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const browser = new Browser(baseUrl);
    await signIn(browser, sandbox.people.sam.email);
    assert.equal((await browser.request('/login?next=%2Faccount%3Fx%3D1')).location, '/account?x=1');
    for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example']) {
      assert.equal((await browser.request(`/login?next=${encodeURIComponent(next)}`)).location, '/account', next);
    }
  });
});
