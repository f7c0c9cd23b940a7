// Every page a person can reach by following links (test/helpers/page-crawl.ts),
// signed out and as Alex (Admin), Sam (User) and Gia, in Chromium at 390 px
// and 1280 px: a screenshot of each in .tmp/screenshots/every-page/ (not
// committed: look at them after `npm run screenshots`), no serious or critical
// axe-core violation, no CSP refusal in the console, and names with markup
// shown as text without running anything.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { startServerOnEnv, testEnv } from '../helpers/build-app.ts';
import { skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { sandbox } from '../helpers/oauth.ts';
import {
  authorizationPath, crawl, followable, invitationLink, markup, nameThingsWithMarkup, optionalSignedOutEntries, signedInEntries, signedOutEntries, slugOf, type Visited,
} from '../helpers/page-crawl.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = new URL('../../.tmp/screenshots/every-page/', import.meta.url);
const widths = [1280, 390] as const;
const failingImpacts = new Set(['serious', 'critical']);
// Moderate in axe's scale, but house rules (one <h1>, headings in order, everything in a landmark): they fail too.
const houseRules = new Set(['page-has-heading-one', 'heading-order', 'landmark-one-main', 'region', 'duplicate-id-aria']);
const fails = (violation: { id: string; impact: string | null }) => failingImpacts.has(violation.impact ?? '') || houseRules.has(violation.id);
const tabStops = 25;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

interface Checked extends Visited {
  violations: { width: number; violation: AxeViolation }[];
  /** Markup names whose text the page shows. */
  shows: string[];
  /** Elements a name's markup would have made, had it not been escaped. */
  injected: number;
  /** Page width at 390 px, wider when something does not fit the phone. */
  phoneWidth: number;
  /** What keyboard focus did wrong on the way through the page. */
  focusFaults: string[];
}

interface Focused {
  element: string;
  outlined: boolean;
  inView: boolean;
  skipLink: boolean;
}

// Run in the page by Playwright's evaluation, which the page's CSP (script-src 'none') does not govern.
const runAxe = `axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
  .then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((node) => node.target.join(' ')) })))`;
const pageLinks = `[...document.querySelectorAll('a[href]')].map((a) => a.href)`;
const injectedElements = `document.querySelectorAll('script:not([src]), iframe, [onload], [onerror], [onclick], img[src="x"]').length`;
const visibleText = 'document.body.innerText';
const pageWidth = 'document.documentElement.scrollWidth';
const hasSkipLink = `document.querySelector('a[href="#main"]') !== null`;
const focused = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + ' "' + (element.innerText || element.getAttribute('aria-label') || element.name || '').trim().slice(0, 30) + '"';
  return {
    element: name,
    // A date input's calendar button is focused inside the browser's own shadow tree (the input then does not match :focus) and draws its own ring.
    outlined: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none' || !element.matches(':focus'),
    // WCAG 2.4.11 (focus not obscured): at least part of the focused element shows; a tall textarea is scrolled to, not wholly into, view.
    inView: box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth && box.bottom > 0 && box.top < innerHeight,
    skipLink: element.getAttribute('href') === '#main',
  };
})()`;

type Who = 'signed-out' | 'alex' | 'sam' | 'gia';

describe('every page at 390 px and 1280 px [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();
  // One server for the suite; one test per person, so each stays well inside the per-test timeout.
  let server: Awaited<ReturnType<typeof startServerOnEnv>>;
  let cleanup: () => Promise<void>;
  const entries = {} as Record<Who, string[]>;
  const checkedPages = new Map<Who, Checked[]>();

  before(async () => {
    // Only this run's pages: a page that is gone leaves no picture behind.
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    const prepared = await testEnv('sqlite');
    cleanup = prepared.cleanup;
    server = await startServerOnEnv(prepared.env);
    const { app, baseUrl } = server;
    await nameThingsWithMarkup(app);
    const invitation = new URL(await invitationLink(baseUrl)).pathname;
    const optional: string[] = [];
    for (const path of optionalSignedOutEntries) if ((await fetch(`${baseUrl}${path}`)).status !== 404) optional.push(path);
    entries['signed-out'] = [...signedOutEntries, ...optional, invitation];
    entries.alex = [...signedInEntries, authorizationPath(baseUrl), invitation];
    entries.sam = [...signedInEntries, authorizationPath(baseUrl)];
    // Gia enforces: the account's plate reads are hers to see, though no Admin section is (she finds them from /accounts).
    entries.gia = [...signedInEntries, authorizationPath(baseUrl), '/accounts'];
  });
  after(async () => {
    await server?.close();
    await cleanup?.();
  });

  const emails: Record<Who, string | undefined> = { 'signed-out': undefined, alex: sandboxPeople.alex.email, sam: sandboxPeople.sam.email, gia: sandboxPeople.gia.email };
  for (const who of Object.keys(emails) as Who[]) {
    it(`screenshots every page ${who === 'signed-out' ? 'signed out' : `as ${who}`}, with no serious axe violation, fitting a phone, with visible focus`, async (t) => {
      const context = await browser().newContext({ viewport: { width: widths[0], height: 900 } });
      t.after(() => context.close());
      const { page, dialogs, consoleErrors } = await watchedPage(context);
      const email = emails[who];
      if (email) await signIn(page, server.baseUrl, email);
      const slugs = new Set<string>();
      const pages = await crawl(entries[who].map((path) => new URL(path, server.baseUrl).toString()), async (url) => {
        const response = await page.goto(url, { waitUntil: 'load' });
        const finalUrl = page.url();
        const text = await page.evaluate<string>(visibleText);
        const checked: Checked = {
          url, finalUrl, status: response?.status() ?? 0, violations: [],
          links: ((await page.evaluate<string[]>(pageLinks))).flatMap((href) => followable(href, finalUrl) ?? []),
          shows: Object.values(markup).filter((name) => text.includes(name)),
          injected: await page.evaluate<number>(injectedElements),
          phoneWidth: 0,
          focusFaults: [],
        };
        let slug = `${who}-${slugOf(finalUrl)}`;
        for (let n = 2; slugs.has(slug); n += 1) slug = `${who}-${slugOf(finalUrl)}-${n}`;
        slugs.add(slug);
        await page.evaluate(axeSource);
        for (const width of widths) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
          await page.screenshot({ path: new URL(`${slug}-${width}.png`, screenshots).pathname, fullPage: true, animations: 'disabled' });
          for (const violation of await page.evaluate<AxeViolation[]>(runAxe)) checked.violations.push({ width, violation });
          if (width === 390) checked.phoneWidth = await page.evaluate<number>(pageWidth);
        }
        await page.setViewportSize({ width: widths[0], height: 900 });
        // Last, so no screenshot shows where the walk left focus.
        checked.focusFaults = await keyboardWalk(page);
        return checked;
      });
      checkedPages.set(who, pages);
      t.diagnostic(`${pages.length} pages: ${pages.map((checked) => new URL(checked.finalUrl).pathname).join(' ')}; screenshots in ${screenshots.pathname}`);

      await t.test('no serious or critical axe violation (nor one of the house rules) on any page at either width', () => {
        const found = violationLines(pages);
        const lesser = found.filter((violation) => !fails(violation));
        if (lesser.length > 0) t.diagnostic(`moderate or minor:\n${lesser.map(({ line }) => line).join('\n')}`);
        assert.deepEqual(found.filter(fails).map(({ line }) => line), []);
      });
      await t.test('every page fits a 390 px phone, and keyboard focus is visible and starts at the skip link', () => {
        assert.deepEqual(pages.filter((checked) => checked.phoneWidth > 390).map((checked) => `${new URL(checked.finalUrl).pathname} is ${checked.phoneWidth}px wide`), []);
        assert.deepEqual(pages.flatMap((checked) => checked.focusFaults.map((fault) => `${new URL(checked.finalUrl).pathname}: ${fault}`)), []);
      });
      await t.test('no dialog, no CSP refusal and no script error on any page; no element made from a name', () => {
        assert.deepEqual(dialogs, []);
        assert.deepEqual(consoleErrors, []);
        assert.deepEqual(pages.filter((checked) => checked.injected > 0).map((checked) => `${checked.finalUrl}: ${checked.injected}`), []);
      });
      if (who !== 'signed-out') {
        await t.test('reaches the account and the consent page', () => {
          const paths = pages.map((checked) => new URL(checked.finalUrl).pathname);
          assert.ok(paths.includes('/account'), paths.join(' '));
          assert.ok(paths.some((path) => path.startsWith('/consent/')), paths.join(' '));
        });
      }
    });
  }

  it('shows each name with markup as visible text on some page', () => {
    const shown = new Set([...checkedPages.values()].flat().flatMap((checked) => checked.shows));
    assert.deepEqual(Object.values(markup).filter((name) => !shown.has(name)), []);
  });
});

async function watchedPage(context: BrowserContext) {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${page.url()}: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  return { page, dialogs, consoleErrors };
}

async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(sandbox.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/**
 * Tabs through the page from the top as a keyboard user does: a page with a
 * skip link has it first, and each stop is outlined and scrolled into view.
 */
async function keyboardWalk(page: Page): Promise<string[]> {
  const faults: string[] = [];
  const skipLink = await page.evaluate<boolean>(hasSkipLink);
  // Focus navigation starts where the removed element stood: the top of the page, whatever took focus on load.
  await page.evaluate(`(() => { const start = document.createElement('span'); start.tabIndex = -1; document.body.prepend(start); start.focus(); start.remove(); window.scrollTo(0, 0); })()`);
  for (let stop = 1; stop <= tabStops; stop += 1) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate<Focused | null>(focused);
    if (!at) break;
    if (stop === 1 && skipLink && !at.skipLink) faults.push(`the first Tab stop is ${at.element}, not the skip link`);
    if (!at.outlined) faults.push(`${at.element} shows no focus outline`);
    if (!at.inView) faults.push(`${at.element} is focused out of view`);
  }
  return faults;
}

/** One line per violation and page, both widths together when both have it. */
function violationLines(pages: Checked[]): { id: string; impact: string | null; line: string }[] {
  const lines = new Map<string, { id: string; impact: string | null; widths: number[] }>();
  for (const page of pages) {
    for (const { width, violation } of page.violations) {
      const targets = violation.targets.length > 6 ? [...violation.targets.slice(0, 6), `and ${violation.targets.length - 6} more`] : violation.targets;
      const key = `${new URL(page.finalUrl).pathname} (${page.status}): ${violation.impact} ${violation.id} (${violation.help}) at ${targets.join(', ')}`;
      const entry = lines.get(key) ?? { id: violation.id, impact: violation.impact, widths: [] };
      entry.widths.push(width);
      lines.set(key, entry);
    }
  }
  return [...lines].map(([key, { id, impact, widths: at }]) => ({ id, impact, line: `${key} [${at.join(' and ')} px]` }));
}
