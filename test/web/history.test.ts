import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordAccessEvent } from '../../src/access/history.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import type { App } from '../../src/app.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser } from '../helpers/browser.ts';

const { alex, sam } = sandboxPeople;
/** 2026-06-10 12:00 in New York. */
const noon = Math.floor(Date.parse('2026-06-10T12:00:00-04:00') / 1000);

/** Each row of the history table as its cells' text. */
function rows(page: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()));
}

async function seedEvents(app: App) {
  const event = (doorId: string, personId: string | null, channel: string, wasSuccess: boolean, minutes: number) =>
    recordAccessEvent(app.db, { doorId, deviceId: doorId === sandboxDoors.sideGarage.id ? sandboxDevices.b.id : sandboxDevices.a.id, personId, channel, doorState: 'OPEN', wasSuccess, occurredAt: noon + minutes * 60 });
  await event(sandboxDoors.garage.id, alex.id, 'ParqEx Web', true, 0);
  await event(sandboxDoors.gate.id, sam.id, 'Keypad', true, 10);
  await event(sandboxDoors.gate.id, sam.id, 'API: Sandbox Smart Home', false, 20);
  await event(sandboxDoors.lobby.id, null, 'Door Sensor', true, 30);
  await event(sandboxDoors.lobby.id, alex.id, 'Keypad', true, 40);
}

const june = 'from=2026-06-01&to=2026-06-30';

for (const engine of engines()) {
  describe(`the History page [${engine}]`, () => {
    it("shows an Admin every event of the account's doors, newest first, in their zone, named", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await seedEvents(app);
      const page = await (await signedInBrowser(baseUrl, alex.email)).request(`/account/history?${june}`);
      assert.equal(page.status, 200);
      assert.deepEqual(rows(page.body), [
        ['2026-06-10 12:40 America/New_York', 'Lobby Door', 'You', 'Open', 'Keypad', '✓ Done'],
        ['2026-06-10 12:30 America/New_York', 'Lobby Door', 'Nobody (the door itself)', 'Open', 'Door Sensor', '✓ Done'],
        ['2026-06-10 12:20 America/New_York', 'Driveway Gate', 'Sam User', 'Open', 'API: Sandbox Smart Home', '✕ Refused'],
        ['2026-06-10 12:10 America/New_York', 'Driveway Gate', 'Sam User', 'Open', 'Keypad', '✓ Done'],
        ['2026-06-10 12:00 America/New_York', 'Garage', 'You', 'Open', 'ParqEx Web', '✓ Done'],
      ]);
      assert.match(page.body, /<caption id="history-caption">Events, newest first \(America\/New_York time\)<\/caption>/);
      assert.match(page.body, /<th scope="col">When<\/th>/);
      assert.match(page.body, /<a href="\/account\/history" aria-current="page">History<\/a>/);
    });

    it('filters by door, person, outcome and channel, and keeps the choices in the form', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await seedEvents(app);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const when = async (query: string) => rows((await browser.request(`/account/history?${june}&${query}`)).body).map((row) => row[0]!.slice(11, 16));
      assert.deepEqual(await when(`door=${sandboxDoors.gate.id}`), ['12:20', '12:10']);
      assert.deepEqual(await when(`person=${sam.id}`), ['12:20', '12:10']);
      assert.deepEqual(await when('outcome=refused'), ['12:20']);
      assert.deepEqual(await when('outcome=done&channel=Keypad'), ['12:40', '12:10']);
      assert.deepEqual(await when(`channel=${encodeURIComponent('API: ')}`), ['12:20']);
      assert.deepEqual(await when(`door=${sandboxDoors.lobby.id}&person=${sam.id}`), []);
      const filtered = await browser.request(`/account/history?${june}&door=${sandboxDoors.gate.id}&person=${sam.id}`);
      assert.match(filtered.body, new RegExp(`<option value="${sandboxDoors.gate.id}" selected>Driveway Gate \\(Sandbox Residence\\)</option>`));
      assert.match(filtered.body, new RegExp(`<option value="${sam.id}" selected>Sam User</option>`));
      assert.match(filtered.body, /id="filter-from" name="from" type="date" value="2026-06-01"/);
      // Dates are the person's own days: 12:40 New York is 18:40 in Paris, still 10 June.
      await app.db.updateTable('person_settings').set({ time_zone: 'Europe/Paris' }).where('person_id', '=', alex.id).execute();
      const paris = rows((await browser.request('/account/history?from=2026-06-10&to=2026-06-10')).body);
      assert.equal(paris[0]![0], '2026-06-10 18:40 Europe/Paris');
      assert.equal(paris.length, 5);
    });

    it('shows Sam only his own events, and refuses what is not his with a message [400]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await seedEvents(app);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const page = await browser.request(`/account/history?${june}`);
      assert.deepEqual(rows(page.body).map((row) => [row[1], row[2], row[4]]), [['Driveway Gate', 'You', 'API: Sandbox Smart Home'], ['Driveway Gate', 'You', 'Keypad']]);
      assert.doesNotMatch(page.body, /Garage|filter-person/);
      for (const [query, message] of [
        [`door=${sandboxDoors.garage.id}`, 'That door is not one of yours. Choose a door from the list.'],
        [`door=${sandboxDoors.neighborGarage.id}`, 'That door is not one of yours. Choose a door from the list.'],
        [`person=${alex.id}`, 'Choose a person from the list.'],
        ['outcome=maybe', 'Choose an outcome from the list.'],
        ['channel=Pigeon', 'Choose a channel from the list.'],
        ['from=2026-13-45', 'From must be a date as YYYY-MM-DD.'],
        ['from=2026-06-30&to=2026-06-01', 'From must not be after To.'],
        ['cursor=forged', 'cursor is not one this server gave out.'],
      ] as const) {
        const refused = await browser.request(`/account/history?${query}`);
        assert.equal(refused.status, 400, query);
        assert.equal(/<p class="error" role="alert" id="filter-problem">([^<]*)<\/p>/.exec(refused.body)?.[1], message.replace(/'/g, '&#39;'), query);
        assert.doesNotMatch(refused.body, /<tbody>/);
      }
      const tooLong = await browser.request(`/account/history?door=${'x'.repeat(600)}`);
      assert.equal(tooLong.status, 400);
    });

    it('says when there is nothing, and sends a signed-out visitor to sign in', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const page = await (await signedInBrowser(baseUrl, sam.email)).request('/account/history');
      assert.equal(page.status, 200);
      assert.match(page.body, /No events in the last 30 days\./);
      const visitor = await new Browser(baseUrl).request('/account/history?door=x');
      assert.equal(visitor.status, 303);
      assert.equal(visitor.location, '/login?next=%2Faccount%2Fhistory%3Fdoor%3Dx');
    });

    it('pages 50 events at a time with Older events and Newest events links', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      for (let i = 0; i < 55; i += 1) {
        await recordAccessEvent(app.db, { doorId: sandboxDoors.garage.id, deviceId: sandboxDevices.a.id, personId: alex.id, channel: 'ParqEx Web', doorState: 'OPEN', wasSuccess: true, occurredAt: noon + i * 60 });
      }
      const browser = await signedInBrowser(baseUrl, alex.email);
      const first = await browser.request(`/account/history?${june}`);
      assert.equal(rows(first.body).length, 50);
      const older = /<a href="([^"]+)">Older events<\/a>/.exec(first.body)?.[1]?.replace(/&#38;/g, '&');
      assert.ok(older);
      const second = await browser.request(older);
      assert.equal(rows(second.body).length, 5);
      assert.equal(rows(second.body)[4]![0], '2026-06-10 12:00 America/New_York');
      assert.doesNotMatch(second.body, /Older events/);
      assert.match(second.body, /<a href="\/account\/history\?from=2026-06-01&#38;to=2026-06-30">Newest events<\/a>/);
    });
  });
}
