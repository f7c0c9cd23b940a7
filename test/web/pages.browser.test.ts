// The login and consent pages in a real browser: Debian's Chromium driven by
// playwright-core, on a phone without JavaScript and on a desktop.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { startServer } from '../helpers/build-app.ts';
import { skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { authorizationQuery, sandbox } from '../helpers/oauth.ts';

const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const state = 'abc DEF+/=%20~état';

describe('the login and consent pages [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  /** A fresh browser context and server; the client's redirect URI answers "callback". */
  async function open(t: TestContext, options: BrowserContextOptions = {}) {
    const context = await browser().newContext(options);
    t.after(() => context.close());
    const { baseUrl } = await startServer(t, 'sqlite');
    const page = await context.newPage();
    await page.route(`${new URL(sandbox.redirectUri).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback' }));
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { baseUrl, page, dialogs };
  }

  /** Starts an authorization request; returns the response of the login page it lands on. */
  async function startAuthorization(page: Page, baseUrl: string) {
    const response = await page.goto(`${baseUrl}/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl, { state })}`);
    assert.ok(response);
    assert.match(new URL(page.url()).pathname, /^\/login\/[^/]+$/);
    assert.equal(response.status(), 200);
    return response;
  }

  async function signIn(page: Page, password = sandbox.password) {
    await page.getByLabel('Email address').fill(sandbox.people.alex.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function decide(page: Page, button: 'ALLOW' | 'DENY'): Promise<URL> {
    await page.waitForURL(/\/consent\//);
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(sandbox.redirectUri));
    assert.equal(await page.locator('body').innerText(), 'callback');
    return new URL(page.url());
  }

  it('lets a person on a phone without JavaScript sign in and ALLOW, ending at the redirect URI with a code, the state and the issuer', async (t) => {
    const { baseUrl, page, dialogs } = await open(t, { ...phone, javaScriptEnabled: false });
    await startAuthorization(page, baseUrl);
    await signIn(page);
    await page.waitForURL(/\/consent\//);

    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Allow Sandbox Smart Home to use your ParqEx account?');
    const scopes = await page.locator('ul.scopes li').allInnerTexts();
    for (const sentence of [/^Open your doors/, /^Close your doors/, /keypad PIN/]) {
      assert.ok(scopes.some((item) => sentence.test(item)), `no scope sentence matching ${sentence} in ${JSON.stringify(scopes)}`);
    }
    // Playwright evaluates in its own context, so this works with the page's scripts disabled.
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= 390, `the consent page is ${scrollWidth}px wide on a 390px screen`);
    await page.screenshot({ path: '/tmp/consent-phone.png', fullPage: true });

    const redirect = await decide(page, 'ALLOW');
    assert.equal(`${redirect.origin}${redirect.pathname}`, sandbox.redirectUri);
    assert.ok(redirect.searchParams.get('code'), `no code in ${redirect}`);
    assert.equal(redirect.searchParams.get('state'), state);
    assert.equal(redirect.searchParams.get('iss'), baseUrl);
    assert.deepEqual(dialogs, []);
  });

  it('sends the browser to the redirect URI with error=access_denied and the state after DENY', async (t) => {
    const { baseUrl, page } = await open(t);
    await startAuthorization(page, baseUrl);
    await signIn(page);

    const redirect = await decide(page, 'DENY');
    assert.equal(`${redirect.origin}${redirect.pathname}`, sandbox.redirectUri);
    assert.equal(redirect.searchParams.get('error'), 'access_denied');
    assert.equal(redirect.searchParams.get('state'), state);
    assert.equal(redirect.searchParams.get('code'), null);
  });

  it('shows a wrong password as an inline alert on the sign-in page with 401, without a dialog', async (t) => {
    const { baseUrl, page, dialogs } = await open(t);
    await startAuthorization(page, baseUrl);
    const loginUrl = page.url();

    const answer = page.waitForResponse((response) => response.request().method() === 'POST');
    await signIn(page, 'not-the-password');
    assert.equal((await answer).status(), 401);

    assert.equal(page.url(), loginUrl);
    assert.equal(await page.getByRole('alert').innerText(), 'The email address or password is not correct.');
    assert.equal(await page.getByLabel('Email address').inputValue(), sandbox.people.alex.email);
    assert.equal(await page.getByLabel('Password').inputValue(), '');
    assert.deepEqual(dialogs, []);
  });

  it('refuses to be framed: DENY and frame-ancestors none in the headers, and an iframe stays empty', async (t) => {
    const { baseUrl, page } = await open(t);
    const response = await startAuthorization(page, baseUrl);
    const headers = await response.allHeaders();
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.match(headers['content-security-policy'] ?? '', /(^|;)\s*frame-ancestors 'none'\s*(;|$)/);

    await page.setContent(`<iframe src="${page.url()}" width="390" height="600"></iframe>`);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    assert.ok(frame, 'the iframe has no frame');
    assert.ok(!frame.url().startsWith(baseUrl), `the iframe shows ${frame.url()}`);
    assert.equal(await frame.locator('form, input').count(), 0);
  });

  it('shows the sandbox banner on the login and consent pages', async (t) => {
    const { baseUrl, page } = await open(t, phone);
    await startAuthorization(page, baseUrl);
    const banner = page.locator('.sandbox-banner');
    assert.ok(await banner.isVisible(), 'no visible banner on the login page');
    assert.match(await banner.innerText(), /^Sandbox: test data/);

    await signIn(page);
    await page.waitForURL(/\/consent\//);
    assert.ok(await banner.isVisible(), 'no visible banner on the consent page');
    assert.match(await banner.innerText(), /^Sandbox: test data/);
  });
});
