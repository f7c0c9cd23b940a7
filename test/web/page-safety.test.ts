// Every page and every form a person can reach, found by following links
// (test/helpers/page-crawl.ts), over real HTTP: each form refuses a missing
// or wrong CSRF token and changes nothing; each page sends a CSP without
// inline script or style and refuses framing; user content with markup comes
// back as text; unknown paths answer an HTML 404 to browsers and the API's
// JSON on the API.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import type { App } from '../../src/app.ts';
import { pageSentences } from '../../src/errors/answers.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { Browser } from '../helpers/browser.ts';
import { startServer } from '../helpers/build-app.ts';
import {
  authorizationPath, crawl, invitationLink, linksIn, markup, nameThingsWithMarkup, optionalSignedOutEntries, postFormsIn, shapeOf,
  signedInEntries, signedOutEntries, type PostForm, type Visited,
} from '../helpers/page-crawl.ts';

interface Page extends Visited {
  who: string;
  body: string;
  headers: Headers;
}

const isHtml = (headers: Headers) => (headers.get('content-type') ?? '').startsWith('text/html');

async function crawlAs(who: string, browser: Browser, entries: string[]): Promise<Page[]> {
  return crawl(entries.map((path) => new URL(path, browser.baseUrl).toString()), async (url) => {
    const step = await browser.follow(url);
    return { who, url, finalUrl: step.url, status: step.status, body: step.body, headers: step.headers, links: isHtml(step.headers) ? linksIn(step.body, step.url) : [] };
  });
}

// Bookkeeping a refused form may still touch: sessions (last seen), the authorization
// server's interaction records, sign-in throttling, and the webhook dispatcher's queue.
const bookkeeping = new Set(['web_sessions', 'oauth_models', 'login_failures', 'idempotency_records', 'outbox_events', 'webhook_deliveries', 'webhook_attempts']);

/** A digest per table of everything the product keeps: a refused form must leave each as it was. */
async function fingerprint(app: App): Promise<Map<string, string>> {
  const tables = (await app.db.introspection.getTables()).map((table) => table.name).filter((name) => !bookkeeping.has(name) && !name.startsWith('kysely_'));
  const digests = new Map<string, string>();
  for (const table of tables.sort()) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(app.db);
    const text = rows.rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).sort().join('\n');
    digests.set(table, createHash('sha256').update(text).digest('hex'));
  }
  return digests;
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((table) => before.get(table) !== after.get(table));
}

/** The CSRF token of a page, so another person's can be tried. */
const tokenOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];

/** html.ts writes numeric references; other pages may write named ones. */
function escapedForms(text: string): string[] {
  return [
    text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!),
  ];
}

describe('every page and form, signed out and as Alex, Sam and Gia [sqlite]', () => {
  it('checks CSRF, headers, escaping and 404s on every page reachable by links', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite');
    await nameThingsWithMarkup(app);
    const invitation = new URL(await invitationLink(baseUrl)).pathname;

    const visitor = new Browser(baseUrl);
    const optional = [];
    for (const path of optionalSignedOutEntries) if ((await visitor.follow(path)).status !== 404) optional.push(path);
    const people = {
      alex: await signedInBrowser(baseUrl, sandboxPeople.alex.email),
      sam: await signedInBrowser(baseUrl, sandboxPeople.sam.email),
      gia: await signedInBrowser(baseUrl, sandboxPeople.gia.email),
    };
    const consent = authorizationPath(baseUrl);
    const crawls = {
      'signed-out': await crawlAs('signed-out', visitor, [...signedOutEntries, ...optional, invitation]),
      alex: await crawlAs('alex', people.alex, [...signedInEntries, consent, invitation]),
      sam: await crawlAs('sam', people.sam, [...signedInEntries, consent]),
      gia: await crawlAs('gia', people.gia, [...signedInEntries, consent]),
    };
    const pages = Object.values(crawls).flat();
    const htmlPages = pages.filter((page) => isHtml(page.headers));
    t.diagnostic(`${pages.length} pages: ${Object.entries(crawls).map(([who, list]) => `${who} ${list.length}`).join(', ')}`);

    await t.test('reaches the sections of the frame and the consent page', () => {
      const paths = (who: keyof typeof crawls) => crawls[who].map((page) => new URL(page.finalUrl).pathname);
      for (const path of ['/account', '/login']) assert.ok(paths(path === '/login' ? 'signed-out' : 'alex').includes(path), `no ${path}`);
      for (const who of ['alex', 'sam', 'gia'] as const) assert.ok(paths(who).some((path) => path.startsWith('/consent/')), `${who} saw no consent page`);
      assert.ok(paths('signed-out').includes(invitation), 'the invitation page was not reached');
    });

    await t.test('every HTML page sends a CSP without inline script or style, and refuses framing', () => {
      // One line per fault, naming the pages that have it.
      const faults = new Map<string, string[]>();
      const fault = (what: string, page: Page) => faults.set(what, [...(faults.get(what) ?? []), `${page.who} ${new URL(page.finalUrl).pathname} (${page.status})`]);
      for (const page of htmlPages) {
        const csp = page.headers.get('content-security-policy') ?? '';
        const directives = new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...values]) => [name!, values.join(' ')]));
        if (!csp) fault('no Content-Security-Policy', page);
        for (const [name, values] of directives) if (/'unsafe-/.test(values)) fault(`the CSP allows unsafe sources: ${name} ${values}`, page);
        if (directives.get('frame-ancestors') !== "'none'") fault(`frame-ancestors is ${directives.get('frame-ancestors')}`, page);
        if (!directives.has('script-src') && !directives.has('default-src')) fault('the CSP has no script-src or default-src', page);
        if (page.headers.get('x-frame-options') !== 'DENY') fault(`X-Frame-Options is ${page.headers.get('x-frame-options')}`, page);
        if (page.headers.get('x-content-type-options') !== 'nosniff') fault(`X-Content-Type-Options is ${page.headers.get('x-content-type-options')}`, page);
        // The CSP refuses them, so a page that has them is broken.
        if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(page.body)) fault('an inline <script>', page);
        if (/\sstyle="/i.test(page.body)) fault('an inline style attribute', page);
        if (/\son[a-z]+="/i.test(page.body)) fault('an inline event handler', page);
      }
      assert.deepEqual([...faults].map(([what, where]) => `${what}: ${where.join(', ')}`), []);
    });

    await t.test('every page has one <h1>, header cells with a scope, <button> for buttons, no positive tabindex, and a CSRF field in each POST form', () => {
      const faults: string[] = [];
      for (const page of htmlPages) {
        const where = `${page.who} ${new URL(page.finalUrl).pathname} (${page.status})`;
        const headings = page.body.match(/<h1\b/gi)?.length ?? 0;
        if (headings !== 1) faults.push(`${where}: ${headings} <h1>`);
        for (const cell of page.body.matchAll(/<th\b[^>]*>/gi)) if (!/\sscope="(?:col|row|colgroup|rowgroup)"/.test(cell[0])) faults.push(`${where}: ${cell[0]} has no scope`);
        if (/<input\b[^>]*type="(?:submit|button|image|reset)"/i.test(page.body)) faults.push(`${where}: an <input> button`);
        if (/<(?:a|div|span)\b[^>]*role="button"/i.test(page.body)) faults.push(`${where}: a role="button" that is not a <button>`);
        // Focus order is reading order: nothing jumps the queue.
        if (/\stabindex="[1-9]/i.test(page.body)) faults.push(`${where}: a positive tabindex`);
        if (/\shref="\s*javascript:/i.test(page.body)) faults.push(`${where}: a javascript: link`);
        for (const form of postFormsIn(page.body, page.finalUrl)) {
          if (!form.fields.some(([name, value]) => name === '_csrf' && value !== '')) faults.push(`${where}: the form posting to ${new URL(form.action).pathname} carries no _csrf`);
        }
      }
      assert.deepEqual([...new Set(faults)], []);
    });

    await t.test('shows names with markup as text on every page, never as markup', () => {
      const failures: string[] = [];
      for (const [what, text] of Object.entries(markup)) {
        const raw = htmlPages.filter((page) => page.body.includes(text));
        for (const page of raw) failures.push(`${page.who} ${new URL(page.finalUrl).pathname}: the ${what} name is in the page unescaped`);
        const shown = htmlPages.filter((page) => escapedForms(text).some((escaped) => page.body.includes(escaped)));
        if (shown.length === 0) failures.push(`no page shows the ${what} name ${text}`);
      }
      assert.deepEqual(failures, []);
    });

    await t.test('answers unknown paths with an HTML 404 page to browsers and the JSON envelope on the API', async () => {
      for (const browser of [visitor, people.alex]) {
        for (const path of ['/nope', '/account/nope', '/accounts/x/nope', `/accounts/${'0'.repeat(8)}-0000-4000-8000-000000000000/nope`]) {
          const cookie = await browser.jar.getCookieString(`${baseUrl}${path}`);
          const response = await fetch(`${baseUrl}${path}`, { headers: { accept: 'text/html,application/xhtml+xml', cookie }, redirect: 'manual' });
          assert.equal(response.status, 404, `${path}`);
          assert.match(response.headers.get('content-type') ?? '', /^text\/html/, path);
          assert.match(await response.text(), /<h1>Not found<\/h1>/, path);
        }
      }
      for (const path of ['/oauth/v1/endpoints/nope', '/api/oauth/v1/endpoints/nope']) {
        const response = await fetch(`${baseUrl}${path}`, { headers: { accept: 'text/html' } });
        assert.equal(response.status, 404, path);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
        const body = await response.json() as { errors?: { message?: unknown }[] };
        assert.equal(typeof body.errors?.[0]?.message, 'string', JSON.stringify(body));
      }
    });

    await t.test('refuses every form without its CSRF token, or with a wrong or another person\'s one, and changes nothing', async () => {
      // Sam's token is valid for Sam's session only; everyone else's forms get it as a wrong one.
      const samsToken = tokenOf(crawls.sam.find((page) => tokenOf(page.body))!.body)!;
      const alexsToken = tokenOf(crawls.alex.find((page) => tokenOf(page.body))!.body)!;
      const browsers: Record<string, Browser> = { 'signed-out': visitor, ...people };
      const seen = new Set<string>();
      const failures: string[] = [];
      let probed = 0;
      for (const page of htmlPages) {
        for (const form of postFormsIn(page.body, page.finalUrl)) {
          const key = `${page.who} ${shapeOf(form.action)} ${form.fields.map(([name]) => name).sort().join(',')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          probed += 1;
          const where = `${page.who}: the form posting to ${new URL(form.action).pathname} on ${new URL(page.finalUrl).pathname}`;
          const otherToken = page.who === 'sam' ? alexsToken : samsToken;
          for (const [variant, token] of [['no token', undefined], ['a wrong token', 'not-a-token'], ["another person's token", otherToken]] as const) {
            const before = await fingerprint(app);
            const answer = await post(browsers[page.who]!, form, token);
            const changed = changedTables(before, await fingerprint(app));
            if (answer.status !== 403 || !answer.body.includes(pageSentences.formExpired.title)) {
              failures.push(`${where} with ${variant}: ${answer.status} ${answer.location ?? ''} (fields ${form.fields.map(([name, value]) => `${name}=${value}`).join('&')})`);
            }
            if (changed.length > 0) failures.push(`${where} with ${variant} changed ${changed.join(', ')}`);
          }
        }
      }
      t.diagnostic(`${probed} forms probed`);
      assert.deepEqual(failures, []);
      assert.ok(probed >= 5, `only ${probed} forms found`);
      // The probes' bodies pass the forms' schemas: the sign-in form's, with its own token, reaches the password check.
      const login = htmlPages.find((page) => page.who === 'signed-out' && new URL(page.finalUrl).pathname === '/login')!;
      const loginForm = postFormsIn(login.body, login.finalUrl)[0]!;
      assert.equal((await post(visitor, loginForm, tokenOf(login.body))).status, 401);
      // The refused sign-out kept everyone signed in.
      for (const [who, browser] of Object.entries(people)) assert.equal((await browser.request('/account')).status, 200, `${who} was signed out`);
    });
  });
});

/** Posts a form as its page would, with the CSRF token replaced (or left out). */
function post(browser: Browser, form: PostForm, token: string | undefined) {
  const fields = form.fields.filter(([name]) => name !== '_csrf');
  if (token !== undefined) fields.push(['_csrf', token]);
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of fields) (grouped[name] ??= []).push(value);
  return browser.request(form.action, { form: grouped });
}
