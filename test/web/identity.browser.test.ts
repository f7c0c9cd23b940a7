// Sign-up and a forgotten password in a real browser (Debian's Chromium
// driven by playwright-core), on a phone (390 px) and a desktop (1280 px):
// the mail is opened from the development mailbox, and every page on the way
// passes axe-core without a serious or critical violation.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { checkPage } from '../helpers/accessibility.ts';
import { skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { sandbox } from '../helpers/oauth.ts';


const viewports: [string, BrowserContextOptions][] = [
  ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
  ['desktop', { viewport: { width: 1280, height: 900 } }],
];



/** Opens the newest mail to an address in the development mailbox and follows its first link. */
async function followMailedLink(page: Page, baseUrl: string, to: string): Promise<void> {
  await page.goto(`${baseUrl}/dev/mailbox`);
  const mail = page.locator('article.mail').filter({ hasText: `To ${to}` }).first();
  const href = await mail.getByRole('link').first().getAttribute('href');
  assert.ok(href, `no link in the mail to ${to}`);
  await page.goto(href);
}

describe('sign-up and password reset [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  async function open(t: TestContext, options: BrowserContextOptions) {
    const context = await browser().newContext({ ...options, bypassCSP: true });
    t.after(() => context.close());
    const server = await startServer(t, 'sqlite');
    return { ...server, page: await context.newPage() };
  }

  for (const [device, options] of viewports) {
    const width = options.viewport!.width;

    it(`a new person signs up from the mailbox and lands signed in [${device}]`, async (t) => {
      const { page, baseUrl } = await open(t, options);
      await page.goto(`${baseUrl}/login`);
      await checkPage(page, 'identity-login', width);
      await page.getByRole('link', { name: 'Create a login' }).click();
      await page.waitForURL(/\/signup$/);
      await checkPage(page, 'identity-signup', width);
      await page.getByLabel('Email address').fill('robin.new@example.com');
      await page.getByRole('button', { name: 'Send me a link' }).click();
      await page.waitForURL(/\/signup\/sent$/);
      assert.match(await page.locator('#flash').innerText(), /We sent an email to robin\.new@example\.com\./);
      await checkPage(page, 'identity-signup-sent', width);

      await followMailedLink(page, baseUrl, 'robin.new@example.com');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Create your login');
      await checkPage(page, 'identity-signup-link', width);
      // Spaces pass the browser's own check, not the server's: the refusal comes back on the form.
      await page.getByLabel('First name').fill('   ');
      await page.getByLabel('Last name').fill('New');
      await page.getByLabel(/^Password/).fill('robin has a long password');
      await page.getByRole('button', { name: 'Create login' }).click();
      await page.waitForLoadState();
      assert.equal(await page.getByRole('alert').innerText(), 'Enter your first name.');
      assert.equal(await page.getByLabel('Last name').inputValue(), 'New');
      assert.equal(await page.getByLabel('First name').getAttribute('aria-invalid'), 'true');
      await checkPage(page, 'identity-signup-link-refused', width);
      await page.getByLabel('First name').fill('Robin');
      await page.getByLabel(/^Password/).fill('robin has a long password');
      await page.getByRole('button', { name: 'Create login' }).click();
      await page.waitForURL(/\/account$/);
      assert.match(await page.locator('header.top').innerText(), /Robin New/);

      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL(/\/account\/settings$/);
      await checkPage(page, 'identity-settings', width);
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.waitForURL(/\/accounts\/new$/);
      await checkPage(page, 'identity-accounts-new', width);
      await page.goto(`${baseUrl}/account/settings/sign-out-everywhere`);
      await checkPage(page, 'identity-sign-out-everywhere', width);
    });

    it(`a person resets a forgotten password through the mailbox [${device}]`, async (t) => {
      const { page, baseUrl } = await open(t, options);
      const sam = sandboxPeople.sam;
      await page.goto(`${baseUrl}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.waitForURL(/\/password-reset$/);
      await checkPage(page, 'identity-password-reset', width);
      await page.getByLabel('Email address').fill(sam.email);
      await page.getByRole('button', { name: 'Send me a link' }).click();
      await page.waitForURL(/\/password-reset\/sent$/);
      assert.match(await page.locator('#flash').innerText(), /If a login exists for sam\.user@sandbox\.parqex\.test, we sent it an email/);
      await checkPage(page, 'identity-password-reset-sent', width);

      await followMailedLink(page, baseUrl, sam.email);
      await checkPage(page, 'identity-password-reset-link', width);
      await page.getByLabel(/^New password/).fill('sam remembers this one');
      await page.getByRole('button', { name: 'Set password and sign in' }).click();
      await page.waitForURL(/\/account$/);
      assert.match(await page.locator('header.top').innerText(), /Sam User/);

      await page.locator('header.top').getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login$/);
      await page.getByLabel('Email address').fill(sam.email);
      await page.getByLabel('Password').fill(sandbox.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForLoadState();
      assert.match(await page.getByRole('alert').innerText(), /not correct/);
      await page.getByLabel('Password').fill('sam remembers this one');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/account$/);
    });
  }
});
