// A developer for the console's tests: a person with a login (sign-up is built
// elsewhere, so the test makes the person directly), signed in over HTTP.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword } from '../../src/security/passwords.ts';
import type { Database } from '../../src/store/database.ts';
import { insertPersonIfAbsent } from '../../src/store/repositories/people.ts';
import { Browser, csrfToken } from './browser.ts';
import { signedInBrowser } from './account-page.ts';
import { sandbox } from './oauth.ts';

export interface Developer {
  id: string;
  email: string;
  browser: Browser;
}

/** A new person whose password is the sandbox's, so the shared sign-in helpers work. */
export async function createDeveloperPerson(db: Kysely<Database>, name: string): Promise<{ id: string; email: string }> {
  const id = randomUUID();
  const email = `${name.toLowerCase()}.${id.slice(0, 8)}@developers.example`;
  await insertPersonIfAbsent(db, { id, email, first_name: name, last_name: 'Dev', phone: null, password_hash: await hashPassword(sandbox.password), is_sandbox: 0, created_at: Math.floor(Date.now() / 1000) });
  return { id, email };
}

export async function signedInDeveloper(db: Kysely<Database>, baseUrl: string, name: string): Promise<Developer> {
  const person = await createDeveloperPerson(db, name);
  return { ...person, browser: await signedInBrowser(baseUrl, person.email) };
}

/** Posts a form found on `page` (a path), with that page's CSRF token. */
export async function submitFrom(browser: Browser, page: string, action: string, form: Record<string, string | string[]> = {}) {
  const shown = await browser.request(page);
  assert.equal(shown.status, 200, `${page}: ${shown.status}`);
  return browser.request(action, { form: { _csrf: csrfToken(shown.body), ...form } });
}

export const applicationForm = (redirectUri: string, extra: Record<string, string> = {}) => ({
  name: 'Acme Garage Sync', company: 'Acme Inc.', contact_name: 'Dana Dev', contact_email: 'dana@acme.example',
  website: 'https://acme.example', description: 'Opens your garage when you arrive.', redirect_uris: redirectUri, environment: 'development', ...extra,
});

/** Creates an application through the console; returns its client id and the secret shown once. */
export async function createApplicationInConsole(developer: Developer, form: Record<string, string>): Promise<{ clientId: string; secret: string; path: string; page: string }> {
  const created = await submitFrom(developer.browser, '/developers/applications/new', '/developers/applications', form);
  assert.equal(created.status, 303, created.body.slice(0, 300));
  const path = created.location!;
  assert.doesNotMatch(path, /secret/i);
  const page = await developer.browser.request(path);
  assert.equal(page.status, 200);
  const clientId = /<dt>client_id<\/dt><dd><code class="dev-secret">([^<]+)<\/code>/.exec(page.body)?.[1];
  const secret = /<dt>client_secret<\/dt><dd><code class="dev-secret">([^<]+)<\/code>/.exec(page.body)?.[1];
  assert.ok(clientId && secret, 'the page after creation shows the client id and secret');
  // It rode to the page sealed: neither the cookie nor the redirect carries it readable.
  assert.ok(!created.headers.getSetCookie().some((cookie) => cookie.includes(secret)), 'the secret travels in a readable cookie');
  return { clientId, secret, path, page: page.body };
}
