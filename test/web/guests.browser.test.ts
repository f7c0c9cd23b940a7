// Issue 15, acceptance 2, in a real browser (Debian's Chromium driven by
// playwright-core): Gia on a 390 px phone issues a pass from the Guests
// section; the guest opens the link from the development mailbox, presses
// Open for the Driveway Gate (a simulated controller) and sees the outcome; a
// reload sends nothing. The unit link page too. axe-core at 390 and 1280 px on
// each page; screenshots go to .tmp/screenshots/guests/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { App } from '../../src/app.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { checkPage, screenshotDir } from '../helpers/accessibility.ts';
import { startServer } from '../helpers/build-app.ts';
import { desktop, phone, signIn, skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { sandboxController, until } from '../helpers/controllers.ts';

const fridayEvening = { PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-06T17:00:00-05:00', PARQEX_WEBHOOKS: 'false' };
const { gia } = sandboxPeople;

mkdirSync(join(screenshotDir, 'guests'), { recursive: true });

function advance(baseUrl: string, by: string) {
  return fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
}

async function gateCommands(app: App): Promise<number> {
  return (await app.db.selectFrom('door_commands').select('id').where('door_id', '=', sandboxDoors.gate.id).execute()).length;
}

/** The same page at 1280 px, for axe and a screenshot. */
async function checkOnDesktop(page: Page, url: string, name: string) {
  const context = await page.context().browser()!.newContext(desktop);
  try {
    await context.addCookies(await page.context().cookies());
    const wide = await context.newPage();
    await wide.goto(url);
    await checkPage(wide, name, 1280);
  } finally {
    await context.close();
  }
}

describe('guest passes in the browser [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  it('Gia issues a pass on a phone in the Guests section; the guest opens the mailed link, presses Open for the gate and sees the outcome; a reload sends nothing', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', fridayEvening);
    await sandboxController(t, app, 'a');
    const context = await browser().newContext(phone);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, baseUrl, gia.email);

    await page.getByRole('link', { name: 'Guests' }).click();
    await page.waitForURL(/\/account\/guests$/);
    assert.equal(await page.locator('a[aria-current="page"]').innerText(), 'Guests');
    // This evening is already filled in: 19:00 to 21:00 New York time.
    assert.equal(await page.getByLabel('From').inputValue(), '2026-03-06T19:00');
    assert.equal(await page.getByLabel('Until').inputValue(), '2026-03-06T21:00');
    await checkPage(page, 'guests/section-empty', 390);
    await checkOnDesktop(page, page.url(), 'guests/section-empty');

    const form = page.locator('form.guest-pass');
    await form.getByLabel('Guest name').fill('Theo Guest');
    await form.getByLabel('Guest email').fill('theo@example.com');
    await form.getByLabel('Driveway Gate').check();
    await form.getByRole('button', { name: 'Issue pass' }).click();
    await page.waitForURL(/\/account\/guests$/);
    assert.equal(await page.locator('#flash').innerText(), 'Pass issued to Theo Guest: the link was emailed to theo@example.com.');
    const row = page.locator('table.guest-passes tr', { has: page.locator('th', { hasText: 'Theo Guest' }) });
    assert.equal(await row.locator('td[data-label="Status"]').innerText(), 'scheduled');
    assert.match(await row.locator('td[data-label="Doors"]').innerText(), /Driveway Gate/);
    await checkPage(page, 'guests/section-issued', 390);
    await checkOnDesktop(page, page.url(), 'guests/section-issued');
    await page.reload();
    assert.equal((await app.db.selectFrom('guest_passes').select('id').execute()).length, 1, 'a reload issues nothing');
    assert.equal(await page.locator('#flash').count(), 0, 'the outcome is said once');

    assert.equal((await advance(baseUrl, '2h5m')).status, 200);
    const guestContext = await browser().newContext(phone);
    t.after(() => guestContext.close());
    const guest = await guestContext.newPage();
    await guest.goto(`${baseUrl}/dev/mailbox`);
    const mail = guest.locator('article.mail', { hasText: 'theo@example.com' }).first();
    await mail.locator('a[href*="/g/"]').click();
    await guest.waitForURL(/\/g\/[A-Za-z0-9_-]+$/);
    const guestUrl = guest.url();
    assert.match(await guest.locator('h1').innerText(), /Theo Guest/);
    await checkPage(guest, 'guests/guest-page', 390);
    await checkOnDesktop(guest, guestUrl, 'guests/guest-page');

    const before = await gateCommands(app);
    await guest.getByRole('button', { name: /Open Driveway Gate/ }).click();
    await guest.waitForURL((url) => url.pathname === new URL(guestUrl).pathname);
    await until(async () => await gateCommands(app) === before + 1, 10_000);
    assert.equal(await guest.locator('#flash').innerText(), 'Driveway Gate is opening.');
    await checkPage(guest, 'guests/guest-page-opened', 390);
    await checkOnDesktop(guest, guestUrl, 'guests/guest-page-opened');
    await guest.reload();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await gateCommands(app), before + 1, 'a reload sends nothing');
    const history = await app.db.selectFrom('access_events').select(['person_id', 'channel']).where('door_id', '=', sandboxDoors.gate.id).execute();
    assert.deepEqual(history.map((item) => ({ ...item })), [{ person_id: gia.id, channel: 'Guest Link' }]);
  });

  it('a visitor registers on Gia\'s unit link on a phone; the page and its outcome are clean at 390 and 1280 px', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite', fridayEvening);
    const context = await browser().newContext(phone);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, baseUrl, gia.email);
    await page.goto(`${baseUrl}/account/guests`);
    await page.locator('summary', { hasText: 'Create a unit link' }).click();
    const linkForm = page.locator('form.unit-link');
    await linkForm.getByLabel('Label').fill('Unit 4B');
    await linkForm.getByLabel('Driveway Gate').check();
    await linkForm.getByRole('button', { name: 'Create link' }).click();
    await page.waitForURL(/\/account\/guests$/);
    assert.equal(await page.locator('#flash').innerText(), 'Unit link "Unit 4B" created: share its address with your visitors.');
    const url = await page.getByLabel('Address to share').inputValue();
    await checkPage(page, 'guests/section-link', 390);

    const visitorContext = await browser().newContext(phone);
    t.after(() => visitorContext.close());
    const visitor = await visitorContext.newPage();
    await visitor.goto(url);
    await checkPage(visitor, 'guests/unit-link', 390);
    await checkOnDesktop(visitor, url, 'guests/unit-link');
    await visitor.getByLabel('Your name').fill('Vera Visitor');
    await visitor.getByLabel('Email address').fill('vera@example.com');
    await visitor.getByLabel(/Licence plate/).fill('VIS 1');
    await visitor.getByRole('button', { name: 'Register my visit' }).click();
    await visitor.waitForURL(/\/done$/);
    assert.equal(await visitor.locator('#flash').innerText(), 'Thank you. Gia was asked to approve your visit; we will email vera@example.com the answer.');
    await checkPage(visitor, 'guests/unit-link-done', 390);
    await checkOnDesktop(visitor, visitor.url(), 'guests/unit-link-done');

    await page.reload();
    assert.match(await page.locator('section[aria-labelledby="approvals-heading"]').innerText(), /Vera Visitor/);
    await checkPage(page, 'guests/section-approval', 390);
    await checkOnDesktop(page, page.url(), 'guests/section-approval');
    await page.getByRole('button', { name: 'Approve Vera Visitor' }).click();
    await page.waitForURL(/\/account\/guests$/);
    assert.equal(await page.locator('#flash').innerText(), 'Vera Visitor\'s pass is approved and emailed.');

    const row = page.locator('table.guest-passes tr', { has: page.locator('th', { hasText: 'Vera Visitor' }) });
    await row.getByRole('link', { name: /Revoke/ }).click();
    await page.waitForURL(/\/revoke$/);
    await checkPage(page, 'guests/revoke-confirm', 390);
    await checkOnDesktop(page, page.url(), 'guests/revoke-confirm');
    await page.getByRole('button', { name: 'Revoke the pass' }).click();
    await page.waitForURL(/\/account\/guests$/);
    assert.equal(await page.locator('#flash').innerText(), 'Vera Visitor\'s pass is revoked.');
    assert.equal(await row.locator('td[data-label="Status"]').innerText(), 'revoked');

    // The link's refusals are pages too: deactivated (410) and unknown (404).
    await page.getByRole('button', { name: 'Deactivate Unit 4B' }).click();
    await page.waitForURL(/\/account\/guests$/);
    assert.equal((await visitor.goto(url))?.status(), 410);
    await checkPage(visitor, 'guests/unit-link-inactive', 390);
    assert.equal((await visitor.goto(`${baseUrl}/u/${'A'.repeat(43)}`))?.status(), 404);
    await checkPage(visitor, 'guests/unit-link-unknown', 390);
  });
});
