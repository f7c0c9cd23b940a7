// The patrol pages (/enforce) through the real server, as a browser without
// JavaScript posts them: "Issue a notice" as multipart/form-data with a photo,
// the photo served only to the account's patrollers, every refusal back at the
// top of its form with focus (a status move out of order, a file that is not
// a photo, a note missing), a member without the permission 403 and another
// account's member 404 for every page and form, and no form without its token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { raiseAlert } from '../../src/access/enforcer/alerts.ts';
import { addAllowance } from '../../src/access/enforcer/allowances.ts';
import { systemClock } from '../../src/clock.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { flashOf, signedInBrowser, submitAndFollow } from '../helpers/account-page.ts';
import { csrfToken, type Browser, type Step } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';

const residence = sandboxAccounts.residence.id;
const enforce = `/enforce/${residence}`;
// The smallest PNG: one transparent pixel.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

interface Photo {
  name: string;
  type: string;
  data: Buffer;
}

/** Posts a multipart form as a browser does, the CSRF token first, with the cookies the browser holds. */
async function postMultipart(browser: Browser, action: string, fields: Record<string, string>, photos: Photo[] = []): Promise<Step> {
  const target = new URL(action, browser.baseUrl).toString();
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const photo of photos) form.append('photos', new Blob([photo.data], { type: photo.type }), photo.name);
  const response = await fetch(target, { method: 'POST', headers: { cookie: await browser.jar.getCookieString(target) }, body: form, redirect: 'manual' });
  for (const cookie of response.headers.getSetCookie()) await browser.jar.setCookie(cookie, target);
  return { status: response.status, location: response.headers.get('location') ?? undefined, body: await response.text(), headers: response.headers };
}

/** Issues a notice from the "Issue a notice" page and follows the redirect to the notice. */
async function issue(browser: Browser, fields: Record<string, string>, photos: Photo[] = []): Promise<{ answer: Step; page: Step }> {
  const form = await browser.request(`${enforce}/notices/new`);
  assert.equal(form.status, 200);
  const answer = await postMultipart(browser, `${enforce}/notices`, { _csrf: csrfToken(form.body), kind: 'violation', ...fields }, photos);
  assert.equal(answer.status, 303, answer.body.slice(0, 300));
  return { answer, page: await browser.request(answer.location!) };
}

for (const engine of engines()) {
  describe(`the patrol pages [${engine}]`, () => {
    it('Gia issues a notice with a photo; the photo is served to the account\'s patrollers only; a file that is not a photo is refused at the top and issues nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const gia = await signedInBrowser(baseUrl, sandboxPeople.gia.email);

      const text = { name: 'photo.png', type: 'image/png', data: Buffer.from('not a picture at all') };
      const refused = await issue(gia, { plate: 'ZZZ999', location: 'Bay 4' }, [text]);
      assert.equal(refused.answer.location, `${enforce}/notices/new#flash`);
      assert.equal(flashOf(refused.page.body).error, 'Invalid photos: photo.png is not a JPEG or PNG photo (nor a PDF document).');
      assert.match(refused.page.body, /<p class="error" role="alert" id="flash" tabindex="-1">/);
      assert.match(refused.page.body, /<input id="notice-photos" name="photos" type="file"[^>]*aria-invalid="true" aria-describedby="flash"/);
      assert.match(refused.page.body, /<input id="notice-location" name="location"[^>]*value="Bay 4"/, 'what was typed comes back');
      const huge = await issue(gia, { plate: 'ZZZ999' }, [{ name: 'huge.png', type: 'image/png', data: Buffer.concat([png, Buffer.alloc(6 * 1024 * 1024)]) }]);
      assert.equal(flashOf(huge.page.body).error, 'A photo is larger than 5 MiB: choose a smaller one.');
      const four = await issue(gia, { plate: 'ZZZ999' }, Array.from({ length: 4 }, (_, i) => ({ name: `p${i}.png`, type: 'image/png', data: png })));
      assert.equal(flashOf(four.page.body).error, 'At most 3 photos at a time.');
      assert.deepEqual(await app.db.selectFrom('notices').select('id').execute(), []);

      const { answer, page } = await issue(gia, { plate: 'zzz 999', region: 'us-ny', color: 'Blue', make: 'Volvo', location: 'Bay 4', description: 'Across two bays.' }, [{ name: 'bay4.png', type: 'image/jpeg', data: png }]);
      assert.equal(answer.location, `${enforce}/notices/PN-000001`);
      assert.equal(flashOf(page.body).info, 'Notice PN-000001 issued to ZZZ999 with 1 photo.');
      assert.match(page.body, /ZZZ999 \(us-ny\), Blue Volvo/);
      const evidence = await app.db.selectFrom('notice_evidence').select(['id', 'content_type', 'person_id']).executeTakeFirstOrThrow();
      assert.deepEqual({ ...evidence, id: undefined }, { id: undefined, content_type: 'image/png', person_id: sandboxPeople.gia.id });
      const photoPath = `${enforce}/notices/PN-000001/evidence/${evidence.id}`;
      assert.match(page.body, new RegExp(`<img src="${photoPath}" alt="Photo 1 of notice PN-000001"`));

      const served = await gia.request(photoPath);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.equal(served.headers.get('cache-control'), 'private, no-store');
      const alex = await signedInBrowser(baseUrl, sandboxPeople.alex.email);
      assert.equal((await alex.request(photoPath)).status, 200);
      assert.equal((await (await signedInBrowser(baseUrl, sandboxPeople.sam.email)).request(photoPath)).status, 403);
      assert.equal((await (await signedInBrowser(baseUrl, sandboxPeople.nora.email)).request(photoPath)).status, 404);
      const signedOut = await fetch(new URL(photoPath, baseUrl), { redirect: 'manual' });
      assert.equal(signedOut.status, 303);
      assert.match(signedOut.headers.get('location') ?? '', /^\/login/);

      const list = await gia.request(`${enforce}/notices`);
      assert.match(list.body, /<a href="[^"]+\/notices\/PN-000001">PN-000001<\/a> · Violation/);
      assert.match(list.body, /<span class="status-badge open">Issued<\/span>/);
      const printable = await gia.request(`${enforce}/notices/PN-000001/print`);
      assert.equal(printable.status, 200);
      assert.match(printable.body, /<body class="printable">[\s\S]*<p class="print-number">PN-000001<\/p>/);
      assert.doesNotMatch(printable.body, /<nav/, 'the printable notice carries no navigation');
    });

    it('a status move out of order, Gia voiding and Alex voiding without a note come back at the top with focus; Alex voids with a note', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const gia = await signedInBrowser(baseUrl, sandboxPeople.gia.email);
      await issue(gia, { plate: 'ZZZ999' });
      const notice = `${enforce}/notices/PN-000001`;

      const towed = await submitAndFollow(gia, `${notice}/status`, { status: 'towed', note: '' }, notice);
      assert.equal(towed.flash.info, 'Notice PN-000001 is now towed.');
      // Gia is not offered the Admin's moves, and a crafted one is refused all the same.
      assert.doesNotMatch(towed.page.body, /<option value="voided"/);
      const voided = await submitAndFollow(gia, `${notice}/status`, { status: 'voided', note: 'mine' }, notice);
      assert.equal(voided.answer.location, `${notice}#flash`);
      assert.equal(voided.flash.error, 'Only the account\'s Admin can mark a notice voided.');

      const resolved = await submitAndFollow(gia, `${notice}/status`, { status: 'resolved', note: 'Owner moved it' }, notice);
      assert.equal(resolved.flash.info, 'Notice PN-000001 is now resolved.');
      assert.match(resolved.page.body, /Resolved is a final status: the notice no longer changes\./);
      const late = await submitAndFollow(gia, `${notice}/status`, { status: 'notified', note: '' }, notice);
      assert.equal(late.answer.location, `${notice}#flash`);
      assert.equal(late.flash.error, 'Notice PN-000001 is resolved, a final status: it cannot change.');
      assert.match(late.page.body, /<p class="error" role="alert" id="flash" tabindex="-1">/);

      await issue(gia, { plate: 'ZZZ998' });
      const second = `${enforce}/notices/PN-000002`;
      const alex = await signedInBrowser(baseUrl, sandboxPeople.alex.email);
      const bare = await submitAndFollow(alex, `${second}/status`, { status: 'voided', note: '' }, second);
      assert.equal(bare.answer.location, `${second}#flash`);
      assert.equal(bare.flash.error, 'Invalid note: say why the notice is voided.');
      assert.match(bare.page.body, /<textarea id="notice-note" name="note"[^>]*aria-invalid="true" aria-describedby="flash"/);
      assert.match(bare.page.body, /<option value="voided" selected>/, 'the chosen move is kept');
      const done = await submitAndFollow(alex, `${second}/status`, { status: 'voided', note: 'Issued in error' }, second);
      assert.equal(done.flash.info, 'Notice PN-000002 is now voided.');
      const log = await app.db.selectFrom('notice_status_log').innerJoin('notices', 'notices.id', 'notice_status_log.notice_id').select(['notices.number', 'notice_status_log.status', 'notice_status_log.note'])
        .orderBy('notices.number').orderBy('notice_status_log.at').orderBy('notice_status_log.id').execute();
      assert.deepEqual(log.map((row) => `${row.number} ${row.status} ${row.note}`).sort(), ['1 issued ', '1 resolved Owner moved it', '1 towed ', '2 issued ', '2 voided Issued in error']);

      const remark = await submitAndFollow(gia, `${notice}/remarks`, { text: '' }, notice);
      assert.equal(remark.flash.error, 'Invalid text: it is required.');
    });

    it('looks a plate up in words, records it, and says a plate that is no plate at the top; an alert is rejected once', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const gia = await signedInBrowser(baseUrl, sandboxPeople.gia.email);
      const landing = await gia.request('/enforce');
      assert.equal(landing.status, 303);
      assert.equal(landing.location, enforce);

      const unknown = await gia.request(`${enforce}?plate=zzz-999`);
      assert.equal(unknown.status, 200);
      assert.match(unknown.body, /<h2 id="plate-heading">ZZZ999<\/h2>\s*<p><span class="plate-status none">Unknown<\/span><\/p>/);
      assert.match(unknown.body, /href="[^"]+\/notices\/new\?plate=ZZZ999">Issue a notice for ZZZ999</);
      assert.match(unknown.body, /href="[^"]+\/notices\?plate=ZZZ999">Every notice for ZZZ999</);
      const member = await gia.request(`${enforce}?plate=GIA404`);
      assert.match(member.body, /<span class="plate-status ok">Member vehicle<\/span>/);
      const lookups = await app.db.selectFrom('plate_lookups').select(['person_id', 'plate_key']).orderBy('at').execute();
      assert.deepEqual(lookups.map((row) => row.plate_key).sort(), ['GIA404', 'ZZZ999']);

      const bad = await gia.request(`${enforce}?plate=%21%21`);
      assert.equal(bad.status, 400);
      assert.match(flashOf(bad.body).error ?? '', /^Invalid plate/);
      assert.match(bad.body, /<input id="lookup-plate" name="plate"[^>]*value="!!" aria-invalid="true" aria-describedby="flash"/);

      await app.db.transaction().execute((trx) => raiseAlert(trx, { accountId: residence, trigger: 'unauthorized_vehicle', doorId: sandboxDoors.gate.id, plateKey: 'ZZZ999', at: Math.floor(Date.now() / 1000) }));
      const { id } = await app.db.selectFrom('enforcement_alerts').select('id').executeTakeFirstOrThrow();
      const alert = `${enforce}/alerts/${id}`;
      assert.match((await gia.request(`${enforce}/alerts`)).body, /Refused vehicle: ZZZ999/);
      assert.match((await gia.request(alert)).body, new RegExp(`<dd>Driveway Gate · <a href="/account#door-${sandboxDoors.gate.id}">Open or close it on the Doors page</a></dd>`));
      const noNote = await submitAndFollow(gia, `${alert}/reject`, { reason: 'misread', note: '' }, alert);
      assert.equal(noNote.flash.error, 'Invalid note: it is required.');
      const rejected = await submitAndFollow(gia, `${alert}/reject`, { reason: 'misread', note: 'It read 2ZZ999' }, alert);
      assert.equal(rejected.flash.info, 'Alert rejected: the plate was misread.');
      assert.doesNotMatch(rejected.page.body, /Accept alert/);
      const accepted = await submitAndFollow(gia, `${alert}/accept`, { note: '' }, `${enforce}/alerts`);
      assert.equal(accepted.flash.error, 'The alert was rejected already.');

      // Two look-ups so far this minute: the 61st is said at the top, with when to try again.
      for (let i = 2; i < 60; i += 1) assert.equal((await gia.request(`${enforce}?plate=ZZZ${100 + i}`)).status, 200);
      const limited = await gia.request(`${enforce}?plate=ZZZ999`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '60');
      assert.equal(flashOf(limited.body).error, 'At most 60 plate look-ups a minute. Try again shortly.');
      assert.match(limited.body, /<input id="lookup-plate" name="plate"[^>]*value="ZZZ999">/, 'the plate stays, unmarked');
    });

    it('VEND42 under an allowance: Gia sees it in words and her notice is refused; Alex issues one with an override reason; accepting an alert issues its notice', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const deps = { db: app.db, clock: systemClock, evidenceDir: '' };
      await addAllowance(deps, { personId: sandboxPeople.alex.id, accountId: residence }, { plate: 'VEND 42', category: 'vendor', holder_name: 'Fresh Produce Ltd', ends_at: '2099-03-31 00:00:00' });
      const gia = await signedInBrowser(baseUrl, sandboxPeople.gia.email);
      const status = await gia.request(`${enforce}?plate=vend42`);
      assert.match(status.body, /<span class="plate-status ok">Allowance: do not tow<\/span>[\s\S]*<h3>Valid because of<\/h3>\s*<ul><li>Allowance, until 2099-03-/);

      const refused = await issue(gia, { plate: 'VEND42' });
      assert.equal(refused.answer.location, `${enforce}/notices/new#flash`);
      assert.equal(flashOf(refused.page.body).error, 'The plate VEND42 may be here (an allowance): no notice was issued.');
      assert.match(refused.page.body, /<input id="notice-plate" name="plate"[^>]*value="VEND42" aria-invalid="true"/);
      assert.doesNotMatch(refused.page.body, /name="override_reason"/, 'only the Admin may override');
      const alex = await signedInBrowser(baseUrl, sandboxPeople.alex.email);
      const overridden = await issue(alex, { plate: 'VEND42', override_reason: 'Blocking the fire lane' });
      assert.equal(flashOf(overridden.page.body).info, 'Notice PN-000001 issued to VEND42.');
      assert.match(overridden.page.body, /<dt>Issued despite<\/dt><dd>Blocking the fire lane<\/dd>/);

      await app.db.transaction().execute((trx) => raiseAlert(trx, { accountId: residence, trigger: 'unauthorized_vehicle', doorId: sandboxDoors.gate.id, plateKey: 'ZZZ999', at: Math.floor(Date.now() / 1000) }));
      const { id } = await app.db.selectFrom('enforcement_alerts').select('id').executeTakeFirstOrThrow();
      const accepted = await submitAndFollow(gia, `${enforce}/alerts/${id}/accept`, { note: 'Seen at the gate', issue_notice: 'yes', kind: 'warning', location: 'Gate' }, `${enforce}/alerts/${id}`);
      assert.equal(accepted.answer.location, `${enforce}/notices/PN-000002`);
      assert.equal(accepted.flash.info, 'Alert accepted; notice PN-000002 issued to ZZZ999.');
      assert.match(accepted.page.body, new RegExp(`<p>Issued on accepting <a href="${enforce}/alerts/${id}">an alert</a>\\.</p>`));
      const alert = await gia.request(`${enforce}/alerts/${id}`);
      assert.match(alert.body, /<span class="status-badge final">Accepted<\/span>[\s\S]*<dd>Seen at the gate<\/dd>/);
      assert.doesNotMatch(alert.body, /Accept alert/);
    });

    it('answers Sam 403 and Nora 404 for every page and form, and refuses a form without its token', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const gia = await signedInBrowser(baseUrl, sandboxPeople.gia.email);
      await issue(gia, { plate: 'ZZZ999' });
      await app.db.transaction().execute((trx) => raiseAlert(trx, { accountId: residence, trigger: 'forced_open', doorId: sandboxDoors.gate.id, plateKey: null, at: Math.floor(Date.now() / 1000) }));
      const { id: alertId } = await app.db.selectFrom('enforcement_alerts').select('id').executeTakeFirstOrThrow();
      const notice = `${enforce}/notices/PN-000001`;
      const pages = [enforce, `${enforce}?plate=ZZZ999`, `${enforce}/notices`, `${enforce}/notices/new`, notice, `${notice}/print`, `${enforce}/alerts`, `${enforce}/alerts/${alertId}`];
      const forms: [string, Record<string, string>][] = [
        [`${notice}/status`, { status: 'notified' }],
        [`${notice}/remarks`, { text: 'hello' }],
        [`${enforce}/alerts/${alertId}/reject`, { reason: 'other', note: 'no' }],
        [`${enforce}/alerts/${alertId}/accept`, { note: '' }],
      ];
      for (const [who, status] of [[sandboxPeople.sam, 403], [sandboxPeople.nora, 404]] as const) {
        const person = await signedInBrowser(baseUrl, who.email);
        for (const path of pages) assert.equal((await person.request(path)).status, status, `${who.email} ${path}`);
        const csrf = csrfToken((await person.request('/account')).body);
        for (const [action, form] of forms) assert.equal((await person.request(action, { form: { _csrf: csrf, ...form } })).status, status, `${who.email} ${action}`);
        for (const action of [`${enforce}/notices`, `${notice}/evidence`]) {
          assert.equal((await postMultipart(person, action, { _csrf: csrf, kind: 'warning', plate: 'ZZZ999' }, [{ name: 'p.png', type: 'image/png', data: png }])).status, status, `${who.email} ${action}`);
        }
      }
      // Sam patrols nowhere; Nora is her own account's Admin and patrols there.
      assert.equal((await (await signedInBrowser(baseUrl, sandboxPeople.sam.email)).request('/enforce')).status, 403);
      assert.equal((await (await signedInBrowser(baseUrl, sandboxPeople.nora.email)).request('/enforce')).location, `/enforce/${sandboxAccounts.neighbor.id}`);
      assert.match((await gia.request('/account')).body, /<a href="\/enforce">Enforce<\/a>/);
      assert.doesNotMatch((await (await signedInBrowser(baseUrl, sandboxPeople.sam.email)).request('/account')).body, /href="\/enforce"/, 'Sam has no Enforce link');

      const noToken = await postMultipart(gia, `${enforce}/notices`, { kind: 'warning', plate: 'ZZZ998' });
      assert.equal(noToken.status, 403);
      assert.equal((await gia.request(`${notice}/status`, { form: { status: 'notified' } })).status, 403);
      const rows = await app.db.selectFrom('notices').select(['number', 'status']).execute();
      assert.deepEqual(rows.map((row) => ({ ...row, number: Number(row.number) })), [{ number: 1, status: 'issued' }]);
      assert.deepEqual(await app.db.selectFrom('notice_remarks').select('id').execute(), []);
      assert.equal((await app.db.selectFrom('enforcement_alerts').select('state').executeTakeFirstOrThrow()).state, 'open');
    });
  });
}
