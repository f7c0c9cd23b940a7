// The identity flows as a test walks them: the mail a flow sent, its link,
// and forms posted with a fresh CSRF token from the page that holds them.
import assert from 'node:assert/strict';
import type { App } from '../../src/app.ts';
import { readMailbox, type MailboxEntry } from '../../src/mail/mailbox.ts';
import { Browser, csrfToken, type Step } from './browser.ts';

export async function mailsTo(app: App, to: string): Promise<MailboxEntry[]> {
  return (await readMailbox(app.db)).filter((entry) => entry.to === to);
}

/** The newest mail to an address, which must exist. */
export async function lastMailTo(app: App, to: string): Promise<MailboxEntry> {
  const [mail] = await mailsTo(app, to);
  assert.ok(mail, `no mail to ${to}`);
  return mail;
}

/** The link in a mail that leads under `path` on this server. */
export function linkIn(mail: MailboxEntry, path: string): string {
  const match = new RegExp(`https?://[^\\s]+${path.replaceAll('/', '\\/')}/[A-Za-z0-9_-]+`).exec(mail.text);
  assert.ok(match, `no ${path} link in mail:\n${mail.text}`);
  return new URL(match[0]).pathname;
}

/** Opens the page holding a form, then posts it with that page's CSRF token. */
export async function submitForm(browser: Browser, page: string, action: string, form: Record<string, string>): Promise<Step> {
  const opened = await browser.request(page);
  assert.equal(opened.status, 200, `GET ${page}: ${opened.status}`);
  return browser.request(action, { form: { _csrf: csrfToken(opened.body), ...form } });
}

/** The page's text with its CSRF token left out, for comparing two answers. */
export function withoutToken(page: string): string {
  return page.replace(/name="_csrf" value="[^"]+"/g, '');
}
