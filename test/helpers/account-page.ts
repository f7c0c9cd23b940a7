// The person's pages as a signed-in person meets them, and the settings as the
// server holds them (for checking what a form changed behind the page).
import assert from 'node:assert/strict';
import { readSettings, type Settings } from '../../src/access/settings.ts';
import type { App } from '../../src/app.ts';
import { createBox, deriveKey } from '../../src/security/encryption.ts';
import { Browser, csrfToken } from './browser.ts';
import { sandbox } from './oauth.ts';

export async function signedInBrowser(baseUrl: string, email: string): Promise<Browser> {
  const browser = new Browser(baseUrl);
  const page = await browser.request('/login');
  const login = await browser.request('/login', { form: { _csrf: csrfToken(page.body), email, password: sandbox.password } });
  assert.equal(login.status, 303);
  return browser;
}

/** Posts a form of the person's pages with a fresh CSRF token (taken from the Doors page), as the page itself would. */
export async function submitAccountForm(browser: Browser, action: string, form: Record<string, string>) {
  const page = await browser.request('/account');
  assert.equal(page.status, 200);
  return browser.request(action, { form: { _csrf: csrfToken(page.body), ...form } });
}

/** The stored settings, read with the server's own keys. */
export function storedSettings(app: App, personId: string): Promise<Settings> {
  const key = app.config.secrets.encryptionKey;
  return readSettings({ db: app.db, box: createBox(key), pinKey: deriveKey(key, 'pin lookup') }, personId);
}
