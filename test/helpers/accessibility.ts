// axe-core in a page of the browser suites, and screenshots of the pages to a
// folder git ignores (.tmp/screenshots) for people to look at.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const screenshotDir = join(import.meta.dirname, '..', '..', '.tmp', 'screenshots');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Fails on any serious or critical axe violation. The script is evaluated
 * through the debugging protocol, which the page's CSP (script-src 'self') does not govern.
 */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate<Violation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((node) => ({ target: node.target })) })))`);
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(serious.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`), [], `${label}: axe violations`);
}

/**
 * The page no wider than the screen, a full-page screenshot, and axe. Without
 * JavaScript Chromium evaluates nothing, so such pages are only photographed
 * (the same pages are checked with JavaScript on).
 */
export async function checkPage(page: Page, name: string, width: number, options: { javaScript?: boolean } = {}): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}-${width}.png`), fullPage: true });
  if (options.javaScript === false) return;
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(scrollWidth <= width, `${name} is ${scrollWidth}px wide on a ${width}px screen`);
  await assertAccessible(page, `${name} at ${width}px`);
}
