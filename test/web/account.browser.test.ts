// The account page's settings and rename forms in a real browser: Debian's
// Chromium driven by playwright-core, on a phone without JavaScript.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { storedSettings } from '../helpers/account-page.ts';
import { startServer } from '../helpers/build-app.ts';
import { skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { sandbox } from '../helpers/oauth.ts';


describe('the account page on a phone without JavaScript [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  async function signedInPhone(t: TestContext, email: string) {
    const context = await browser().newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, javaScriptEnabled: false });
    t.after(() => context.close());
    const server = await startServer(t, 'sqlite');
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(sandbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
    return { ...server, page };
  }

  async function assertFitsThePhone(page: Page) {
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= 390, `the account page is ${scrollWidth}px wide on a 390px screen`);
  }

  it('changes the PIN, tone and time zone, and shows a refusal inline', async (t) => {
    const { page, app } = await signedInPhone(t, sandboxPeople.sam.email);
    await assertFitsThePhone(page);
    await page.getByLabel('Keypad PIN').fill(sandboxPins.alex);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForLoadState();
    assert.equal(await page.getByRole('alert').innerText(), 'This PIN cannot be used. Please choose another one.');
    assert.equal(await page.getByLabel('Keypad PIN').inputValue(), '');

    await page.getByLabel('Keypad PIN').fill('80421937');
    await page.getByLabel('Notification tone').selectOption('chime');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByLabel('Share my PIN with applications I authorize').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/\/account\?saved=settings$/);
    assert.equal(await page.getByRole('status').filter({ hasText: 'Settings saved.' }).count(), 1);
    await assertFitsThePhone(page);
    await page.screenshot({ path: '/tmp/account-settings-phone.png', fullPage: true });
    const stored = await storedSettings(app, sandboxPeople.sam.id);
    assert.deepEqual({ ...stored }, { notificationsEnabled: true, notificationTone: 'chime', timeZone: 'Europe/Paris', pin: '80421937', sharePinWithApps: false });
  });

  it('renames a door from the disclosure under it', async (t) => {
    const { page } = await signedInPhone(t, sandboxPeople.alex.email);
    const garage = page.getByRole('row').filter({ hasText: 'Garage' }).first();
    await garage.getByText('Rename').click();
    await garage.getByLabel('Your name for this door').fill('Big Door');
    await garage.getByRole('button', { name: 'Save name' }).click();
    await page.waitForURL(/\/account\?saved=door$/);
    assert.equal(await page.getByRole('row').filter({ hasText: 'Big Door' }).count(), 1);
    await assertFitsThePhone(page);
  });
});
