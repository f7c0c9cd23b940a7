// Debian's Chromium for the browser suites, driven by playwright-core; one
// browser per suite, launched before its tests and closed after them.
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

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
