// The person's pages as a signed-in person meets them, and the settings as the
// server holds them (for checking what a form changed behind the page).
import assert from 'node:assert/strict';
import { readSettings, type Settings } from '../../src/access/settings.ts';
import type { App } from '../../src/app.ts';
import { createBox, deriveKey } from '../../src/security/encryption.ts';
import { Browser, csrfToken, type Step } from './browser.ts';
import { sandbox } from './oauth.ts';

export async function signedInBrowser(baseUrl: string, email: string): Promise<Browser> {
  const browser = new Browser(baseUrl);
  const page = await browser.request('/login');
  const login = await browser.request('/login', { form: { _csrf: csrfToken(page.body), email, password: sandbox.password } });
  assert.equal(login.status, 303);
  return browser;
}

/**
 * Posts a form of the signed-in pages with a fresh CSRF token, taken from the
 * page that holds the form (`from`; the Doors page by default), as the page itself would.
 */
export async function submitAccountForm(browser: Browser, action: string, form: Record<string, string>, from = '/account') {
  const page = await browser.request(from);
  assert.equal(page.status, 200, `${from} answered ${page.status}`);
  return browser.request(action, { form: { _csrf: csrfToken(page.body), ...form } });
}

export interface FormOutcome {
  /** The form's own answer: always a 303 (POST-redirect-GET). */
  answer: Step;
  /** The page it led back to, which says the outcome. */
  page: Step;
  /** The message at the top of that page. */
  flash: { error?: string; info?: string };
}

/**
 * Posts a form (see submitAccountForm) and follows its 303 to the page that
 * says what happened, as a browser does.
 */
export async function submitAndFollow(browser: Browser, action: string, form: Record<string, string>, from = '/account'): Promise<FormOutcome> {
  const answer = await submitAccountForm(browser, action, form, from);
  assert.equal(answer.status, 303, `${action} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  assert.ok(answer.location, `${action} redirected nowhere`);
  const page = await browser.request(answer.location);
  assert.equal(page.status, 200, `${answer.location} answered ${page.status}`);
  return { answer, page, flash: flashOf(page.body) };
}

/** The message at the top of a page left by the previous form (src/web/app-layout.ts), entities decoded. */
export function flashOf(body: string): { error?: string; info?: string } {
  const error = /<p class="error" role="alert" id="flash"[^>]*>([\s\S]*?)<\/p>/.exec(body)?.[1];
  const info = /<p class="notice" role="status" id="flash"[^>]*>([\s\S]*?)<\/p>/.exec(body)?.[1];
  const text = (value: string | undefined) => value?.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))).replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  return { ...(error !== undefined ? { error: text(error) } : {}), ...(info !== undefined ? { info: text(info) } : {}) };
}

/**
 * The outcome a form's 303 carries to the next page (the signed flash cookie of
 * src/web/flash.ts), read without following it: for tests that post many times.
 */
export function flashCookieOf(answer: Step): { error?: string; info?: string; values?: Record<string, string> } | undefined {
  const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('parqex_flash='));
  if (!cookie) return undefined;
  const signed = decodeURIComponent(cookie.slice('parqex_flash='.length).split(';')[0]!);
  const parsed = JSON.parse(signed.slice(0, signed.lastIndexOf('.'))) as { error?: string; info?: string; values?: Record<string, string> };
  return { ...(parsed.error !== undefined ? { error: parsed.error } : {}), ...(parsed.info !== undefined ? { info: parsed.info } : {}), ...(parsed.values ? { values: parsed.values } : {}) };
}

/** The stored settings, read with the server's own keys. */
export function storedSettings(app: App, personId: string): Promise<Settings> {
  const key = app.config.secrets.encryptionKey;
  return readSettings({ db: app.db, box: createBox(key), pinKey: deriveKey(key, 'pin lookup') }, personId);
}
