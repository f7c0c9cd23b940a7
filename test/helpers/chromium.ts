// Debian's Chromium for the browser suites, driven by playwright-core; one
// browser per suite, launched before its tests and closed after them.
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { sandbox } from './oauth.ts';

const executablePath = '/usr/bin/chromium';
const launchArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** For `describe(..., { skip })`: the reason the browser suites cannot run here, or false. */
export const skipWithoutChromium = existsSync(executablePath) ? false : `${executablePath} is not installed; run apt-get install -y chromium`;

/** Call inside a describe: returns the suite's browser, available once its tests run. */
export function suiteBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await chromium.launch({ executablePath, args: launchArgs });
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser!;
}

export const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
export const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** The pages must work without JavaScript: the phone suites turn it off. */
export const phoneWithoutScript: BrowserContextOptions = { ...phone, javaScriptEnabled: false };

/** Signs in on the sign-in page, as a person would, and waits for the account page. */
export async function signIn(page: Page, baseUrl: string, email: string, password = sandbox.password): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/account$/);
}
