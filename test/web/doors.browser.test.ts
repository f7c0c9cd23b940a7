// Issue 11, acceptance 2, in Debian's Chromium: Alex opens the garage from the
// Doors page and sees it go opening → open, and history rows arrive, without
// reloading; a reload after pressing Open sends nothing; Sam sees only his
// doors and his hours. Every page of the person's sections passes axe at
// phone and desktop widths (screenshots in .tmp/screenshots).
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { checkPage } from '../helpers/accessibility.ts';
import { startServer, type TestServer } from '../helpers/build-app.ts';
import { skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

describe('the Doors page, live [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  async function signedIn(t: TestContext, server: TestServer, email: string, options: BrowserContextOptions) {
    const context = await browser().newContext(options);
    t.after(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(sandbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
    return { page, errors };
  }

  const garageCard = (page: Page) => page.locator(`#door-${sandboxDoors.garage.id}`);
  const commandCount = async (server: TestServer) => (await server.app.db.selectFrom('door_commands').select('id').execute()).length;

  it('shows Alex the garage going opening → open and history rows arriving without a reload; a reload sends nothing', async (t) => {
    const server = await startServer(t, 'sqlite');
    const controller = await sandboxController(t, server.app, 'a', { travelMs: 2500 });
    const { page, errors } = await signedIn(t, server, sandboxPeople.alex.email, desktop);
    assert.equal(await garageCard(page).locator('.state-text').innerText(), 'Closed');

    await garageCard(page).getByRole('button', { name: 'Open Garage' }).click();
    await page.waitForURL(new RegExp(`/account#door-${sandboxDoors.garage.id}$`));
    assert.equal(await page.locator('#flash').innerText(), 'Garage: opening.');
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    await garageCard(page).locator('.state-text', { hasText: 'Opening…' }).waitFor({ timeout: 5000 });
    await garageCard(page).locator('.state-text', { hasText: /^Open$/ }).waitFor({ timeout: 10_000 });
    assert.equal(await garageCard(page).locator('[data-state]').getAttribute('data-state'), 'open');
    assert.equal(await page.locator('#recent-activity li', { hasText: 'ParqEx Web' }).count(), 1);

    // Another client closes it: the new history row and the states come by themselves.
    const { access_token } = await sandboxTokens(server.baseUrl, { email: sandboxPeople.alex.email });
    const closed = await fetch(`${server.baseUrl}/oauth/v1/endpoints/toggle`, {
      method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ door_id: sandboxDoors.garage.id, door_state: 'CLOSED' }),
    });
    assert.equal(closed.status, 200);
    await page.locator('#recent-activity li', { hasText: 'API: Sandbox Smart Home' }).waitFor({ timeout: 5000 });
    await garageCard(page).locator('.state-text', { hasText: 'Closing…' }).waitFor({ timeout: 5000 });
    await garageCard(page).locator('.state-text', { hasText: /^Closed$/ }).waitFor({ timeout: 10_000 });
    assert.equal(navigations, 0, 'the page was never reloaded');
    assert.equal(controller.movements, 2);

    const before = await commandCount(server);
    await page.reload();
    await page.reload();
    await until(() => true);
    assert.equal(await commandCount(server), before, 'a reload sends no command');
    assert.equal(controller.movements, 2);
    assert.deepEqual(errors, []);
  });

  it('shows Sam only his doors and his hours in the account\'s zone, on a phone', async (t) => {
    const server = await startServer(t, 'sqlite');
    await sandboxController(t, server.app, 'a');
    const { page } = await signedIn(t, server, sandboxPeople.sam.email, phone);
    assert.deepEqual(await page.locator('li.door h3').allInnerTexts(), ['Driveway Gate', 'Lobby Door']);
    const gate = page.locator(`#door-${sandboxDoors.gate.id}`);
    assert.equal(await gate.locator('ul.hours').innerText(), 'every day 06:00–22:00 America/New_York time');
    assert.equal(await page.locator(`#door-${sandboxDoors.lobby.id} ul.hours`).innerText(), 'Any time');
    await checkPage(page, 'doors-sam', 390);
    // The frame offers him no Admin section, and typing one in answers 403.
    assert.equal(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'People' }).count(), 0);
    for (const section of ['people', 'controllers', 'settings']) {
      const response = await page.goto(`${server.baseUrl}/accounts/${sandboxAccounts.residence.id}/${section}`);
      assert.equal(response?.status(), 403, section);
    }
  });
});

describe("the person's sections at phone and desktop widths [chromium]", { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  for (const [width, options] of [[390, phone], [1280, desktop]] as const) {
    it(`passes axe with no serious or critical violation on Doors, History, Vehicles, Applications and the confirmations [${width}px]`, async (t) => {
      const server = await startServer(t, 'sqlite');
      const controller = await sandboxController(t, server.app, 'a');
      await sandboxTokens(server.baseUrl, { email: sandboxPeople.alex.email });
      const context = await browser().newContext(options);
      t.after(() => context.close());
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/login`);
      await page.getByLabel('Email address').fill(sandboxPeople.alex.email);
      await page.getByLabel('Password').fill(sandbox.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/account$/);
      await page.locator(`#door-${sandboxDoors.garage.id}`).getByRole('button', { name: 'Open Garage' }).click();
      await page.waitForURL(/#door-/);
      await until(() => controller.movements === 1);
      await checkPage(page, 'doors', width);

      await page.goto(`${server.baseUrl}/account/history`);
      assert.equal(await page.locator('table.history tbody tr').count(), 1);
      await checkPage(page, 'history', width);
      // A bad filter is said on the page, never a server error.
      const bad = await page.goto(`${server.baseUrl}/account/history?from=2026-13-45`);
      assert.equal(bad?.status(), 400);
      assert.match(await page.getByRole('alert').innerText(), /From must be a date as YYYY-MM-DD\./);
      await checkPage(page, 'history-refused', width);

      await page.goto(`${server.baseUrl}/account/vehicles`);
      await page.getByLabel('Licence plate').fill('A');
      await page.getByRole('button', { name: 'Add vehicle' }).click();
      await page.waitForURL(/\/account\/vehicles#flash$/);
      assert.equal(await page.locator('#flash').innerText(), 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.');
      assert.equal(await page.getByLabel('Licence plate').inputValue(), 'A');
      // The refusal is at the top and has the focus: the next Tab continues from it, not from 1,000 px further down.
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'flash');
      assert.equal(await page.getByLabel('Licence plate').getAttribute('aria-invalid'), 'true');
      await checkPage(page, 'vehicles-refused', width);
      await page.getByRole('link', { name: 'Remove PQX1001' }).click();
      await checkPage(page, 'vehicles-remove', width);

      await page.goto(`${server.baseUrl}/account/applications`);
      await checkPage(page, 'applications', width);
      await page.getByRole('link', { name: 'Remove Sandbox Smart Home' }).click();
      await checkPage(page, 'applications-remove', width);
      await page.getByRole('button', { name: 'Remove Sandbox Smart Home' }).click();
      await page.waitForURL(/\/account\/applications$/);
      assert.equal(await page.locator('#flash').innerText(), 'Sandbox Smart Home can no longer reach your doors or your account.');
    });
  }

  it('renames a door for oneself from its disclosure, on a phone without JavaScript', async (t) => {
    const server = await startServer(t, 'sqlite');
    const context = await browser().newContext({ ...phone, javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Email address').fill(sandboxPeople.alex.email);
    await page.getByLabel('Password').fill(sandbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
    const garage = page.locator(`#door-${sandboxDoors.garage.id}`);
    await garage.getByText('Rename for me').click();
    await garage.getByLabel('Your name for this door').fill('Big Door');
    await garage.getByRole('button', { name: 'Save my name' }).click();
    await page.waitForURL(/\/account$/);
    assert.equal(await page.locator(`#door-${sandboxDoors.garage.id} h3`).innerText(), 'Big Door');
    assert.equal(await page.getByRole('status').filter({ hasText: 'Door name saved. Only you see it.' }).count(), 1);
    await checkPage(page, 'doors-renamed-nojs', 390, { javaScript: false });
  });
});
