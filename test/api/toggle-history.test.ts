import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordAccessEvent } from '../../src/access/history.ts';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

async function history(baseUrl: string, token: string, query: string) {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history/?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() as any };
}

/** 2026-03-07 12:00 New York time (EST, UTC-5), n minutes earlier each. */
const noonNewYork = Date.UTC(2026, 2, 7, 17, 0, 0) / 1000;

for (const engine of engines()) {
  describe(`GET /oauth/v1/endpoints/toggle-history [${engine}]`, () => {
    it('pages through 250 events with limit=100 exactly once each, newest first, and returns all 250 without limit', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      for (let i = 0; i < 250; i += 1) {
        // Pairs share a second, so the cursor must order by id within a timestamp.
        await recordAccessEvent(app.db, { doorId: sandboxDoors.garage.id, deviceId: sandboxDevices.a.id, personId: sandboxPeople.alex.id, channel: 'ParqEx Web', doorState: i % 2 ? 'OPEN' : 'CLOSED', wasSuccess: true, occurredAt: noonNewYork - Math.floor(i / 2) * 60 });
      }
      const window = 'start_date=2026-03-06&end_date=2026-03-07';
      const all = await history(baseUrl, access_token, `history_type=door&door_id=${compactId(sandboxDoors.garage.id)}&${window}`);
      assert.equal(all.status, 200);
      assert.equal(all.body.data.toggle_events.length, 250);
      assert.equal(all.body.data.next_cursor, undefined);

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await history(baseUrl, access_token, `door_id=${sandboxDoors.garage.id}&${window}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.ok(page.body.data.toggle_events.length <= 100);
        seen.push(...page.body.data.toggle_events.map((e: any) => `${e.toggle_date_time} ${e.door_state}`));
        cursor = page.body.data.next_cursor;
        pages += 1;
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(seen.length, 250);
      assert.deepEqual(seen, all.body.data.toggle_events.map((e: any) => `${e.toggle_date_time} ${e.door_state}`));
      const times = all.body.data.toggle_events.map((e: any) => e.toggle_date_time);
      assert.deepEqual(times, [...times].sort().reverse());
      const first = all.body.data.toggle_events[0];
      assert.deepEqual(first.user, { id: sandboxPeople.alex.id, first_name: 'Alex', last_name: 'Admin', email_address: sandboxPeople.alex.email });
      assert.equal(first.door_name, 'Garage');
      assert.equal(first.toggle_date_time, '2026-03-07 17:00:00');
    });

    it("reads dates in the person's time zone, inclusive, across a daylight-saving change", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      const at = (iso: string) => Date.parse(iso) / 1000;
      const events = {
        lastOfMarch7: at('2026-03-08T04:59:59Z'), // 23:59:59 EST on the 7th
        firstOfMarch8: at('2026-03-08T05:00:00Z'), // 00:00 EST on the 8th (DST starts 02:00 that day)
        lastOfMarch8: at('2026-03-09T03:59:59Z'), // 23:59:59 EDT on the 8th
        firstOfMarch9: at('2026-03-09T04:00:00Z'),
      };
      for (const occurredAt of Object.values(events)) {
        await recordAccessEvent(app.db, { doorId: sandboxDoors.lobby.id, deviceId: sandboxDevices.a.id, personId: null, channel: 'Door Sensor', doorState: 'OPEN', wasSuccess: true, occurredAt });
      }
      const day = await history(baseUrl, access_token, `device_id=${compactId(sandboxDevices.a.id)}&start_date=2026-03-08&end_date=2026-03-08`);
      assert.equal(day.status, 200);
      assert.deepEqual(day.body.data.toggle_events.map((e: any) => e.toggle_date_time), ['2026-03-09 03:59:59', '2026-03-08 05:00:00']);
      assert.deepEqual(day.body.data.toggle_events[0].user, { id: '', first_name: '', last_name: '', email_address: '' });
    });

    it("shows a User only their own events, and the Admin everyone's", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      for (const person of [sandboxPeople.alex.id, sandboxPeople.sam.id, null]) {
        await recordAccessEvent(app.db, { doorId: sandboxDoors.lobby.id, deviceId: sandboxDevices.a.id, personId: person, channel: 'Keypad', doorState: 'OPEN', wasSuccess: true });
      }
      const sam = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
      const alex = await sandboxTokens(baseUrl);
      const samDoor = await history(baseUrl, sam.access_token, `door_id=${compactId(sandboxDoors.lobby.id)}`);
      assert.equal(samDoor.body.data.toggle_events.length, 1);
      assert.equal(samDoor.body.data.toggle_events[0].user.first_name, 'Sam');
      const samOwn = await history(baseUrl, sam.access_token, '');
      assert.equal(samOwn.body.data.toggle_events.length, 1);
      const alexDoor = await history(baseUrl, alex.access_token, `history_type=door&door_id=${sandboxDoors.lobby.id.toUpperCase()}`);
      assert.equal(alexDoor.body.data.toggle_events.length, 3);
      const alexOwn = await history(baseUrl, alex.access_token, 'history_type=user');
      assert.equal(alexOwn.body.data.toggle_events.length, 1);
    });

    it('refuses a window of more than 10,000 events without paging, instead of cutting it short', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const rows = Array.from({ length: 10_001 }, (_, i) => ({
        id: `e${String(i).padStart(6, '0')}`, door_id: sandboxDoors.garage.id, device_id: sandboxDevices.a.id, person_id: null,
        channel: 'Door Sensor', door_state: 'OPEN' as const, was_success: 1, occurred_at: noonNewYork - i,
      }));
      for (let i = 0; i < rows.length; i += 500) await app.db.insertInto('access_events').values(rows.slice(i, i + 500)).execute();
      const { access_token } = await sandboxTokens(baseUrl);
      const unpaged = await history(baseUrl, access_token, `door_id=${sandboxDoors.garage.id}&start_date=2026-03-01&end_date=2026-03-08`);
      assert.equal(unpaged.status, 400);
      assert.match(unpaged.body.errors[0].message, /narrow start_date and end_date, or page with limit/);
      const paged = await history(baseUrl, access_token, `door_id=${sandboxDoors.garage.id}&start_date=2026-03-01&end_date=2026-03-08&limit=1000`);
      assert.equal(paged.status, 200);
      assert.equal(paged.body.data.toggle_events.length, 1000);
      assert.ok(paged.body.data.next_cursor);
    });
  });
}
