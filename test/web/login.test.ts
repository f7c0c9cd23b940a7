import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { sandbox } from '../helpers/oauth.ts';

async function attempt(browser: Browser, email: string, password: string) {
  const page = await browser.request('/login');
  return browser.request('/login', { form: { _csrf: csrfToken(page.body), email, password } });
}

for (const engine of engines()) {
  describe(`POST /login [${engine}]`, () => {
    it('signs a person in with the right password and shows their account', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      const ok = await attempt(browser, sandbox.people.sam.email.toUpperCase(), sandbox.password);
      assert.equal(ok.status, 303);
      assert.equal(ok.location, '/account');
      const account = await browser.request('/account');
      assert.match(account.body, /Sam User/);
      assert.match(account.body, /<h2 id="account-[^"]+">Sandbox Residence<\/h2>/);
    });

    it('answers a wrong password with 401 and the same message as an unknown email', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const wrong = await attempt(new Browser(baseUrl), sandbox.people.sam.email, 'not-the-password');
      const unknown = await attempt(new Browser(baseUrl), 'nobody@example.com', 'not-the-password');
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      const message = (body: string) => /role="alert">([^<]+)</.exec(body)?.[1];
      assert.equal(message(wrong.body), message(unknown.body));
      assert.doesNotMatch(wrong.body, /not-the-password/);
    });

    it('throttles ten wrong passwords: the account is then locked even for the right password', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await attempt(new Browser(baseUrl), sandbox.people.alex.email, `guess-${i}`)).status);
      assert.deepEqual(statuses.slice(0, 4), [401, 401, 401, 401]);
      assert.ok(statuses.slice(5).every((status) => status === 429), `statuses: ${statuses.join(',')}`);
      const right = await attempt(new Browser(baseUrl), sandbox.people.alex.email, sandbox.password);
      assert.equal(right.status, 429);
      assert.ok(Number(right.headers.get('retry-after')) > 0);
      assert.match(right.body, /Too many failed sign-in attempts/);
      // Another person is not locked out by Alex's attacker.
      const other = await attempt(new Browser(baseUrl), sandbox.people.sam.email, sandbox.password);
      assert.equal(other.status, 303);
    });

    it('checks at most five of forty passwords sent at once for one account (the right one at position 30)', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      const csrf = csrfToken((await browser.request('/login')).body);
      const passwords = Array.from({ length: 40 }, (_, i) => (i === 29 ? sandbox.password : `guess-${i}`));
      const answers = await Promise.all(passwords.map((password) => browser.request('/login', { form: { _csrf: csrf, email: sandbox.people.alex.email, password } })));
      const checked = answers.filter((answer) => answer.status === 401).length;
      const signedIn = answers.filter((answer) => answer.status === 303).length;
      const locked = answers.filter((answer) => answer.status === 429);
      assert.equal(checked + signedIn + locked.length, 40, `statuses: ${answers.map((answer) => answer.status).join(',')}`);
      // A success clears the account's count, so only a right password checked among the first five lets five more through.
      assert.ok(checked + signedIn <= (signedIn ? 10 : 5), `checked ${checked}, signed in ${signedIn}`);
      assert.ok(locked.every((answer) => Number(answer.headers.get('retry-after')) > 0 && /Too many failed sign-in attempts/.test(answer.body)));
    });

    it('checks at most the per-address limit of passwords sent at once across many accounts', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_LOGIN_MAX_FAILURES_PER_ADDRESS: '6' });
      const browser = new Browser(baseUrl);
      const csrf = csrfToken((await browser.request('/login')).body);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => browser.request('/login', { form: { _csrf: csrf, email: `person${i}@example.com`, password: 'guess' } })));
      assert.equal(answers.filter((answer) => answer.status === 401).length, 6);
      assert.equal(answers.filter((answer) => answer.status === 429).length, 24);
    });

    it('does not count successful sign-ins against the address', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
      for (let i = 0; i < 5; i += 1) assert.equal((await attempt(new Browser(baseUrl), sandbox.people.sam.email, sandbox.password)).status, 303, `sign-in ${i + 1}`);
    });

    it('throttles one address that guesses across many accounts', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_LOGIN_MAX_FAILURES_PER_ADDRESS: '6' });
      for (let i = 0; i < 6; i += 1) await attempt(new Browser(baseUrl), `person${i}@example.com`, 'guess');
      const next = await attempt(new Browser(baseUrl), sandbox.people.nora.email, sandbox.password);
      assert.equal(next.status, 429);
    });

    it('lets the lock expire after the lockout period', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_LOGIN_MAX_FAILURES: '2' });
      await attempt(new Browser(baseUrl), sandbox.people.nora.email, 'a');
      await attempt(new Browser(baseUrl), sandbox.people.nora.email, 'b');
      assert.equal((await attempt(new Browser(baseUrl), sandbox.people.nora.email, sandbox.password)).status, 429);
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 901_000 });
      const later = await attempt(new Browser(baseUrl), sandbox.people.nora.email, sandbox.password);
      t.mock.timers.reset();
      assert.equal(later.status, 303);
    });
  });
}
