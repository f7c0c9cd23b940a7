import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { lastMailTo, linkIn, mailsTo, submitForm, withoutToken } from '../helpers/identity.ts';
import { sandbox } from '../helpers/oauth.ts';

const sam = sandboxPeople.sam;

async function signIn(baseUrl: string, email: string, password: string) {
  const browser = new Browser(baseUrl);
  return submitForm(browser, '/login', '/login', { email, password });
}

for (const engine of engines()) {
  describe(`password reset [${engine}]`, () => {
    it('links "Forgot your password?" from the sign-in page', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const page = await new Browser(baseUrl).request('/login');
      assert.match(page.body, /<a href="\/password-reset">Forgot your password\?<\/a>/);
      assert.match(page.body, /<a href="\/signup">Create a login<\/a>/);
    });

    it('mails a link that sets a new password, signs in, and ends every other session', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const elsewhere = await signedInBrowser(baseUrl, sam.email);
      assert.equal((await elsewhere.request('/account')).status, 200);

      const browser = new Browser(baseUrl);
      const sent = await submitForm(browser, '/password-reset', '/password-reset', { email: sam.email.toUpperCase() });
      assert.equal(sent.location, '/password-reset/sent');
      const mail = await lastMailTo(app, sam.email);
      assert.equal(mail.subject, 'Reset your ParqEx password');
      const link = linkIn(mail, '/password-reset');
      const form = await browser.request(link);
      assert.equal(form.status, 200);
      const done = await browser.request(link, { form: { _csrf: csrfToken(form.body), password: 'my new password 42' } });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/account');
      assert.equal((await browser.request('/account')).status, 200);

      assert.equal((await elsewhere.request('/account')).status, 303, 'the other browser is signed out');
      assert.equal((await signIn(baseUrl, sam.email, sandbox.password)).status, 401);
      assert.equal((await signIn(baseUrl, sam.email, 'my new password 42')).status, 303);
      const reused = await new Browser(baseUrl).request(link);
      assert.equal(reused.status, 410);
      assert.match(reused.body, /This link was already used\./);
    });

    it('gives the same answer for an unknown address, and mails it no link', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const answers: string[] = [];
      for (const email of [sam.email, 'nobody@example.com']) {
        const browser = new Browser(baseUrl);
        const sent = await submitForm(browser, '/password-reset', '/password-reset', { email });
        assert.equal(sent.status, 303);
        assert.equal(sent.location, '/password-reset/sent');
        answers.push(withoutToken((await browser.request('/password-reset/sent')).body).replace(email, 'EMAIL'));
      }
      assert.equal(answers[0], answers[1]);
      const [told] = await mailsTo(app, 'nobody@example.com');
      assert.match(told!.text, /no ParqEx login uses this address/);
      assert.doesNotMatch(told!.text, /\/password-reset\//);
    });

    it('refuses a link after its hour', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_CLOCK: 'manual' });
      await submitForm(new Browser(baseUrl), '/password-reset', '/password-reset', { email: sam.email });
      const link = linkIn(await lastMailTo(app, sam.email), '/password-reset');
      await fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: '61m' }) });
      const expired = await new Browser(baseUrl).request(link);
      assert.equal(expired.status, 410);
      assert.match(expired.body, /This link has expired\./);
    });

    it('refuses a post without its CSRF token', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await browser.request('/password-reset');
      assert.equal((await browser.request('/password-reset', { form: { email: sam.email } })).status, 403);
      assert.equal((await mailsTo(app, sam.email)).length, 0);
    });

    it('limits the mails per address and per client address', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      for (let i = 0; i < 5; i += 1) await submitForm(browser, '/password-reset', '/password-reset', { email: sam.email });
      const sixth = await submitForm(browser, '/password-reset', '/password-reset', { email: sam.email });
      assert.equal(sixth.location, '/password-reset');
      assert.match((await browser.request('/password-reset')).body, /Too many emails were asked for/);
      assert.equal((await mailsTo(app, sam.email)).length, 5);
      // 20 a client address an hour, whatever the addresses: 6 counted above.
      for (let i = 0; i < 14; i += 1) assert.equal((await submitForm(browser, '/password-reset', '/password-reset', { email: `person${i}@example.com` })).location, '/password-reset/sent');
      assert.equal((await submitForm(browser, '/password-reset', '/password-reset', { email: 'one.more@example.com' })).location, '/password-reset');
    });
  });
}
