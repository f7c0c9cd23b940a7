// Unit links (phase2.md D.3) through HTTP: Gia's link "Unit 4B" made in the
// Guests section, a visitor registering on /u/{token} without a login, the
// approval, and the visitor's plate at the Driveway Gate (Acceptance D 5, on
// the manual clock: Friday 2026-03-06 in New York); the page's refusals
// (unknown 404, inactive 410, the 11th registration in an hour 429) and the
// section's 403 for Sam.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { App } from '../../src/app.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser, submitAndFollow } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { until } from '../helpers/controllers.ts';
import { mailsTo } from '../helpers/identity.ts';

const { alex, gia, sam } = sandboxPeople;
const fridayEvening = { PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-06T17:00:00-05:00', PARQEX_WEBHOOKS: 'false' };
const section = '/account/guests';
const visitor = { name: 'Vera Visitor', email: 'vera@example.com', plate: 'VIS 1', starts_at: '2026-03-06T19:00', ends_at: '2026-03-06T21:00' };

/** Gia makes a link in the Guests section; its url as the section shows it, to copy. */
async function createLink(browser: Browser, fields: { label: string; auto_approve?: string }): Promise<string> {
  const made = await submitAndFollow(browser, `${section}/links`, { doors: sandboxDoors.gate.id, max_hours: '24', ...fields }, section);
  assert.equal(made.flash.info, `Unit link "${fields.label}" created: share its address with your visitors.`);
  const url = new RegExp(`<strong>${fields.label}</strong>[\\s\\S]*?readonly value="([^"]+)"`).exec(made.page.body)?.[1];
  assert.ok(url, 'the link\'s address is shown');
  assert.match(url, /\/u\/[A-Za-z0-9_-]{43}$/);
  return new URL(url).pathname;
}

function linkInMail(text: string): string {
  return /https?:\/\/\S+\/g\/[A-Za-z0-9_-]{43}/.exec(text)![0];
}

async function passes(app: App) {
  return app.db.selectFrom('guest_passes').select(['guest_name', 'guest_email', 'plate', 'state', 'issuer_id', 'unit_link_id', 'starts_at', 'ends_at']).orderBy('created_at').execute();
}

for (const engine of engines()) {
  describe(`unit links [${engine}]`, () => {
    it('Gia\'s "Unit 4B": VIS 1 registers for 19:00–21:00 → pending, Gia mailed; approved → scheduled; VIS1 at 19:05 → granted (acceptance D 5)', async (t) => {
      const { app, baseUrl } = await startServer(t, engine, { ...fridayEvening, PARQEX_SIMULATOR: 'true', PARQEX_SIMULATOR_TRAVEL_MS: '10' });
      const browser = await signedInBrowser(baseUrl, gia.email);
      const path = await createLink(browser, { label: 'Unit 4B' });

      const guest = new Browser(baseUrl);
      const form = await guest.request(path);
      assert.equal(form.status, 200);
      assert.equal(form.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(form.headers.get('cache-control'), 'no-store');
      assert.match(form.headers.get('x-robots-tag') ?? '', /noindex/);
      assert.match(form.body, /<h1>Visit Unit 4B<\/h1>/);
      assert.match(form.body, /Gia approves it/);
      assert.match(form.body, /Doors: Driveway Gate\. At most 24 hours; times are America\/New_York time\./);
      // This evening is the default visit: 19:00 to 21:00.
      assert.match(form.body, /name="starts_at" type="datetime-local" required value="2026-03-06T19:00"/);
      assert.match(form.body, /name="ends_at" type="datetime-local" required value="2026-03-06T21:00"/);

      const sent = await guest.request(path, { form: { _csrf: csrfToken(form.body), ...visitor } });
      assert.equal(sent.status, 303, sent.body.slice(0, 400));
      assert.equal(sent.location, `${path}/done`);
      const done = await guest.request(sent.location!);
      assert.match(done.body, /Thank you\. Gia was asked to approve your visit; we will email vera@example\.com the answer\./);
      const reloaded = await guest.request(sent.location!);
      assert.doesNotMatch(reloaded.body, /Thank you/, 'the outcome is said once');

      const [pending] = await passes(app);
      assert.deepEqual({ ...pending, unit_link_id: pending!.unit_link_id !== null }, {
        guest_name: 'Vera Visitor', guest_email: 'vera@example.com', plate: 'VIS1', state: 'pending', issuer_id: gia.id, unit_link_id: true,
        starts_at: Date.parse('2026-03-06T19:00:00-05:00') / 1000, ends_at: Date.parse('2026-03-06T21:00:00-05:00') / 1000,
      });
      const [toGia] = await mailsTo(app, gia.email);
      assert.equal(toGia?.subject, 'Vera Visitor asks for a guest pass');
      assert.match(toGia!.text, /through your unit link "Unit 4B"/);
      assert.match(toGia!.text, /from 2026-03-06 19:00 America\/New_York until 2026-03-06 21:00 America\/New_York/i);
      assert.match(toGia!.text, /\/account\/guests/);
      assert.deepEqual((await mailsTo(app, visitor.email)).map((mail) => mail.subject), ['Your visit is waiting for approval']);

      const listed = await browser.request(section);
      assert.match(listed.body, /Waiting for your approval[\s\S]*Vera Visitor/);
      const approve = /action="(\/account\/guests\/passes\/[0-9a-f]{32}\/approve)"/.exec(listed.body)?.[1];
      assert.ok(approve);
      const approved = await submitAndFollow(browser, approve, {}, section);
      assert.equal(approved.flash.info, 'Vera Visitor\'s pass is approved and emailed.');
      assert.doesNotMatch(approved.page.body, /Waiting for your approval/);
      assert.match(approved.page.body, /<th scope="row">Vera Visitor<\/th>\s*<td data-label="Status">scheduled<\/td>\s*<td data-label="Doors">Driveway Gate<\/td>\s*<td data-label="When">2026-03-06 19:00 America\/New_York – 2026-03-06 21:00 America\/New_York<\/td>/);
      assert.equal((await mailsTo(app, visitor.email))[0]!.subject, 'Gia gave you a guest pass');

      const clock = await fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: '2h5m' }) });
      assert.equal(clock.status, 200);
      const read = await fetch(`${baseUrl}/_sandbox/plate-read`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: sandboxDevices.a.id, entity_number: sandboxDoors.gate.entity_number, plate: 'VIS1', confidence: 0.92, read_id: 'vis-1905' }),
      });
      assert.equal(read.status, 202);
      await until(async () => (await app.db.selectFrom('plate_reads').select('id').execute()).length === 1, 15_000);
      const decided = await app.db.selectFrom('plate_reads').select(['plate_key', 'decision', 'basis', 'person_id']).executeTakeFirstOrThrow();
      assert.deepEqual({ ...decided }, { plate_key: 'VIS1', decision: 'granted', basis: 'guest_pass', person_id: gia.id });
    });

    it('answers an unknown token with a 404 page, an inactive link with a page saying so, and the 11th registration in an hour with a 429 page', async (t) => {
      const { app, baseUrl } = await startServer(t, engine, fridayEvening);
      // Alex's link: the Admin has no cap of live passes, so the link's own limit is what answers.
      const browser = await signedInBrowser(baseUrl, alex.email);
      const path = await createLink(browser, { label: 'Unit 4B', auto_approve: 'yes' });

      const unknown = await new Browser(baseUrl).request(`/u/${'A'.repeat(43)}`);
      assert.equal(unknown.status, 404);
      assert.match(unknown.body, /This link is not valid/);
      assert.equal(unknown.headers.get('referrer-policy'), 'no-referrer');

      for (let count = 1; count <= 11; count += 1) {
        const guest = new Browser(baseUrl);
        const page = await guest.request(path);
        assert.equal(page.status, 200);
        const answer = await guest.request(path, { form: { _csrf: csrfToken(page.body), ...visitor, name: `Visitor ${count}`, email: `visitor${count}@example.com`, plate: '' } });
        if (count <= 10) {
          assert.equal(answer.status, 303, `registration ${count}: ${answer.body.slice(0, 300)}`);
          continue;
        }
        assert.equal(answer.status, 429);
        assert.match(answer.body, /as many registrations as it can in an hour/);
        assert.ok(Number(answer.headers.get('retry-after')) > 0);
      }
      // With auto_approve each pass is issued in Alex's name and mailed at once.
      const issued = await passes(app);
      assert.equal(issued.length, 10);
      assert.ok(issued.every((pass) => pass.state === 'issued' && pass.issuer_id === alex.id));
      assert.equal((await mailsTo(app, 'visitor1@example.com'))[0]!.subject, 'Alex gave you a guest pass');
      assert.deepEqual(await mailsTo(app, 'visitor11@example.com'), []);

      // An hour later (app clock) the link takes registrations again.
      await fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: '61m' }) });
      const later = new Browser(baseUrl);
      const page = await later.request(path);
      const again = await later.request(path, { form: { _csrf: csrfToken(page.body), ...visitor, starts_at: '2026-03-06T19:00', ends_at: '2026-03-06T20:00' } });
      assert.equal(again.status, 303);

      const section0 = await browser.request(section);
      const deactivate = /action="(\/account\/guests\/links\/[0-9a-f]{32}\/active)"/.exec(section0.body)?.[1];
      assert.ok(deactivate);
      const off = await submitAndFollow(browser, deactivate, { active: '0' }, section);
      assert.equal(off.flash.info, 'Unit link "Unit 4B" is deactivated: its page no longer takes registrations.');
      const inactive = await new Browser(baseUrl).request(path);
      assert.equal(inactive.status, 410);
      assert.match(inactive.body, /This link is not taking registrations now/);
    });

    it('refuses a visit longer than the link allows, and a missing email, on the form with what was typed', async (t) => {
      const { app, baseUrl } = await startServer(t, engine, fridayEvening);
      const path = await createLink(await signedInBrowser(baseUrl, gia.email), { label: 'Unit 4B' });
      const guest = new Browser(baseUrl);
      const page = await guest.request(path);
      const long = await guest.request(path, { form: { _csrf: csrfToken(page.body), ...visitor, ends_at: '2026-03-07T20:00' } });
      assert.equal(long.status, 303);
      assert.equal(long.location, `${path}#flash`);
      const back = await guest.request(path);
      assert.match(back.body, /Invalid ends_at: a visit here lasts at most 24 hours\./);
      assert.match(back.body, /value="Vera Visitor"/);
      assert.match(back.body, /id="visit-end" name="ends_at"[^>]*aria-invalid="true"/);
      const noEmail = await guest.request(path, { form: { _csrf: csrfToken(back.body), ...visitor, email: '' } });
      assert.equal(noEmail.location, `${path}#flash`);
      assert.match((await guest.request(path)).body, /Invalid email: give your email address/);
      assert.deepEqual(await passes(app), []);

      // Gia loses the guests permission: the link stops issuing, and the visitor is not told why.
      await app.db.updateTable('account_members').set({ can_issue_guests: 0 }).where('person_id', '=', gia.id).execute();
      const page2 = await guest.request(path);
      const refusedNow = await guest.request(path, { form: { _csrf: csrfToken(page2.body), ...visitor } });
      assert.equal(refusedNow.location, `${path}#flash`);
      assert.match((await guest.request(path)).body, /This link cannot take registrations for these doors now\. Ask the person who gave it to you\./);
      assert.deepEqual(await passes(app), []);
    });

    it('the Guests section\'s issue form: an end before the start is refused with the field marked and what was typed; then a pass with a PIN is issued and mailed', async (t) => {
      const { app, baseUrl } = await startServer(t, engine, fridayEvening);
      const browser = await signedInBrowser(baseUrl, gia.email);
      const pass = { name: 'Theo Guest', email: 'theo@example.com', doors: [sandboxDoors.gate.id, sandboxDoors.lobby.id], starts_at: '2026-03-06T18:00', ends_at: '2026-03-06T17:30', plate: 'theo 5' };
      const page = await browser.request(section);
      const wrong = await browser.request(`${section}/passes`, { form: { _csrf: csrfToken(page.body), ...pass } });
      assert.equal(wrong.status, 303);
      assert.equal(wrong.location, `${section}#flash`);
      const back = await browser.request(section);
      assert.match(back.body, /role="alert" id="flash" tabindex="-1">ends_at must be after starts_at\.</);
      assert.match(back.body, /id="pass-end" name="ends_at" type="datetime-local" required value="2026-03-06T17:30" aria-invalid="true"/);
      assert.match(back.body, /id="pass-name" name="name"[^>]*value="Theo Guest"/);
      assert.deepEqual(await passes(app), []);

      const issued = await browser.request(`${section}/passes`, { form: { _csrf: csrfToken(back.body), ...pass, ends_at: '2026-03-06T23:59', pin: 'yes' } });
      assert.equal(issued.status, 303);
      const listed = await browser.request(section);
      assert.match(listed.body, /Pass issued to Theo Guest: the link and PIN were emailed to theo@example\.com\./);
      assert.match(listed.body, /<td data-label="Doors">Driveway Gate, Lobby Door<\/td>/);
      const [stored] = await passes(app);
      assert.deepEqual([stored!.plate, stored!.state, stored!.issuer_id], ['THEO5', 'issued', gia.id]);
      const [mail] = await mailsTo(app, 'theo@example.com');
      assert.match(mail!.text, /\/g\/[A-Za-z0-9_-]{43}/);
      const pin = /PIN at the keypad: (\d{6})/.exec(mail!.text)?.[1];
      assert.ok(pin);
      // Gia sees the link and PIN again, to pass them on herself.
      assert.ok(listed.body.includes(`readonly value="${linkInMail(mail!.text)}"`));
      assert.match(listed.body, new RegExp(`Keypad PIN: <strong>${pin}</strong>`));
      // The Admin's section lists every pass of the account, with who issued it; Gia's own list says "Your passes".
      assert.match(listed.body, /<h2 id="passes-heading">Your passes<\/h2>/);
      const alexs = await (await signedInBrowser(baseUrl, alex.email)).request(section);
      assert.match(alexs.body, /<h2 id="passes-heading">Passes at this account<\/h2>/);
      assert.match(alexs.body, /<th scope="row">Theo Guest<\/th>[\s\S]*?<td data-label="Issued by">Gia Guard<\/td>/);
    });

    it('gives Sam, without the guests permission, 403 on the section and its forms and no Guests in the navigation', async (t) => {
      const { app, baseUrl } = await startServer(t, engine, fridayEvening);
      const browser = await signedInBrowser(baseUrl, sam.email);
      const doors = await browser.request('/account');
      assert.doesNotMatch(doors.body, /href="\/account\/guests"/);
      assert.equal((await browser.request(section)).status, 403);
      const csrf = csrfToken(doors.body);
      const forms: [string, Record<string, string>][] = [
        [`${section}/passes`, { name: 'Theo Guest', email: 'theo@example.com', doors: sandboxDoors.gate.id, starts_at: '2026-03-06T19:00', ends_at: '2026-03-06T21:00' }],
        [`${section}/links`, { label: 'Sam\'s', doors: sandboxDoors.gate.id, max_hours: '24' }],
      ];
      for (const [action, form] of forms) {
        const answer = await browser.request(action, { form: { _csrf: csrf, ...form } });
        assert.equal(answer.status, 403, action);
      }
      assert.deepEqual(await passes(app), []);
      assert.equal((await app.db.selectFrom('unit_links').select('id').execute()).length, 0);
      const gias = await signedInBrowser(baseUrl, gia.email);
      assert.match((await gias.request('/account')).body, /<a href="\/account\/guests">Guests<\/a>/);
    });
  });
}
