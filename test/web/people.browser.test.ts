// Issue 11, acceptance 3, in a real browser (Debian's Chromium driven by
// playwright-core): Alex invites a new address with weekday hours from the
// People page; the mail's link, opened on a phone, creates the login; the new
// person sees the door and the hours in the account's zone; Alex removes
// them and the door leaves their page and the API at once. Every Admin page
// passes axe-core at 390 and 1280 px; screenshots go to .tmp/screenshots.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxAccounts, sandboxPeople } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { checkPage } from '../helpers/accessibility.ts';
import { desktop, phoneWithoutScript, signIn, skipWithoutChromium, suiteBrowser } from '../helpers/chromium.ts';
import { apiBase, clientTokens, firstPartyClient, linkFromMailbox } from '../helpers/first-party.ts';

const phone = phoneWithoutScript;
const residence = sandboxAccounts.residence.id;
const newcomer = { email: 'robin.new@example.com', firstName: 'Robin', lastName: 'Newcomer', password: 'a long new password 42' };



async function syncedDoors(baseUrl: string, token: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}${apiBase}/sync`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  const body = await response.json() as { devices: { doors: { name: string }[] }[] };
  return body.devices.flatMap((device) => device.doors.map((door) => door.name));
}

describe('people and access for Admins [chromium]', { skip: skipWithoutChromium }, () => {
  const browser = suiteBrowser();

  it('invites with weekday hours, the link creates the login, the newcomer sees the door and hours, and removal takes it away at once', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const alexContext = await browser().newContext(desktop);
    t.after(() => alexContext.close());
    const alex = await alexContext.newPage();
    await signIn(alex, baseUrl, sandboxPeople.alex.email);

    await alex.goto(`${baseUrl}/accounts/${residence}/people`);
    await alex.getByLabel('Email address').fill(newcomer.email);
    await alex.getByLabel('Lobby Door').check();
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) await alex.locator('form.window').last().getByLabel(day, { exact: true }).check();
    await alex.locator('#invite-from').fill('09:00');
    await alex.locator('#invite-until').fill('17:00');
    await alex.getByRole('button', { name: 'Send invitation' }).click();
    await alex.waitForURL(/\/people$/);
    assert.equal(await alex.locator('#flash').innerText(), `Invitation sent to ${newcomer.email}.`);
    assert.match(await alex.locator('#invitations + ul').innerText(), /mon, tue, wed, thu, fri 09:00–17:00 America\/New_York time/);

    // The newcomer, on a phone without JavaScript, opens the mail's link.
    const link = await linkFromMailbox(baseUrl, newcomer.email);
    const robinContext = await browser().newContext(phone);
    t.after(() => robinContext.close());
    const robin = await robinContext.newPage();
    await robin.goto(link);
    await robin.getByLabel('First name').fill(newcomer.firstName);
    await robin.getByLabel('Last name').fill(newcomer.lastName);
    await robin.getByLabel(/^Password/).fill(newcomer.password);
    await robin.getByRole('button', { name: 'Create login and accept' }).click();
    await robin.waitForURL(/\/account$/);
    const doors = await robin.locator('main').innerText();
    assert.match(doors, /Lobby Door/);
    assert.match(doors, /mon, tue, wed, thu, fri 09:00–17:00 America\/New_York time/);
    const token = (await clientTokens(baseUrl, firstPartyClient(baseUrl), { email: newcomer.email, password: newcomer.password })).access_token;
    assert.deepEqual(await syncedDoors(baseUrl, token), ['Lobby Door']);

    // Alex sees Robin among the members and at the Lobby Door, then removes Robin.
    await alex.goto(`${baseUrl}/accounts/${residence}/people`);
    assert.match(await alex.locator('main').innerText(), /Robin Newcomer \(robin\.new@example\.com\): mon, tue, wed, thu, fri 09:00–17:00 America\/New_York time/);
    await checkPage(alex, 'people-people', 1280);
    await alex.getByRole('link', { name: 'Remove Robin Newcomer' }).click();
    await alex.waitForURL(/\/remove$/);
    assert.equal(await alex.getByRole('heading', { level: 1 }).innerText(), 'Remove Robin Newcomer from the account?');
    await checkPage(alex, 'people-remove-member', 1280);
    await alex.getByRole('button', { name: 'Remove Robin Newcomer' }).click();
    await alex.waitForURL(/\/people$/);
    assert.equal(await alex.locator('#flash').innerText(), 'Robin Newcomer was removed from the account.');

    await robin.reload();
    assert.doesNotMatch(await robin.locator('main').innerText(), /Lobby Door/);
    assert.deepEqual(await syncedDoors(baseUrl, token), []);
  });

  // axe-core runs its checks on the page's own timers: these contexts keep scripts on (the pages send none).
  for (const [label, options, width] of [['phone', { ...phone, javaScriptEnabled: true }, 390], ['desktop', desktop, 1280]] as const) {
    it(`passes axe-core on every Admin page, refusals included [${label}]`, async (t) => {
      const { baseUrl } = await startServer(t, 'sqlite');
      const context = await browser().newContext(options);
      t.after(() => context.close());
      const page = await context.newPage();
      await signIn(page, baseUrl, sandboxPeople.alex.email);
      for (const [name, path] of [['accounts', '/accounts'], ['people', `/accounts/${residence}/people`], ['controllers', `/accounts/${residence}/controllers`], ['account-settings', `/accounts/${residence}/settings`]] as const) {
        await page.goto(`${baseUrl}${path}`);
        assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, name);
        await checkPage(page, 'people-' + name, width);
      }
      // A refused invitation: the alert at the top, the field marked.
      await page.goto(`${baseUrl}/accounts/${residence}/people`);
      await page.getByLabel('Email address').fill('nobody@example.com');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.waitForURL(/\/people#flash$/);
      assert.match(await page.locator('#flash').innerText(), /door_ids/);
      await checkPage(page, 'people-' + 'people-refused', width);
      const samContext = await browser().newContext(options);
      t.after(() => samContext.close());
      const sam = await samContext.newPage();
      await signIn(sam, baseUrl, sandboxPeople.sam.email);
      const refused = await sam.goto(`${baseUrl}/accounts/${residence}/people`);
      assert.equal(refused?.status(), 403);
    });
  }
});
