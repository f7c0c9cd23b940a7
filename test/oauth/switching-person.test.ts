// Issue 9, item 9: the authorization server's browser session follows the
// web sign-in, so changing person at the authorization step works in one step.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken, formAction } from '../helpers/browser.ts';
import { authorize, authorizationQuery, postToken, sandbox } from '../helpers/oauth.ts';

const signedInAs = (page: string) => /Signed in as <strong>([^<]+)<\/strong>/.exec(page)?.[1];

async function exchange(baseUrl: string, redirect: URL) {
  const client = sandbox.client(baseUrl).web;
  const code = redirect.searchParams.get('code');
  assert.ok(code, `no code in ${redirect}`);
  const token = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return token.body;
}

async function accountName(browser: Browser) {
  const page = await browser.request('/account');
  return /<span class="who">([^<]+)<\/span>/.exec(page.body)?.[1];
}

for (const engine of engines()) {
  describe(`switching person at the authorization step [${engine}]`, () => {
    it('signs in as another person with prompt=login in one step: consent, code and account page all name the new person', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await authorize(baseUrl, { query: authorizationQuery(baseUrl), email: sandbox.people.nora.email, browser });

      const loginPage = await browser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl, { prompt: 'login' })}`);
      assert.match(loginPage.url, /\/login\//);
      const login = await browser.request(formAction(loginPage.body), {
        form: { _csrf: csrfToken(loginPage.body), email: sandbox.people.alex.email, password: sandbox.password },
      });
      assert.equal(login.status, 303);
      const consent = await browser.follow(login.location!);
      assert.equal(consent.status, 200, consent.body.slice(0, 300));
      assert.match(consent.url, /\/consent\//);
      assert.equal(signedInAs(consent.body), 'Alex Admin');

      // The next authorization, without prompt=login, goes on as Alex too.
      const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
      assert.equal((await exchange(baseUrl, redirect)).user_id, sandbox.people.alex.id);
      assert.equal(await accountName(browser), 'Alex Admin');
    });

    it('follows a sign-in on the web pages: the next authorization is for the person signed in there', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await authorize(baseUrl, { query: authorizationQuery(baseUrl), email: sandbox.people.nora.email, browser });
      const account = await browser.request('/account');
      await browser.request('/logout', { form: { _csrf: csrfToken(account.body) } });
      const loginPage = await browser.request('/login');
      await browser.request('/login', { form: { _csrf: csrfToken(loginPage.body), email: sandbox.people.alex.email, password: sandbox.password } });

      const consent = await browser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`);
      assert.match(consent.url, /\/consent\//);
      assert.equal(signedInAs(consent.body), 'Alex Admin');
      const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
      assert.equal((await exchange(baseUrl, redirect)).user_id, sandbox.people.alex.id);
    });

    it('never shows consent for the previous person once the web session names another', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await authorize(baseUrl, { query: authorizationQuery(baseUrl), email: sandbox.people.nora.email, browser });
      // A second sign-in on the web pages without signing out first (any form's CSRF token will do).
      const account = await browser.request('/account');
      const signIn = await browser.request('/login', { form: { _csrf: csrfToken(account.body), email: sandbox.people.alex.email, password: sandbox.password } });
      assert.equal(signIn.status, 303);
      assert.equal(await accountName(browser), 'Alex Admin');

      const consent = await browser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`);
      assert.match(consent.url, /\/consent\//);
      assert.equal(signedInAs(consent.body), 'Alex Admin');
    });

    it('asks who it is when the web sign-in has ended but the provider still remembers the previous person', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = new Browser(baseUrl);
      await authorize(baseUrl, { query: authorizationQuery(baseUrl), email: sandbox.people.nora.email, browser });
      // The web session cookie expires (or is cleared) while the provider's lives on.
      await browser.jar.setCookie('parqex_web_session=; Max-Age=0; Path=/', baseUrl);

      const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), email: sandbox.people.alex.email, browser });
      assert.equal((await exchange(baseUrl, redirect)).user_id, sandbox.people.alex.id);
      assert.equal(await accountName(browser), 'Alex Admin');
    });
  });
}
