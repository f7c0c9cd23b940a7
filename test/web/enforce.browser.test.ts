// Issue 14, acceptance 2, in a real browser (Debian's Chromium driven by
// playwright-core): Gia on a 390 px phone without JavaScript looks ZZZ999 up
// at /enforce, issues a notice with a photo, finds it in the list, and Alex
// voids it with a note; then axe-core on every patrol page at 390 and 1280 px.
// Screenshots go to .tmp/screenshots/enforce/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { raiseAlert } from '../../src/access/enforcer/alerts.ts';
import type { App } from '../../src/app.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { checkPage, screenshotDir } from '../helpers/accessibility.ts';
import { startServer } from '../helpers/build-app.ts';
import { desktop, phoneWithoutScript, signIn, skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';

const phone = phoneWithoutScript;
const enforce = `/enforce/${sandboxAccounts.residence.id}`;

mkdirSync(join(screenshotDir, 'enforce'), { recursive: true });

/** A small opaque PNG drawn here: a 24 × 16 blue and orange flag, so the thumbnail shows something. */
function flagPng(): Buffer {
  const width = 24;
  const height = 16;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Array.from({ length: height }, (_, y) => Buffer.from([0, ...Array.from({ length: width }, () => (y < height / 2 ? [11, 99, 206] : [240, 140, 20])).flat()]));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

async function openAlert(app: App): Promise<string> {
  await app.db.transaction().execute((trx) => raiseAlert(trx, { accountId: sandboxAccounts.residence.id, trigger: 'unauthorized_vehicle', doorId: sandboxDoors.gate.id, plateKey: 'ZZZ999', at: Math.floor(Date.now() / 1000) }));
  return (await app.db.selectFrom('enforcement_alerts').select('id').executeTakeFirstOrThrow()).id;
}

describe('the patrol pages [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  it('Gia on a phone looks up ZZZ999, issues a notice with a photo and finds it in the list; Alex voids it with a note', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const context = await browser().newContext(phone);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, baseUrl, sandboxPeople.gia.email);

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Enforce' }).click();
    await page.waitForURL((url) => url.pathname === enforce);
    await page.getByLabel('Plate', { exact: true }).fill('zzz 999');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.waitForURL(/plate=zzz\+999/);
    const result = page.locator('section.plate-result');
    assert.equal(await result.getByRole('heading', { level: 2 }).innerText(), 'ZZZ999');
    assert.equal(await result.locator('.plate-status').innerText(), 'Unknown');
    assert.match(await result.innerText(), /Nothing lets this plate stay here\.[\s\S]*The plate readers have not seen it\.[\s\S]*Open notices\s+None\./);
    await checkPage(page, 'enforce/lookup-unknown', 390, { javaScript: false });

    await result.getByRole('link', { name: 'Issue a notice for ZZZ999' }).click();
    await page.waitForURL((url) => url.pathname === `${enforce}/notices/new`);
    assert.equal(await page.getByLabel('Plate', { exact: true }).inputValue(), 'ZZZ999');
    await page.getByLabel('Kind').selectOption('violation');
    await page.getByLabel('Colour').fill('Blue');
    await page.getByLabel('Make').fill('Volvo');
    await page.getByLabel('Location').fill('Visitor bay 4');
    await page.getByLabel('Description').fill('Parked across two visitor bays.');
    await page.getByLabel('Photos').setInputFiles({ name: 'bay4.png', mimeType: 'image/png', buffer: flagPng() });
    await checkPage(page, 'enforce/issue', 390, { javaScript: false });
    await page.getByRole('button', { name: 'Issue notice' }).click();
    await page.waitForURL((url) => url.pathname === `${enforce}/notices/PN-000001`);
    assert.equal(await page.locator('#flash').innerText(), 'Notice PN-000001 issued to ZZZ999 with 1 photo.');
    const photo = page.getByRole('img', { name: 'Photo 1 of notice PN-000001' });
    const served = await context.request.get(new URL((await photo.getAttribute('src'))!, baseUrl).toString());
    assert.equal(served.status(), 200);
    assert.equal(served.headers()['content-type'], 'image/png');
    assert.deepEqual(await served.body(), flagPng());
    await checkPage(page, 'enforce/notice-issued', 390, { javaScript: false });

    await page.getByRole('navigation', { name: 'Patrol' }).getByRole('link', { name: 'Notices' }).click();
    await page.waitForURL((url) => url.pathname === `${enforce}/notices`);
    const card = page.locator('ul.notices > li').first();
    assert.match(await card.innerText(), /^PN-000001 · Violation\s+ZZZ999, Blue Volvo Issued\s+.* · Visitor bay 4$/);
    await checkPage(page, 'enforce/notices', 390, { javaScript: false });

    const alexContext = await browser().newContext(desktop);
    t.after(() => alexContext.close());
    const alex = await alexContext.newPage();
    await signIn(alex, baseUrl, sandboxPeople.alex.email);
    await alex.goto(`${baseUrl}${enforce}/notices`);
    await alex.getByRole('link', { name: 'PN-000001' }).click();
    await alex.waitForURL((url) => url.pathname === `${enforce}/notices/PN-000001`);
    await alex.getByLabel('New status').selectOption('voided');
    await alex.getByLabel(/^Note/).fill('Issued to the wrong car: the owner showed a pass.');
    await alex.getByRole('button', { name: 'Change status' }).click();
    await alex.waitForURL((url) => url.pathname === `${enforce}/notices/PN-000001`);
    assert.equal(await alex.locator('#flash').innerText(), 'Notice PN-000001 is now voided.');
    assert.match(await alex.locator('dl.notice-facts').innerText(), /Status\s+Voided/);
    assert.match(await alex.locator('ol.log').last().innerText(), /Alex Admin: Voided · Issued to the wrong car: the owner showed a pass\./);
    assert.equal(await alex.getByRole('button', { name: 'Change status' }).count(), 0);
    await checkPage(alex, 'enforce/notice-voided', 1280);

    // Gia's list says so too.
    await page.reload();
    assert.match(await card.innerText(), /Voided/);
  });

  // axe-core runs its checks on the page's own timers: these contexts keep scripts on (the pages send none).
  for (const [label, options, width] of [['phone', { ...phone, javaScriptEnabled: true }, 390], ['desktop', desktop, 1280]] as const) {
    it(`passes axe-core on every patrol page, refusals and the printable notice included [${label}]`, async (t) => {
      const { baseUrl, app } = await startServer(t, 'sqlite');
      const alertId = await openAlert(app);
      const context = await browser().newContext(options);
      t.after(() => context.close());
      const page = await context.newPage();
      await signIn(page, baseUrl, sandboxPeople.alex.email);

      await page.goto(`${baseUrl}/enforce`);
      await page.waitForURL((url) => url.pathname === enforce);
      await checkPage(page, 'enforce/lookup', width);
      await page.goto(`${baseUrl}${enforce}?plate=GIA404`);
      await checkPage(page, 'enforce/lookup-member', width);
      await page.goto(`${baseUrl}${enforce}?plate=%21%21`);
      await checkPage(page, 'enforce/lookup-refused', width);

      await page.goto(`${baseUrl}${enforce}/notices/new?plate=GIA404`);
      await page.getByRole('button', { name: 'Issue notice' }).click();
      await page.waitForURL(/\/notices\/new#flash$/);
      assert.match(await page.locator('#flash').innerText(), /^The plate GIA404 may be here/);
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'flash');
      await checkPage(page, 'enforce/issue-refused', width);
      await page.getByLabel('Plate', { exact: true }).fill('ZZZ999');
      await page.getByLabel('Photos').setInputFiles({ name: 'bay4.png', mimeType: 'image/png', buffer: flagPng() });
      await page.getByRole('button', { name: 'Issue notice' }).click();
      await page.waitForURL(/\/notices\/PN-000001$/);
      await checkPage(page, 'enforce/notice', width);
      await page.getByLabel('New status').selectOption('dismissed');
      await page.getByRole('button', { name: 'Change status' }).click();
      await page.waitForURL(/\/notices\/PN-000001#flash$/);
      await checkPage(page, 'enforce/notice-refused', width);
      await page.goto(`${baseUrl}${enforce}/notices/PN-000001/print`);
      await checkPage(page, 'enforce/notice-print', width);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.print-hide').isVisible(), false, 'the way back is not printed');
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`${baseUrl}${enforce}/notices`);
      await checkPage(page, 'enforce/notices-list', width);

      await page.goto(`${baseUrl}${enforce}/alerts`);
      await checkPage(page, 'enforce/alerts', width);
      await page.goto(`${baseUrl}${enforce}/alerts/${alertId}`);
      await checkPage(page, 'enforce/alert', width);
      // The browser itself would stop an empty note (required); one that does not check meets the server's refusal.
      await page.locator('form[action$="/reject"]').evaluate((element) => { (element as unknown as { noValidate: boolean }).noValidate = true; });
      await page.getByRole('button', { name: 'Reject alert' }).click();
      await page.waitForURL(/#flash$/);
      assert.equal(await page.locator('#flash').innerText(), 'Invalid note: it is required.');
      await checkPage(page, 'enforce/alert-refused', width);
      await page.getByLabel('Note', { exact: true }).fill('It read 2ZZ999');
      await page.getByLabel('Reason').selectOption('misread');
      await page.getByRole('button', { name: 'Reject alert' }).click();
      await page.waitForURL((url) => url.pathname === `${enforce}/alerts/${alertId}`);
      assert.equal(await page.locator('#flash').innerText(), 'Alert rejected: the plate was misread.');
      await checkPage(page, 'enforce/alert-rejected', width);
    });
  }
});
