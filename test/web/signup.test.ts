import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { lastMailTo, linkIn, mailsTo, submitForm, withoutToken } from '../helpers/identity.ts';

for (const engine of engines()) {
  describe(`/signup [${engine}]`, () => {
    it('mails a link whose page creates the login, signs in and goes to ?next=', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      const sent = await submitForm(browser, '/signup?next=/developers', '/signup?next=%2Fdevelopers', { email: 'New.Dev@Example.com' });
      assert.equal(sent.status, 303);
      assert.equal(sent.location, '/signup/sent');
      const told = await browser.request('/signup/sent');
      assert.match(told.body, /We sent an email to new\.dev@example\.com\./);

      const mail = await lastMailTo(app, 'new.dev@example.com');
      assert.equal(mail.subject, 'Create your ParqEx login');
      const link = linkIn(mail, '/signup');
      const form = await browser.request(link);
      assert.equal(form.status, 200);
      assert.match(form.body, /value="new\.dev@example\.com"/);
      const created = await browser.request(link, { form: { _csrf: csrfToken(form.body), first_name: 'Dana', last_name: 'Dev', password: 'a long enough password' } });
      assert.equal(created.status, 303);
      assert.equal(created.location, '/developers');
      const account = await browser.request('/account');
      assert.equal(account.status, 200);
      assert.match(account.body, /Dana Dev/);
    });

    it('answers the same for an address that has a login, and mails it "you already have a login"', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const known = sandboxPeople.sam.email;
      const answers: string[] = [];
      for (const email of [known, 'nobody.yet@example.com']) {
        const browser = new Browser(baseUrl);
        const sent = await submitForm(browser, '/signup', '/signup', { email });
        assert.equal(sent.status, 303);
        assert.equal(sent.location, '/signup/sent');
        answers.push(withoutToken((await browser.request('/signup/sent')).body).replace(email, 'EMAIL'));
      }
      assert.equal(answers[0], answers[1]);
      const mail = await lastMailTo(app, known);
      assert.equal(mail.subject, 'You already have a ParqEx login');
      assert.doesNotMatch(mail.text, /\/signup\//);
      assert.match(mail.text, /\/password-reset/);
    });

    it('refuses a used link and an expired one with a page saying so', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_CLOCK: 'manual' });
      const browser = new Browser(baseUrl);
      await submitForm(browser, '/signup', '/signup', { email: 'once@example.com' });
      const link = linkIn(await lastMailTo(app, 'once@example.com'), '/signup');
      const form = await browser.request(link);
      await browser.request(link, { form: { _csrf: csrfToken(form.body), first_name: 'Once', last_name: 'Only', password: 'a long enough password' } });
      const again = await new Browser(baseUrl).request(link);
      assert.equal(again.status, 410);
      assert.match(again.body, /This link was already used\./);

      await submitForm(new Browser(baseUrl), '/signup', '/signup', { email: 'late@example.com' });
      const late = linkIn(await lastMailTo(app, 'late@example.com'), '/signup');
      assert.equal((await new Browser(baseUrl).request(late)).status, 200);
      await fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: '25h' }) });
      const expired = await new Browser(baseUrl).request(late);
      assert.equal(expired.status, 410);
      assert.match(expired.body, /This link has expired\./);
    });

    it('sends back a short password with the names kept and the field marked, and the link still works', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await submitForm(browser, '/signup', '/signup', { email: 'short@example.com' });
      const link = linkIn(await lastMailTo(app, 'short@example.com'), '/signup');
      const form = await browser.request(link);
      const refused = await browser.request(link, { form: { _csrf: csrfToken(form.body), first_name: 'Shorty', last_name: 'Pass', password: 'short' } });
      assert.equal(refused.status, 303);
      assert.equal(refused.location, link);
      const back = await browser.request(link);
      assert.match(back.body, /<p class="error" role="alert" id="flash">The password must be at least 10 characters\.<\/p>/);
      assert.match(back.body, /value="Shorty"/);
      assert.match(back.body, /id="password" name="password"[^>]*aria-invalid="true" aria-describedby="flash"/);
      const reload = await browser.request(link);
      assert.doesNotMatch(reload.body, /id="flash"/);
    });

    it('refuses a post without its CSRF token', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await browser.request('/signup');
      const refused = await browser.request('/signup', { form: { email: 'csrf@example.com' } });
      assert.equal(refused.status, 403);
      const wrong = await browser.request('/signup', { form: { _csrf: 'forged', email: 'csrf@example.com' } });
      assert.equal(wrong.status, 403);
      assert.equal((await mailsTo(app, 'csrf@example.com')).length, 0);
    });

    it('mails one address at most 5 times an hour', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      for (let i = 0; i < 5; i += 1) assert.equal((await submitForm(browser, '/signup', '/signup', { email: 'often@example.com' })).location, '/signup/sent');
      const sixth = await submitForm(browser, '/signup', '/signup', { email: 'often@example.com' });
      assert.equal(sixth.status, 303);
      assert.equal(sixth.location, '/signup');
      assert.match((await browser.request('/signup')).body, /Too many emails were asked for\. Try again in 60 minutes\./);
      assert.equal((await mailsTo(app, 'often@example.com')).length, 5);
    });

    it('keeps the link out of the request log', async (t) => {
      const { baseUrl, app, logs } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await submitForm(browser, '/signup', '/signup', { email: 'logged@example.com' });
      const link = linkIn(await lastMailTo(app, 'logged@example.com'), '/signup');
      await browser.request(link);
      assert.ok(!logs().includes(link.split('/').pop()!));
      assert.match(logs(), /"url":"\/signup\/\[redacted\]"/);
    });
  });
}

describe('request logs', () => {
  it('redact the token of every mailed link, encoded or not', async () => {
    const { redactUrl } = await import('../../src/logging.ts');
    assert.equal(redactUrl('/signup/abc_DEF-1'), '/signup/[redacted]');
    assert.equal(redactUrl('/password-reset/abc?x=1'), '/password-reset/[redacted]?x=[redacted]');
    assert.equal(redactUrl('/account/email/abc'), '/account/email/[redacted]');
    assert.equal(redactUrl('/login?next=%2Fsignup%2Fabc'), '/login?next=[redacted]');
    assert.equal(redactUrl('/account/settings'), '/account/settings');
  });
});
