// Issue 13, "Pages", in a real browser (Debian's Chromium driven by
// playwright-core): the Admin's vehicles at the gates (exclude with a reason,
// readmit, the vehicle cap), the plate readers under each controller, and the
// plate reads list with its filters; who may see and post them; axe-core at
// 390 and 1280 px. Screenshots go to .tmp/screenshots/lpr/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { zonedTime } from '../../src/access/hours-text.ts';
import { compactId } from '../../src/access/ids.ts';
import { personTimeZone } from '../../src/access/settings.ts';
import type { App } from '../../src/app.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { checkPage, screenshotDir } from '../helpers/accessibility.ts';
import { csrfToken } from '../helpers/browser.ts';
import { startServer } from '../helpers/build-app.ts';
import { desktop, phoneWithoutScript, signIn, skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';

const phone = phoneWithoutScript;
const residence = sandboxAccounts.residence.id;
const settingsPath = `/accounts/${residence}/settings`;
const controllersPath = `/accounts/${residence}/controllers`;
const readsPath = `/accounts/${residence}/reads`;
const controllerA = compactId(sandboxDevices.a.id);

mkdirSync(join(screenshotDir, 'lpr'), { recursive: true });

/** The "At the gates" words of a plate's row on the Account page. */
async function admission(page: Page, plate: string): Promise<string> {
  return page.locator('table.gate-vehicles tr', { has: page.locator(`th:text-is("${plate}")`) }).locator('td[data-label="At the gates"]').innerText();
}

/** Two reads at the Driveway Gate, written as the readers would have. */
async function insertReads(app: App, at: number) {
  const read = { account_id: residence, device_id: sandboxDevices.a.id, entity_number: 2, door_id: sandboxDoors.gate.id, read_id: null, region: 'us-ny', candidates: '[]', direction: 'entry' as const, basis_id: null, toggle_id: null, received_at: at };
  await app.db.insertInto('plate_reads').values([
    { ...read, id: randomBytes(16).toString('hex'), plate: 'PQX 1001', plate_key: 'PQX1001', confidence: 0.93, decision: 'granted', reason: null, basis: 'member', person_id: sandboxPeople.alex.id, near_matches: '[]', occurred_at: at },
    { ...read, id: randomBytes(16).toString('hex'), plate: 'GIA404', plate_key: 'GIA404', confidence: 0.91, decision: 'refused', reason: 'outside hours', basis: null, person_id: null, near_matches: '[]', occurred_at: at + 60 },
  ]).execute();
}

describe('vehicles at the gates, plate readers and plate reads for Admins [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  it('excludes GIA404 with a reason and readmits it, and a cap of 1 puts Alex\'s second vehicle over the cap, on a phone without JavaScript', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const context = await browser().newContext(phone);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, baseUrl, sandboxPeople.alex.email);

    await page.goto(`${baseUrl}${settingsPath}`);
    assert.equal(await admission(page, 'GIA404'), 'admitted');
    assert.match(await page.locator('table.gate-vehicles').innerText(), /GIA404\s+us-ny\s+Gia Guard\s+admitted/);
    await page.locator('summary', { hasText: 'Exclude GIA404' }).click();
    await page.getByLabel('Why GIA404 is excluded').fill('Parks across the ramp');
    await page.getByRole('button', { name: 'Exclude GIA404' }).click();
    await page.waitForURL((url) => url.pathname === settingsPath);
    assert.equal(await page.locator('#flash').innerText(), 'GIA404 is excluded: the readers no longer let it in as a member\'s vehicle.');
    assert.equal(await admission(page, 'GIA404'), 'excluded Parks across the ramp');
    assert.equal(await admission(page, 'PQX1001'), 'admitted');
    await checkPage(page, 'lpr/account-excluded', 390, { javaScript: false });

    await page.getByRole('button', { name: 'Readmit GIA404' }).click();
    await page.waitForURL((url) => url.pathname === settingsPath);
    assert.equal(await page.locator('#flash').innerText(), 'GIA404 is readmitted.');
    assert.equal(await admission(page, 'GIA404'), 'admitted');

    // Alex adds a second vehicle on his own Vehicles page, then caps the account at one each.
    await page.goto(`${baseUrl}/account/vehicles`);
    await page.getByLabel('Licence plate').fill('pqx 2002');
    await page.getByRole('button', { name: 'Add vehicle' }).click();
    await page.waitForURL(/\/account\/vehicles$/);
    await page.goto(`${baseUrl}${settingsPath}`);
    assert.equal(await admission(page, 'PQX2002'), 'admitted');
    await page.getByLabel('Vehicles let in per member').selectOption('1');
    await page.getByRole('button', { name: 'Save vehicle cap' }).click();
    await page.waitForURL((url) => url.pathname === settingsPath);
    assert.equal(await page.locator('#flash').innerText(), 'Vehicle cap saved: 1 vehicle per member.');
    assert.equal(await admission(page, 'PQX1001'), 'admitted');
    assert.equal(await admission(page, 'PQX2002'), 'over the cap');
    assert.equal(await admission(page, 'GIA404'), 'admitted');
    assert.equal(await page.getByLabel('Vehicles let in per member').inputValue(), '1');
    await checkPage(page, 'lpr/account-cap', 390, { javaScript: false });

    await page.getByLabel('Vehicles let in per member').selectOption('');
    await page.getByRole('button', { name: 'Save vehicle cap' }).click();
    await page.waitForURL((url) => url.pathname === settingsPath);
    assert.equal(await admission(page, 'PQX2002'), 'admitted');
  });

  it('changes a reader to exit and shows it saved; 1.5 as the minimum confidence is refused at the top with the field marked and the value given back', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const context = await browser().newContext(desktop);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, baseUrl, sandboxPeople.alex.email);

    const form = `reader-${controllerA}-2`;
    await page.goto(`${baseUrl}${controllersPath}`);
    const gateReader = page.locator(`details:has(#${form}-door)`);
    assert.match(await gateReader.locator('summary').innerText(), /^Channel 2: Driveway Gate · both · 0\.80 · 30 s · on$/);
    await gateReader.locator('summary').click();
    await page.locator(`#${form}-direction`).selectOption('exit');
    await page.locator(`#${form}-repeat`).fill('45');
    await gateReader.getByRole('button', { name: /^Save reader on channel 2/ }).click();
    await page.waitForURL((url) => url.pathname === controllersPath);
    assert.equal(await page.locator('#flash').innerText(), 'Reader on channel 2 saved: exit, Driveway Gate, on.');
    assert.match(await gateReader.locator('summary').innerText(), /^Channel 2: Driveway Gate · exit · 0\.80 · 45 s · on$/);
    assert.equal(await page.locator(`#${form}-direction`).inputValue(), 'exit');

    // The browser itself would stop 1.5 (max="1"); a browser that does not check must meet the server's refusal.
    await gateReader.locator('summary').click();
    await page.locator(`#${form}-confidence`).fill('1.5');
    await gateReader.locator('form').evaluate((element) => { (element as unknown as { noValidate: boolean }).noValidate = true; });
    await gateReader.getByRole('button', { name: /^Save reader on channel 2/ }).click();
    await page.waitForURL(/\/controllers#flash$/);
    assert.equal(await page.locator('#flash').innerText(), 'Invalid min_confidence: a number from 0 to 1.');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'flash');
    const field = page.locator(`#${form}-confidence`);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.getAttribute('aria-describedby'), 'flash');
    assert.equal(await field.inputValue(), '1.5');
    assert.equal(await page.locator(`#${form}-direction`).inputValue(), 'exit');
    assert.equal(await field.isVisible(), true, 'the refused reader is unfolded');
    await checkPage(page, 'lpr/controllers-refused', 1280);
  });

  it('lists the reads newest first in the viewer\'s zone and filters them by plate, recording the look-up', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const at = Math.floor(Date.UTC(2026, 2, 4, 15, 0, 0) / 1000);
    await insertReads(app, at);
    const zone = await personTimeZone(app.db, sandboxPeople.alex.id);
    const context = await browser().newContext(desktop);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, baseUrl, sandboxPeople.alex.email);

    await page.goto(`${baseUrl}/account`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Plate reads' }).click();
    await page.waitForURL((url) => url.pathname === readsPath);
    const rows = page.locator('table.history tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(0).innerText(), /GIA404[\s\S]*Refused[\s\S]*outside hours/);
    assert.match(await rows.nth(1).innerText(), new RegExp(`^${zonedTime(at, zone)}\\s+Driveway Gate \\(in\\)\\s+PQX 1001 us-ny\\s+0\\.93\\s+✓ Let through\\s+Alex`));

    await page.getByLabel('Plate').fill('gia-404');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/plate=gia-404/);
    assert.equal(await rows.count(), 1);
    assert.match(await rows.nth(0).innerText(), /GIA404/);
    assert.equal(await page.getByLabel('Plate').inputValue(), 'gia-404');
    const lookups = await app.db.selectFrom('plate_lookups').select(['person_id', 'plate_key']).execute();
    assert.deepEqual(lookups.map((row) => ({ ...row })), [{ person_id: sandboxPeople.alex.id, plate_key: 'GIA404' }]);

    // The day before the reads, in Alex's zone: none.
    const dayBefore = new Date((at - 86_400) * 1000).toLocaleDateString('en-CA', { timeZone: zone });
    await page.goto(`${baseUrl}${readsPath}?to=${dayBefore}`);
    assert.equal(await rows.count(), 0);
    assert.match(await page.locator('main').innerText(), /No reads match these filters/);

    // A plate that folds to no key: said at the top, the field marked, the value given back.
    const refused = await page.goto(`${baseUrl}${readsPath}?plate=%21%21`);
    assert.equal(refused?.status(), 400);
    assert.match(await page.locator('#flash').innerText(), /^Invalid plate/);
    assert.equal(await page.getByLabel('Plate').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Plate').inputValue(), '!!');
  });

  it('answers Sam 403 and Nora 404 for every page and form, changing nothing', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const forms: [string, Record<string, string>][] = [
      [`${settingsPath}/exclusions`, { plate: 'GIA404', reason: 'no' }],
      [`${settingsPath}/exclusions/readmit`, { plate: 'GIA404' }],
      [`${settingsPath}/vehicle-cap`, { cap: '1' }],
      [`${controllersPath}/${controllerA}/readers/2`, { direction: 'exit', min_confidence: '0.5', repeat_window_s: '10', enabled: 'true' }],
    ];
    for (const [who, status] of [[sandboxPeople.sam, 403], [sandboxPeople.nora, 404]] as const) {
      const person = await signedInBrowser(baseUrl, who.email);
      for (const path of [settingsPath, controllersPath, readsPath]) assert.equal((await person.request(path)).status, status, `${who.email} ${path}`);
      const csrf = csrfToken((await person.request('/account')).body);
      for (const [action, form] of forms) assert.equal((await person.request(action, { form: { _csrf: csrf, ...form } })).status, status, `${who.email} ${action}`);
    }
    assert.deepEqual(await app.db.selectFrom('lpr_exclusions').selectAll().execute(), []);
    // Only the sandbox's own reader, as seeded.
    assert.deepEqual((await app.db.selectFrom('lpr_readers').select(['entity_number', 'direction', 'min_confidence', 'repeat_window_s', 'enabled']).execute()).map((row) => ({ ...row })), [
      { entity_number: 2, direction: 'both', min_confidence: 0.8, repeat_window_s: 30, enabled: 1 },
    ]);
    const account = await app.db.selectFrom('accounts').select('lpr_vehicle_cap').where('id', '=', residence).executeTakeFirstOrThrow();
    assert.equal(account.lpr_vehicle_cap, null);
    // Gia enforces: she sees the reads, not the Admin's pages.
    const gia = await signedInBrowser(baseUrl, sandboxPeople.gia.email);
    assert.equal((await gia.request(readsPath)).status, 200);
    assert.equal((await gia.request(settingsPath)).status, 403);
  });

  // axe-core runs its checks on the page's own timers: these contexts keep scripts on (the pages send none).
  for (const [label, options, width] of [['phone', { ...phone, javaScriptEnabled: true }, 390], ['desktop', desktop, 1280]] as const) {
    it(`passes axe-core on every LPR page, refusals and open forms included [${label}]`, async (t) => {
      const { baseUrl, app } = await startServer(t, 'sqlite');
      await insertReads(app, Math.floor(Date.UTC(2026, 2, 4, 15, 0, 0) / 1000));
      const context = await browser().newContext(options);
      t.after(() => context.close());
      const page = await context.newPage();
      await signIn(page, baseUrl, sandboxPeople.alex.email);

      await page.goto(`${baseUrl}${settingsPath}`);
      await page.locator('summary', { hasText: 'Exclude GIA404' }).click();
      await checkPage(page, 'lpr/account', width);
      await page.goto(`${baseUrl}${controllersPath}`);
      for (const summary of await page.locator('details.reader summary').all()) await summary.click();
      await checkPage(page, 'lpr/controllers', width);
      await page.goto(`${baseUrl}${readsPath}`);
      await checkPage(page, 'lpr/reads', width);
      await page.goto(`${baseUrl}${readsPath}?plate=%21%21`);
      await checkPage(page, 'lpr/reads-refused', width);
    });
  }
});
