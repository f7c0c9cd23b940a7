import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { engines, freshPostgresUrl, postgresSkipReason, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { createDeveloperPerson } from '../helpers/developers.ts';
import { openStream } from '../helpers/event-stream.ts';

const { alex, sam } = sandboxPeople;
const toggleUrl = (doorId: string) => `/account/doors/${doorId}/toggle`;

/** The state said on the Doors page for one door. */
function stateOf(page: string, doorId: string): string | undefined {
  const card = new RegExp(`<li class="door" id="door-${doorId}"[\\s\\S]*?<span class="state-text">([^<]*)</span>`).exec(page);
  return card?.[1];
}

const doorIdsOn = (page: string) => [...page.matchAll(/<li class="door" id="door-([^"]+)"/g)].map((match) => match[1]);

for (const engine of engines()) {
  describe(`the Doors page [${engine}]`, () => {
    it('offers a person without doors to create an account of their own', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const { email } = await createDeveloperPerson(app.db, 'Robin');
      const page = await (await signedInBrowser(baseUrl, email)).request('/account');
      assert.match(page.body, /No doors yet\./);
      assert.match(page.body, /<a class="button secondary" href="\/accounts\/new">Create an account<\/a>/);
      assert.doesNotMatch((await (await signedInBrowser(baseUrl, alex.email)).request('/account')).body, /href="\/accounts\/new"/);
    });

    it('opens the garage for Alex with a 303, says so once at the top, and a reload sends nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      const browser = await signedInBrowser(baseUrl, alex.email);
      const page = await browser.request('/account');
      assert.match(page.body, new RegExp(`action="${toggleUrl(sandboxDoors.garage.id)}"`));
      assert.doesNotMatch(page.body, new RegExp(`action="${toggleUrl(sandboxDoors.sideGarage.id)}"`), 'no buttons for a door without a sensor');
      const opened = await browser.request(toggleUrl(sandboxDoors.garage.id), { form: { _csrf: csrfToken(page.body), state: 'OPEN' } });
      assert.equal(opened.status, 303);
      assert.equal(opened.location, `/account#door-${sandboxDoors.garage.id}`);
      assert.equal(controller.movements, 1);
      const result = await browser.request(opened.location);
      assert.match(result.body, /<p class="notice" role="status" id="flash">Garage: opening\.<\/p>/);
      await until(() => controller.movements === 1 && stateOf(result.body, sandboxDoors.garage.id) !== undefined);
      for (let reload = 0; reload < 3; reload += 1) {
        const again = await browser.request('/account');
        assert.equal(again.status, 200);
        assert.doesNotMatch(again.body, /Garage: opening\./);
      }
      const commands = await app.db.selectFrom('door_commands').select('id').where('door_id', '=', sandboxDoors.garage.id).execute();
      assert.equal(commands.length, 1);
      assert.equal(controller.movements, 1);
      const rows = await app.db.selectFrom('access_events').select(['channel', 'person_id', 'was_success']).where('door_id', '=', sandboxDoors.garage.id).where('channel', '=', 'ParqEx Web').execute();
      assert.deepEqual(rows.map((row) => ({ ...row })), [{ channel: 'ParqEx Web', person_id: alex.id, was_success: 1 }]);
      await until(async () => stateOf((await browser.request('/account')).body, sandboxDoors.garage.id) === 'Open');
    });

    it("refuses Sam outside his hours with a 303 and the reason at the top, and a door he cannot see as not found", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      const browser = await signedInBrowser(baseUrl, sam.email);
      const page = await browser.request('/account');
      const hidden = await browser.request(toggleUrl(sandboxDoors.garage.id), { form: { _csrf: csrfToken(page.body), state: 'OPEN' } });
      assert.equal(hidden.status, 404);
      t.mock.timers.enable({ apis: ['Date'], now: new Date('2026-06-10T23:00:00-04:00') });
      const refused = await browser.request(toggleUrl(sandboxDoors.gate.id), { form: { _csrf: csrfToken(page.body), state: 'OPEN' } });
      assert.equal(refused.status, 303);
      assert.equal(refused.location, '/account#flash');
      // Still at that time: the flash cookie's lifetime is counted on the same clock.
      const result = await browser.request('/account');
      t.mock.timers.reset();
      assert.equal(result.status, 200, result.location);
      assert.match(result.body, /<main id="main" class="content" tabindex="-1">\s*<p class="error" role="alert" id="flash" tabindex="-1">You may not operate Driveway Gate at this time of day\.<\/p>/);
      assert.equal(controller.movements, 0);
    });

    it('shows Sam only his doors, with his hours in the account\'s zone, named', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const page = await (await signedInBrowser(baseUrl, sam.email)).request('/account');
      assert.deepEqual(doorIdsOn(page.body).sort(), [sandboxDoors.gate.id, sandboxDoors.lobby.id].sort());
      assert.doesNotMatch(page.body, /Garage|Neighbor/);
      const hoursAt = (doorId: string) => new RegExp(`<li class="door" id="door-${doorId}"[\\s\\S]*?<p class="hours-heading">Your hours</p>\\s*<ul class="hours">([\\s\\S]*?)</ul>`).exec(page.body)?.[1];
      assert.equal(hoursAt(sandboxDoors.gate.id), '<li>every day 06:00–22:00 America/New_York time</li>');
      assert.equal(hoursAt(sandboxDoors.lobby.id), '<li>Any time</li>');
      assert.match(page.body, /<h2 id="account-[^"]+">Sandbox Residence<\/h2>\s*<p class="muted">Hours at Sandbox Residence are read in America\/New_York time\.<\/p>/);
    });

    it('says offline when the controller is, and unknown (never closed) for a door without a sensor', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const before = await browser.request('/account');
      assert.equal(stateOf(before.body, sandboxDoors.garage.id), 'Offline');
      await sandboxController(t, app, 'a');
      await sandboxController(t, app, 'b');
      const page = await browser.request('/account');
      assert.equal(stateOf(page.body, sandboxDoors.garage.id), 'Closed');
      assert.equal(stateOf(page.body, sandboxDoors.sideGarage.id), 'State unknown');
      assert.match(page.body, /This door has no sensor, so ParqEx cannot see whether it is open\./);
      assert.match(page.body, /data-state="unknown"/);
    });

    it('streams the garage going opening → open and its history row, only to people who see it', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a', { travelMs: 1500 });
      const alexBrowser = await signedInBrowser(baseUrl, alex.email);
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      const alexStream = await openStream(alexBrowser, '/account/doors/live');
      const samStream = await openStream(samBrowser, '/account/doors/live');
      t.after(() => {
        alexStream.close();
        samStream.close();
      });
      assert.equal(alexStream.status, 200);
      assert.match(alexStream.contentType ?? '', /^text\/event-stream/);
      const first = await alexStream.waitFor((event) => event.event === 'doors');
      assert.ok((first.data as { id: string }[]).some((door) => door.id === sandboxDoors.garage.id));

      const page = await alexBrowser.request('/account');
      await alexBrowser.request(toggleUrl(sandboxDoors.garage.id), { form: { _csrf: csrfToken(page.body), state: 'OPEN' } });
      const garageIs = (state: string) => (event: { event: string; data: unknown }) => event.event === 'doors' && (event.data as { id: string; state: string }[]).some((door) => door.id === sandboxDoors.garage.id && door.state === state);
      await alexStream.waitFor(garageIs('opening'));
      await alexStream.waitFor(garageIs('open'));
      const row = await alexStream.waitFor((event) => event.event === 'activity');
      assert.deepEqual({ ...(row.data as object), id: undefined, when: undefined }, { id: undefined, when: undefined, door: 'Garage', who: 'You', what: 'Open', channel: 'ParqEx Web', outcome: 'Done' });
      assert.match((row.data as { when: string }).when, /^\d{4}-\d\d-\d\d \d\d:\d\d America\/New_York$/);
      assert.equal(controller.movements, 1);

      await samStream.waitFor((event) => event.event === 'doors');
      const samDoors = new Set(samStream.events.flatMap((event) => event.event === 'doors' ? (event.data as { id: string }[]).map((door) => door.id) : []));
      assert.deepEqual([...samDoors].sort(), [sandboxDoors.gate.id, sandboxDoors.lobby.id].sort());
      assert.equal(samStream.events.filter((event) => event.event === 'activity').length, 0);
    });

    it('limits live streams per person, and sends a signed-out visitor to sign in', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const streams: Awaited<ReturnType<typeof openStream>>[] = [];
      for (let i = 0; i < 4; i += 1) streams.push(await openStream(browser, '/account/doors/live'));
      t.after(() => streams.forEach((stream) => stream.close()));
      assert.deepEqual(streams.map((stream) => stream.status), [200, 200, 200, 200]);
      const fifth = await openStream(browser, '/account/doors/live');
      assert.equal(fifth.status, 429);
      streams.pop()!.close();
      await until(async () => {
        const next = await openStream(browser, '/account/doors/live');
        if (next.status === 200) streams.push(next);
        return next.status === 200;
      });
      const visitor = await openStream(new Browser(baseUrl), '/account/doors/live');
      assert.equal(visitor.status, 303);
    });

    it("tells Sam's stream when a door is no longer his", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const stream = await openStream(await signedInBrowser(baseUrl, sam.email), '/account/doors/live');
      t.after(() => stream.close());
      await stream.waitFor((event) => event.event === 'doors');
      await app.db.deleteFrom('door_access').where('person_id', '=', sam.id).where('door_id', '=', sandboxDoors.gate.id).execute();
      const gone = await stream.waitFor((event) => event.event === 'gone');
      assert.deepEqual(gone.data, [sandboxDoors.gate.id]);
    });

    it('ends a live stream soon after its person signs out', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const stream = await openStream(browser, '/account/doors/live');
      t.after(() => stream.close());
      await stream.waitFor((event) => event.event === 'doors');
      const page = await browser.request('/account');
      assert.equal((await browser.request('/logout', { form: { _csrf: csrfToken(page.body) } })).status, 303);
      const started = Date.now();
      await stream.ended;
      assert.ok(Date.now() - started < 6000, `the stream lasted ${Date.now() - started} ms after sign-out`);
      assert.equal((await openStream(browser, '/account/doors/live')).status, 303);
    });
  });
}

describe('the live stream across server processes [postgres]', { skip: postgresSkipReason }, () => {
  it("shows on one server's stream a door moved through another server sharing the database", async (t) => {
    const shared = await freshPostgresUrl();
    t.after(() => shared.drop());
    // One deployment: the same database and the same secrets, two processes.
    const deployment = { DATABASE_URL: shared.url, PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url'), PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const first = await startServer(t, 'postgres', deployment);
    const second = await startServer(t, 'postgres', deployment);
    const controller = await sandboxController(t, first.app, 'a', { travelMs: 800 });
    const watcher = await signedInBrowser(second.baseUrl, alex.email);
    const stream = await openStream(watcher, '/account/doors/live');
    t.after(() => stream.close());
    await stream.waitFor((event) => event.event === 'doors');

    const actor = await signedInBrowser(first.baseUrl, alex.email);
    const page = await actor.request('/account');
    assert.equal((await actor.request(toggleUrl(sandboxDoors.garage.id), { form: { _csrf: csrfToken(page.body), state: 'OPEN' } })).status, 303);
    await stream.waitFor((event) => event.event === 'doors' && (event.data as { id: string; state: string }[]).some((door) => door.id === sandboxDoors.garage.id && door.state === 'open'));
    await stream.waitFor((event) => event.event === 'activity' && (event.data as { door: string }).door === 'Garage');
    assert.equal(controller.movements, 1);
  });
});
