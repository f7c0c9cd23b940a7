// Guest passes through the running server (issue 15, phase2.md D): Friday
// 2026-03-06 in New York (EST, UTC−5) on a manual clock; the guest page and
// its Open, the keypad and the plate reader through MQTT with the simulator;
// mails in the dev mailbox.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { App } from '../../src/app.ts';
import { issuePass } from '../../src/access/guests/passes.ts';
import { updateSettings } from '../../src/access/settings.ts';
import { mailboxMailer } from '../../src/mail/mailbox.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createBox, deriveKey } from '../../src/security/encryption.ts';
import { privateCsp } from '../../src/web/guests/private-headers.ts';
import { upsertDoorAccess } from '../../src/store/repositories/door-access.ts';
import { engines, freePort, startServer, startServerOnEnv, testEnv, type TestServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { mailsTo } from '../helpers/identity.ts';
import { firstPartyClient } from '../helpers/first-party.ts';
import { authorizationQuery, authorize, postToken, sandbox, sandboxTokens } from '../helpers/oauth.ts';

const { gate, lobby, garage, neighborGarage } = sandboxDoors;
const hex = (id: string) => id.replace(/-/g, '');
const theo = 'theo.guest@example.test';
const manual = {
  PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-06T17:00:00-05:00', PARQEX_WEBHOOKS: 'false', PARQEX_CONTROLLER_MESSAGES_PER_SECOND: '10000',
};

async function advance(baseUrl: string, by: string): Promise<void> {
  const response = await fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
  assert.equal(response.status, 200);
}

async function api(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function openAsGuest(baseUrl: string, linkUrl: string, doorId: string) {
  const response = await fetch(`${linkUrl}/open`.replace(/^https?:\/\/[^/]+/, baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ door_id: hex(doorId) }) });
  return { status: response.status, body: await response.json() as { data?: { toggle_id: string }; errors?: { message: string; code: string }[] } };
}

async function page(baseUrl: string, linkUrl: string) {
  const response = await fetch(linkUrl.replace(/^https?:\/\/[^/]+/, baseUrl));
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const theoPass = {
  guest: { name: 'Theo Guest', email: theo }, kind: 'window', starts_at: '2026-03-06T23:00:00Z', ends_at: '2026-03-07T04:59:00Z',
  door_ids: [hex(gate.id), hex(lobby.id)], plate: 'THEO 5', pin: true,
};

async function tokens(baseUrl: string) {
  const scope = 'manageguests opendoor';
  return {
    gia: (await sandboxTokens(baseUrl, { email: sandboxPeople.gia.email, scope })).access_token,
    alex: (await sandboxTokens(baseUrl, { email: sandboxPeople.alex.email, scope })).access_token,
    sam: (await sandboxTokens(baseUrl, { email: sandboxPeople.sam.email, scope })).access_token,
  };
}

async function outboxTo(app: App, type: string): Promise<string[]> {
  const rows = await app.db.selectFrom('outbox_events').select('person_ids').where('type', '=', type).execute();
  return rows.flatMap((row) => JSON.parse(row.person_ids ?? '[]') as string[]).sort();
}

for (const engine of engines()) {
  describe(`guest passes [${engine}]`, () => {
    it('Gia issues Theo a pass; link, plate and PIN open within her access; reminder; revoked (acceptance D 1-4)', async (t) => {
      const server = await startServer(t, engine, manual);
      const { app, baseUrl } = server;
      const controller = await sandboxController(t, app, 'a');
      const token = await tokens(baseUrl);

      const issued = await api(baseUrl, token.gia, 'POST', 'guest-passes', theoPass);
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      const pass = issued.body.data;
      assert.match(pass.link_url, /\/g\/[A-Za-z0-9_-]{43}$/);
      assert.match(pass.pin, /^\d{6}$/);
      assert.equal(pass.status, 'scheduled');
      assert.equal(pass.plate, 'THEO5');
      const [mail] = await mailsTo(app, theo);
      assert.ok(mail?.text.includes(pass.link_url) && mail.text.includes(pass.pin), 'the link and PIN are mailed to Theo');
      assert.deepEqual(await outboxTo(app, 'guest_pass_issued'), [sandboxPeople.alex.id, sandboxPeople.gia.id].sort());

      assert.equal((await api(baseUrl, token.sam, 'POST', 'guest-passes', theoPass)).status, 403);
      const neighbor = await api(baseUrl, token.gia, 'POST', 'guest-passes', { ...theoPass, door_ids: [hex(neighborGarage.id)] });
      assert.equal(neighbor.status, 404);
      await upsertDoorAccess(app.db, { door_id: garage.id, person_id: sandboxPeople.gia.id, granted_by: sandboxPeople.alex.id, starts_at: null, ends_at: Date.parse('2026-03-10T05:00:00Z') / 1000, weekly_hours: null, created_at: 0 });
      const beyond = await api(baseUrl, token.gia, 'POST', 'guest-passes', { ...theoPass, pin: false, door_ids: [hex(garage.id)], ends_at: '2026-03-12T05:00:00Z' });
      assert.deepEqual([beyond.status, beyond.body.errors[0].message], [400, 'ends_at is after your own access to Garage ends.']);

      // Not started yet: the page shows no Open button; opening is refused.
      assert.doesNotMatch((await page(baseUrl, pass.link_url)).text, /Open Driveway Gate/);
      assert.equal((await openAsGuest(baseUrl, pass.link_url, gate.id)).status, 403);

      await advance(baseUrl, '5h'); // 22:00
      const shown = await page(baseUrl, pass.link_url);
      assert.equal(shown.status, 200);
      assert.match(shown.text, /Open Driveway Gate/);
      assert.match(shown.text, /Theo Guest/);
      assert.match(shown.text, /From Gia/);
      assert.equal(shown.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(shown.headers.get('cache-control'), 'no-store');
      assert.match(shown.headers.get('x-robots-tag') ?? '', /noindex/);
      assert.doesNotMatch(shown.text, /<script/);
      const opened = await openAsGuest(baseUrl, pass.link_url, gate.id);
      assert.equal(opened.status, 200, JSON.stringify(opened.body));
      assert.match(opened.body.data!.toggle_id, /^[0-9A-F]{32}$/);
      const history = await api(baseUrl, token.gia, 'GET', `toggle-history?history_type=door&door_id=${hex(gate.id)}&start_date=2026-03-06&end_date=2026-03-06`);
      const item = history.body.data.toggle_events.find((event: { channel: string }) => event.channel === 'Guest Link');
      assert.equal(item.user.first_name, 'Gia');
      assert.deepEqual(item.guest, { name: 'Theo Guest', guest_pass_id: pass.id });
      assert.deepEqual(await outboxTo(app, 'guest_pass_used'), [sandboxPeople.alex.id, sandboxPeople.gia.id].sort());
      await advance(baseUrl, '1m');
      await advance(baseUrl, '1m');
      assert.equal((await mailsTo(app, sandboxPeople.gia.email)).filter((m) => m.subject === 'Your guest Theo Guest arrived').length, 1);

      // The PIN at the lobby keypad (acceptance D 3).
      const keypadBefore = (await app.db.selectFrom('access_events').select('id').where('channel', '=', 'Keypad').where('guest_pass_id', '=', pass.id).execute()).length;
      await controller.enterPin(lobby.entity_number, pass.pin);
      await until(async () => (await app.db.selectFrom('access_events').select('id').where('channel', '=', 'Keypad').where('guest_pass_id', '=', pass.id).where('was_success', '=', 1).execute()).length > keypadBefore, 15_000);
      // Sam takes that PIN: his choice succeeds, Theo is mailed a new one, the old one is Sam's.
      const settingsDeps = { db: app.db, box: createBox(app.config.secrets.encryptionKey), pinKey: deriveKey(app.config.secrets.encryptionKey, 'pin lookup'), clock: app.clock };
      await updateSettings(settingsDeps, sandboxPeople.sam.id, { pin: pass.pin });
      await advance(baseUrl, '1m');
      const renewed = (await api(baseUrl, token.gia, 'GET', `guest-passes/${pass.id}`)).body.data;
      assert.notEqual(renewed.pin, pass.pin);
      assert.ok((await mailsTo(app, theo)).some((m) => m.subject === 'Your guest pass has a new PIN' && m.text.includes(renewed.pin)));
      const oldClaim = await app.db.selectFrom('pin_claims').select(['person_id', 'guest_pass_id']).where('person_id', '=', sandboxPeople.sam.id).execute();
      assert.deepEqual(oldClaim.map((row) => row.guest_pass_id ?? null), [null]);

      // 22:30 the plate reader lets THEO5 in on the pass.
      await advance(baseUrl, '27m');
      await controller.readPlate(gate.entity_number, 'THEO5', { confidence: 0.95, read_id: 'theo' });
      await until(async () => (await app.db.selectFrom('plate_reads').select('id').where('read_id', '=', 'theo').execute()).length === 1, 15_000);
      const read = await app.db.selectFrom('plate_reads').select(['decision', 'basis', 'basis_id', 'person_id']).where('read_id', '=', 'theo').executeTakeFirstOrThrow();
      assert.deepEqual({ ...read }, { decision: 'granted', basis: 'guest_pass', basis_id: pass.id, person_id: sandboxPeople.gia.id });

      await advance(baseUrl, '45m'); // 23:15: Gia's gate hours ended at 23:00
      assert.equal((await openAsGuest(baseUrl, pass.link_url, gate.id)).status, 403);
      assert.equal((await openAsGuest(baseUrl, pass.link_url, lobby.id)).status, 200);
      assert.equal((await openAsGuest(baseUrl, pass.link_url, lobby.id)).status, 429, 'one opening per door per 10 s');

      await advance(baseUrl, '29m'); // 23:44
      assert.ok((await mailsTo(app, theo)).some((m) => m.subject === 'Your guest pass ends soon'));
      const revoked = await api(baseUrl, token.alex, 'DELETE', `guest-passes/${pass.id}`);
      assert.deepEqual([revoked.status, revoked.body.data.status], [200, 'revoked']);
      const ended = await page(baseUrl, pass.link_url);
      assert.equal(ended.status, 410);
      assert.match(ended.text, /revoked/);
      assert.equal((await openAsGuest(baseUrl, pass.link_url, lobby.id)).status, 403);
      assert.equal(renewed.uses, 2);
    });

    it('refuses bad input, an 11th live pass (limit_reached) and unknown links (acceptance D 6)', async (t) => {
      const { app, baseUrl } = await startServer(t, engine, manual);
      const token = await tokens(baseUrl);
      const bad = async (body: Record<string, unknown>, status: number, pattern: RegExp) => {
        const answer = await api(baseUrl, token.gia, 'POST', 'guest-passes', { ...theoPass, pin: false, send: false, ...body });
        assert.equal(answer.status, status, JSON.stringify(answer.body));
        assert.match(answer.body.errors[0].message, pattern);
      };
      await bad({ starts_at: '2026-03-07T04:00:00Z', ends_at: '2026-03-07T03:00:00Z' }, 400, /ends_at must be after starts_at/);
      await bad({ ends_at: '2026-03-16T04:00:00Z' }, 409, /guest_max_days/);
      await bad({ door_ids: Array.from({ length: 21 }, (_, i) => `${'0'.repeat(30)}${String(i).padStart(2, '0')}`) }, 400, /door_ids/);
      await bad({ guest: { name: 'x'.repeat(101) } }, 400, /guest\.name/);
      await bad({ guest: { name: 'Theo', email: 'theo@example.test\nBcc: x@example.test' } }, 400, /guest\.email/);
      await bad({ door_ids: [hex(neighborGarage.id)] }, 404, /No such door/);
      for (let i = 0; i < 10; i += 1) {
        assert.equal((await api(baseUrl, token.gia, 'POST', 'guest-passes', { ...theoPass, pin: false, send: false })).status, 201);
      }
      const eleventh = await api(baseUrl, token.gia, 'POST', 'guest-passes', { ...theoPass, pin: false, send: false });
      assert.equal(eleventh.status, 409);
      assert.equal(eleventh.body.errors[0].code, 'limit_reached');
      assert.match(eleventh.body.errors[0].message, /guest_max_active_per_issuer/);
      assert.equal((await mailsTo(app, theo)).length, 0, 'send: false mails nothing');
      // The Admin raises the limit (PATCH accounts/{id}): the 11th is issued.
      const residence = hex(sandboxAccounts.residence.id);
      const firstParty = firstPartyClient(baseUrl);
      const firstPartyToken = async (email: string) => {
        const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl, { client_id: firstParty.client_id, scope: 'manageguests' }), email });
        const answer = await postToken(baseUrl, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: sandbox.redirectUri, client_id: firstParty.client_id, client_secret: firstParty.client_secret });
        return (answer.body as { access_token: string }).access_token;
      };
      token.alex = await firstPartyToken(sandboxPeople.alex.email);
      token.gia = await firstPartyToken(sandboxPeople.gia.email);
      assert.equal((await api(baseUrl, token.alex, 'PATCH', `accounts/${residence}`, { guest_pin_length: 9 })).status, 400);
      assert.equal((await api(baseUrl, token.gia, 'PATCH', `accounts/${residence}`, { guest_max_active_per_issuer: 11 })).status, 403);
      const raised = await api(baseUrl, token.alex, 'PATCH', `accounts/${residence}`, { guest_max_active_per_issuer: 11 });
      assert.equal(raised.status, 200, JSON.stringify(raised.body));
      assert.equal(raised.body.data.guest_policy.guest_max_active_per_issuer, 11);
      assert.equal((await api(baseUrl, token.gia, 'POST', 'guest-passes', { ...theoPass, pin: false, send: false })).status, 201);
      const list = await api(baseUrl, token.gia, 'GET', 'guest-passes?limit=4');
      assert.equal(list.body.data.guest_passes.length, 4);
      assert.ok(list.body.data.next_cursor);
      const nextPage = await api(baseUrl, token.gia, 'GET', `guest-passes?limit=4&cursor=${list.body.data.next_cursor}`);
      assert.equal(nextPage.body.data.guest_passes.length, 4);
      assert.ok(!nextPage.body.data.guest_passes.some((pass: { id: string }) => list.body.data.guest_passes.some((seen: { id: string }) => seen.id === pass.id)));
      // An empty cursor is a client that lost next_cursor, not a request for the first page again (a pager would loop).
      const emptyCursor = await api(baseUrl, token.gia, 'GET', 'guest-passes?limit=4&cursor=');
      assert.deepEqual([emptyCursor.status, emptyCursor.body.errors?.[0]?.code], [400, 'invalid']);
      assert.equal((await api(baseUrl, token.alex, 'GET', 'guest-passes?issuer=all&status=scheduled')).body.data.guest_passes.length, 11);
      assert.equal((await api(baseUrl, token.gia, 'GET', 'guest-passes?issuer=all')).status, 403);
      const unknown = await fetch(`${baseUrl}/g/${'A'.repeat(43)}`);
      assert.equal(unknown.status, 404);

      // Passes a guest asked for (a unit link's, pending, here Alex's): he approves one, declines another; Gia and Sam do not see them.
      const guestDeps = { db: app.db, clock: app.clock, box: createBox(app.config.secrets.encryptionKey), pinKey: deriveKey(app.config.secrets.encryptionKey, 'pin lookup'), mailer: mailboxMailer(app.db), publicUrl: baseUrl };
      const ask = (email: string) => issuePass(guestDeps, { accountId: sandboxAccounts.residence.id, viewer: { personId: sandboxPeople.alex.id }, guest: { name: 'Vi Sitor', email }, startsAt: '2026-03-07T00:00:00Z', endsAt: '2026-03-07T02:00:00Z', doorIds: [gate.id], plate: 'VIS 1', pending: true });
      const [first, second] = [await ask('vi@example.test'), await ask('vo@example.test')];
      assert.equal(first.status, 'pending');
      assert.equal((await mailsTo(app, 'vi@example.test')).length, 0, 'a pending pass mails nobody the link');
      assert.equal((await api(baseUrl, token.gia, 'POST', `guest-passes/${first.id}/approve`)).status, 404);
      const approved = await api(baseUrl, token.alex, 'POST', `guest-passes/${first.id}/approve`);
      assert.deepEqual([approved.status, approved.body.data.status], [200, 'scheduled']);
      assert.ok((await mailsTo(app, 'vi@example.test')).some((m) => m.text.includes(first.linkUrl)));
      assert.equal((await api(baseUrl, token.alex, 'POST', `guest-passes/${first.id}/approve`)).status, 409);
      const declined = await api(baseUrl, token.alex, 'POST', `guest-passes/${second.id}/decline`);
      assert.deepEqual([declined.status, declined.body.data.status], [200, 'declined']);
      assert.ok((await mailsTo(app, 'vo@example.test')).some((m) => m.subject === 'Your guest pass request was declined'));
      assert.equal((await fetch(second.linkUrl)).status, 410);
      assert.equal((await api(baseUrl, token.sam, 'POST', `guest-passes/${first.id}/decline`)).status, 403, 'Sam holds no guests permission');
      assert.deepEqual(await outboxTo(app, 'guest_pass_requested'), [sandboxPeople.alex.id, sandboxPeople.alex.id]);

      // Alex removes Gia from the account (A.7): her passes are revoked with her.
      const removed = await api(baseUrl, token.alex, 'DELETE', `accounts/${residence}/members/${hex(sandboxPeople.gia.id)}`);
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      const hers = await app.db.selectFrom('guest_passes').select('state').where('issuer_id', '=', sandboxPeople.gia.id).execute();
      assert.deepEqual([...new Set(hers.map((row) => row.state))], ['revoked']);
      assert.equal((await outboxTo(app, 'guest_pass_revoked')).filter((id) => id === sandboxPeople.gia.id).length, 11);
    });

    it('recurring passes open inside their weekly hours only; one_time passes are used 15 min after the first opening; refusals name the pass; private headers', async (t) => {
      const server = await startServer(t, engine, manual);
      const { app, baseUrl } = server;
      await sandboxController(t, app, 'a');
      const token = await tokens(baseUrl);
      const weekdayMornings = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '09:00' }];
      // Friday 17:00 EST until Tuesday 08:45 EDT (New York moves its clocks on Sunday 03-08).
      const recurring = { guest: { name: 'Rita Cleaner' }, kind: 'recurring', starts_at: '2026-03-06T22:00:00Z', ends_at: '2026-03-10T12:45:00Z', weekly_hours: weekdayMornings, door_ids: [hex(lobby.id)], send: false };
      const refused = async (body: Record<string, unknown>, status: number, code: string, pattern: RegExp) => {
        const answer = await api(baseUrl, token.alex, 'POST', 'guest-passes', { ...recurring, ...body });
        assert.deepEqual([answer.status, answer.body.errors?.[0]?.code], [status, code], JSON.stringify(answer.body));
        assert.match(answer.body.errors[0].message, pattern);
      };
      await refused({ weekly_hours: [{ days: ['funday'], start: '08:00', end: '09:00' }] }, 400, 'invalid', /weekly_hours\[0\]\.days/);
      await refused({ weekly_hours: [{ days: ['mon'], start: '8', end: '09:00' }] }, 400, 'invalid', /weekly_hours\[0\]\.start/);
      await refused({ weekly_hours: { mon: '08:00' } }, 400, 'invalid', /weekly_hours/);
      await refused({ weekly_hours: undefined }, 400, 'invalid', /weekly_hours/);
      await refused({ ends_at: '2026-06-10T12:00:00Z' }, 409, 'limit_reached', /guest_max_recurring_days/);
      await refused({ kind: 'window', ends_at: '2026-03-08T12:00:00Z' }, 400, 'invalid', /only a recurring pass/);
      const issued = await api(baseUrl, token.alex, 'POST', 'guest-passes', recurring);
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      const pass = issued.body.data;
      assert.deepEqual([pass.kind, pass.status, pass.weekly_hours], ['recurring', 'active', weekdayMornings]);

      // Friday 17:00: inside the bounds, outside the hours; the refusal is recorded with the pass.
      const evening = await openAsGuest(baseUrl, pass.link_url, lobby.id);
      assert.equal(evening.status, 403, JSON.stringify(evening.body));
      assert.match(evening.body.errors![0]!.message, /at this time of day/);
      assert.doesNotMatch((await page(baseUrl, pass.link_url)).text, /Open Lobby/);
      const history = await api(baseUrl, token.alex, 'GET', `toggle-history?history_type=door&door_id=${hex(lobby.id)}&start_date=2026-03-06&end_date=2026-03-06`);
      const refusal = history.body.data.toggle_events.find((event: { channel: string }) => event.channel === 'Guest Link');
      assert.ok(refusal, JSON.stringify(history.body));
      assert.equal(refusal.was_success, false);
      assert.equal(refusal.user.first_name, 'Alex');
      assert.deepEqual(refusal.guest, { name: 'Rita Cleaner', guest_pass_id: pass.id });

      // A one_time pass on the gate: open for 15 minutes after its first opening, then used.
      const once = (await api(baseUrl, token.alex, 'POST', 'guest-passes', { guest: { name: 'Otto Once' }, kind: 'one_time', ends_at: '2026-03-07T22:00:00Z', door_ids: [hex(gate.id)], send: false })).body.data;
      assert.equal(once.status, 'active');
      assert.equal((await openAsGuest(baseUrl, once.link_url, gate.id)).status, 200);
      await advance(baseUrl, '14m');
      assert.equal((await openAsGuest(baseUrl, once.link_url, gate.id)).status, 200);
      assert.equal((await api(baseUrl, token.alex, 'GET', `guest-passes/${once.id}`)).body.data.status, 'active');
      await advance(baseUrl, '1m');
      const spent = await openAsGuest(baseUrl, once.link_url, gate.id);
      assert.equal(spent.status, 403);
      assert.match(spent.body.errors![0]!.message, /used/);
      assert.equal((await api(baseUrl, token.alex, 'GET', `guest-passes/${once.id}`)).body.data.status, 'used');
      const usedPage = await page(baseUrl, once.link_url);
      assert.equal(usedPage.status, 410);
      assert.match(usedPage.text, /was used and has ended/);

      // Monday 08:30 EDT (12:30Z): inside the hours.
      await advance(baseUrl, '62h15m');
      assert.match((await page(baseUrl, pass.link_url)).text, /Open Lobby/);
      const morning = await openAsGuest(baseUrl, pass.link_url, lobby.id);
      assert.equal(morning.status, 200, JSON.stringify(morning.body));
      await advance(baseUrl, '1h'); // 09:30: after the hours
      assert.equal((await openAsGuest(baseUrl, pass.link_url, lobby.id)).status, 403);
      await advance(baseUrl, '23h20m'); // Tuesday 08:50: inside the hours, after ends_at
      const after = await openAsGuest(baseUrl, pass.link_url, lobby.id);
      assert.equal(after.status, 403);
      assert.match(after.body.errors![0]!.message, /expired/);
      assert.equal((await page(baseUrl, pass.link_url)).status, 410);

      // The pages whose path is the credential share their headers: the guest page and a unit link's.
      for (const path of [new URL(pass.link_url).pathname, `/u/${'A'.repeat(43)}`]) {
        const answer = await fetch(`${baseUrl}${path}`);
        assert.equal(answer.headers.get('referrer-policy'), 'no-referrer', path);
        assert.equal(answer.headers.get('cache-control'), 'no-store', path);
        assert.match(answer.headers.get('x-robots-tag') ?? '', /noindex/, path);
        assert.equal(answer.headers.get('content-security-policy'), privateCsp, path);
        assert.match(privateCsp, /default-src 'none'/);
        assert.doesNotMatch(privateCsp, /script-src/);
      }
    });

    it('a User who loses a door takes it from her guests at once, in another process too; 61 openings an hour 429 (issue 15)', async (t) => {
      const { env, cleanup } = await testEnv(engine, manual);
      t.after(cleanup);
      const first = await startServerOnEnv(env);
      t.after(() => first.close());
      const servers: TestServer[] = [first];
      if (engine === 'postgres') {
        const port = await freePort();
        const second = await startServerOnEnv({ ...env, PORT: String(port), PARQEX_PUBLIC_URL: `http://127.0.0.1:${port}` });
        t.after(() => second.close());
        servers.push(second);
      }
      const { app, baseUrl } = first;
      await sandboxController(t, app, 'a');
      const token = await tokens(baseUrl);
      const pass = (await api(baseUrl, token.gia, 'POST', 'guest-passes', { ...theoPass, starts_at: '2026-03-06T22:00:00Z', pin: false, send: false })).body.data;
      for (let i = 0; i < 60; i += 1) {
        const opened = await openAsGuest(baseUrl, pass.link_url, lobby.id);
        assert.equal(opened.status, 200, `opening ${i + 1}: ${JSON.stringify(opened.body)}`);
        await advance(baseUrl, '11s');
      }
      const sixtyFirst = await openAsGuest(baseUrl, pass.link_url, lobby.id);
      assert.equal(sixtyFirst.status, 429);
      assert.match(sixtyFirst.body.errors![0]!.message, /60 times/);
      await advance(baseUrl, '1h');
      assert.equal((await openAsGuest(baseUrl, pass.link_url, lobby.id)).status, 200);
      await advance(baseUrl, '11s');

      // Alex removes Gia's lobby (as remove-access.ts does: her door_access row goes).
      await app.db.deleteFrom('door_access').where('door_id', '=', lobby.id).where('person_id', '=', sandboxPeople.gia.id).execute();
      for (const server of servers) {
        const refused = await openAsGuest(server.baseUrl, pass.link_url, lobby.id);
        assert.equal(refused.status, 403, `${server.baseUrl}: ${JSON.stringify(refused.body)}`);
      }
    });
  });
}
