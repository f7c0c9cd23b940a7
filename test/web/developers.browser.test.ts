// The developer console in a real browser (issue 11, acceptance 1 and 4):
// Debian's Chromium driven by playwright-core, at 390 px and 1280 px, every
// page checked with axe-core (no serious or critical violation) and
// photographed into .tmp/screenshots (not committed).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort, startServer } from '../helpers/build-app.ts';
import { checkPage } from '../helpers/accessibility.ts';
import { skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { createDeveloperPerson } from '../helpers/developers.ts';
import { basic, sandbox } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';

const viewports = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

/** axe-core on the page as it is, at both widths; a screenshot of each. */
async function checkBothWidths(page: Page, name: string) {
  for (const size of Object.values(viewports)) {
    await page.setViewportSize(size);
    await checkPage(page, `developers-${name}`, size.width);
  }
}

describe('the developer console [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  async function developerPage(t: TestContext, baseUrl: string, email: string) {
    // axe is injected by script: the pages' CSP (script-src 'none') would refuse it.
    const context = await browser().newContext({ viewport: viewports.desktop, bypassCSP: true });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${baseUrl}/developers`);
    await checkBothWidths(page, 'intro');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(sandbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/developers$/);
    return page;
  }

  async function createApplication(page: Page, redirectUri: string) {
    await page.getByRole('link', { name: 'Create an application' }).click();
    await checkBothWidths(page, 'new');
    await page.getByLabel('Application name').fill('Acme Garage Sync');
    await page.getByLabel('Company or product').fill('Acme Inc.');
    await page.getByLabel('Website').fill('https://acme.example');
    await page.getByLabel('Description').fill('Opens your garage when you arrive home.');
    await page.getByLabel('Redirect URIs').fill(redirectUri);
    await page.getByLabel(/^Development:/).check();
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.waitForURL(/\/developers\/applications\/\d{18}\./);
    const clientId = await page.locator('section.dev-reveal dd code').nth(0).innerText();
    const secret = await page.locator('section.dev-reveal dd code').nth(1).innerText();
    await checkBothWidths(page, 'application-created');
    await page.reload();
    assert.equal(await page.locator('section.dev-reveal').count(), 0, 'the secret is shown again after a reload');
    assert.ok(!(await page.content()).includes(secret));
    return { clientId, secret, url: page.url() };
  }

  /** A new developer signs up from the console's intro page and verifies the address through the development mailbox. */
  async function signUpDeveloper(t: TestContext, baseUrl: string, email: string) {
    const context = await browser().newContext({ viewport: viewports.desktop, bypassCSP: true });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${baseUrl}/developers`);
    await checkBothWidths(page, 'intro');
    await page.getByRole('link', { name: 'Create a developer login' }).click();
    await page.waitForURL(/\/signup\?next=%2Fdevelopers$/);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.waitForURL(/\/signup\/sent/);
    await page.goto(`${baseUrl}/dev/mailbox`);
    const href = await page.locator('article.mail').filter({ hasText: `To ${email}` }).first().getByRole('link').first().getAttribute('href');
    assert.ok(href, `no sign-up link mailed to ${email}`);
    await page.goto(href);
    await page.getByLabel('First name').fill('Dana');
    await page.getByLabel('Last name').fill('Dev');
    await page.getByLabel(/^Password/).fill('dana has a long password');
    await page.getByRole('button', { name: 'Create login' }).click();
    await page.waitForURL(/\/developers$/);
    assert.match(await page.locator('header.top').innerText(), /Dana Dev/);
    return page;
  }

  it('(1) a new developer signs up, verifies the address, creates an application, Alex authorizes it in the browser, and its token calls the API', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const page = await signUpDeveloper(t, baseUrl, 'dana.dev@developers.example');
    await checkBothWidths(page, 'list-empty');
    // A local test page, answered by the browser itself (page.route below).
    const callback = `http://127.0.0.1:${await freePort()}/callback`;
    const created = await createApplication(page, callback);
    await page.goto(`${baseUrl}/developers`);
    await checkBothWidths(page, 'list');

    // Alex, in a browser of his own, authorizes the new application.
    const alexContext = await browser().newContext({ viewport: viewports.phone });
    t.after(() => alexContext.close());
    const alex = await alexContext.newPage();
    await alex.route(`${new URL(callback).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback page' }));
    const query = new URLSearchParams({ response_type: 'code', client_id: created.clientId, redirect_uri: callback, scope: 'OPENDOOR,closedoor', state: 'st8' });
    await alex.goto(`${baseUrl}/oauth/v2/endpoints/authorization/?${query}`);
    await alex.getByLabel('Email address').fill(sandbox.people.alex.email);
    await alex.getByLabel('Password').fill(sandbox.password);
    await alex.getByRole('button', { name: 'Sign in' }).click();
    await alex.waitForURL(/\/consent\//);
    assert.match(await alex.getByRole('heading', { level: 1 }).innerText(), /Acme Garage Sync/);
    await alex.getByRole('button', { name: 'ALLOW', exact: true }).click();
    await alex.waitForURL((url) => url.href.startsWith(callback));
    const redirect = new URL(alex.url());
    assert.equal(redirect.searchParams.get('state'), 'st8');
    const code = redirect.searchParams.get('code');
    assert.ok(code);

    const token = await fetch(`${baseUrl}/oauth/v2/endpoints/token`, {
      method: 'POST',
      headers: { authorization: basic(created.clientId, created.secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback }),
    });
    assert.equal(token.status, 200);
    const { access_token: accessToken } = await token.json() as { access_token: string };
    const info = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(info.status, 200);
    assert.equal((await info.json() as { data: { first_name: string } }).data.first_name, 'Alex');
  });

  it('(4) a developer registers a webhook endpoint, sends a test event, sees the attempt in the log, and redelivers it', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const receiver = await startReceiver(t);
    const dana = await createDeveloperPerson(app.db, 'Dana');
    const page = await developerPage(t, baseUrl, dana.email);
    await createApplication(page, 'https://acme.example/callback');

    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('All events').uncheck();
    await page.getByLabel(/Every access event/).check();
    await page.getByRole('button', { name: 'Register endpoint' }).click();
    await page.waitForURL(/\/endpoints\/[0-9a-f]{32}$/);
    assert.match(await page.locator('section.dev-reveal').innerText(), /whsec_/);
    await checkBothWidths(page, 'endpoint-created');

    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.waitForURL(/\/endpoints\/[0-9a-f]{32}$/);
    assert.match(await page.getByRole('status').filter({ hasText: 'test event' }).innerText(), /on its way/);
    for (let tries = 0; !(await page.content()).includes('200 OK'); tries += 1) {
      assert.ok(tries < 50, 'the attempt never appeared in the log');
      await sleep(200);
      await page.reload();
    }
    const row = page.getByRole('row').filter({ hasText: 'webhook_test' });
    assert.match(await row.innerText(), /200 OK[\s\S]*\d+ ms[\s\S]*ok[\s\S]*Delivered/);
    await checkBothWidths(page, 'endpoint-log');

    await row.getByRole('button', { name: /Redeliver/ }).click();
    await page.waitForURL(/\/endpoints\/[0-9a-f]{32}$/);
    assert.match(await page.getByRole('status').filter({ hasText: 'queued again' }).innerText(), /queued again/);
    for (let tries = 0; (await page.getByText('200 OK').count()) < 2; tries += 1) {
      assert.ok(tries < 50, 'the redelivery never appeared in the log');
      await sleep(200);
      await page.reload();
    }
    assert.equal(receiver.received.length, 2);
    assert.equal(JSON.parse(receiver.received[0]!.body).id, JSON.parse(receiver.received[1]!.body).id);

    await page.getByRole('link', { name: 'Rotate the signing secret…' }).click();
    await checkBothWidths(page, 'confirm-rotate');
  });
});
