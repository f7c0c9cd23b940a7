// The vehicles and LPR API (phase2.md B.1-B.3, B.6; Acceptance B examples 4-6)
// through HTTP: happy paths, refusals, scopes and other accounts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser, submitAccountForm } from '../helpers/account-page.ts';
import { call, refused, type Answer } from '../helpers/api-calls.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { apiBase, firstPartyClient } from '../helpers/first-party.ts';
import { authorize, authorizationQuery, postToken, sandbox, sandboxTokens, userInfo } from '../helpers/oauth.ts';
import { insertPlateRead } from '../helpers/plate-reads.ts';

const { alex, sam, gia, nora } = sandboxPeople;
const residence = compactId(sandboxAccounts.residence.id);
const neighbor = compactId(sandboxAccounts.neighbor.id);
const deviceA = compactId(sandboxDevices.a.id);
const flashAlert = (body: string) => /role="alert" id="flash"[^>]*>([^<]+)</.exec(body)?.[1];

/** A third-party (sandbox web app) token with these scopes. */
async function token(baseUrl: string, email: string, scope: string): Promise<string> {
  return (await sandboxTokens(baseUrl, { email, scope })).access_token;
}

/** A first-party token with these scopes (the internal PATCH accounts). */
async function firstPartyToken(baseUrl: string, email: string, scope: string): Promise<string> {
  const client = firstPartyClient(baseUrl);
  const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl, { client_id: client.client_id, scope }), email });
  const answer = await postToken(baseUrl, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
  return answer.body.access_token as string;
}

async function outbox(app: App, typePrefix: string) {
  const rows = await app.db.selectFrom('outbox_events').select(['type', 'account_id', 'person_ids', 'data']).where('type', 'like', `${typePrefix}%`).orderBy('seq').execute();
  return rows.map((row) => ({ ...row, person_ids: JSON.parse(row.person_ids ?? 'null') as string[], data: JSON.parse(row.data) }));
}

const quiet = { PARQEX_WEBHOOKS: 'false' };

for (const engine of engines()) {
  describe(`vehicles API [${engine}]`, () => {
    it('Sam adds "sam 123" as SAM123; again is duplicate (on the page an inline error); the 11th is limit_reached (Acceptance B, 5)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      const samToken = await token(baseUrl, sam.email, 'vehicles');
      const added = await call(baseUrl, samToken, 'POST', 'vehicles', { plate: 'sam 123' });
      assert.equal(added.status, 201, added.text);
      assert.deepEqual({ ...added.body.data, id: undefined }, { id: undefined, plate: 'SAM123', plate_key: 'SAM123', region: null, make: '', model: '', color: '' });
      assert.match(added.body.data.id, /^[0-9a-f]{32}$/);
      refused(await call(baseUrl, samToken, 'POST', 'vehicles', { plate: 'SAM-123' }), 409, 'duplicate', /SAM123/);

      const browser = await signedInBrowser(baseUrl, sam.email);
      const page = await submitAccountForm(browser, '/account/vehicles', { plate: 'sam 123' });
      assert.equal(page.status, 303);
      assert.equal(flashAlert((await browser.request('/account/vehicles')).body), 'You already have a vehicle with the licence plate SAM123.');

      for (let index = 2; index <= 10; index += 1) assert.equal((await call(baseUrl, samToken, 'POST', 'vehicles', { plate: `SAM${index}X`, region: 'US-NJ' })).status, 201);
      refused(await call(baseUrl, samToken, 'POST', 'vehicles', { plate: 'SAM11X' }), 409, 'limit_reached');
      const pageAtLimit = await submitAccountForm(browser, '/account/vehicles', { plate: 'SAM11X' });
      assert.equal(pageAtLimit.status, 303);
      assert.match(flashAlert((await browser.request('/account/vehicles')).body) ?? '', /10 vehicles/);

      const listed = await call(baseUrl, samToken, 'GET', 'vehicles');
      assert.equal(listed.status, 200);
      const plates = new Map(listed.body.data.map((vehicle: any) => [vehicle.plate, vehicle.region]));
      assert.deepEqual([plates.get('SAM123'), plates.get('SAM2X'), plates.has('SAM11X')], [null, 'us-nj', false]);
      assert.equal(listed.body.data.length, 10);
      assert.equal((await outbox(app, 'vehicle_added')).length, 10);
    });

    it('Alex\'s user-info vehicle has its id and "region":"us-ny"; GET vehicles needs profile or vehicles, writing needs vehicles', async (t) => {
      const { baseUrl } = await startServer(t, engine, quiet);
      const profile = await token(baseUrl, alex.email, 'profile');
      const info = await userInfo(baseUrl, profile);
      assert.deepEqual(info.body.data.vehicles, [{ id: '5a0d00000000400080000000000000f1', plate: 'PQX1001', region: 'us-ny', make: 'Tesla', model: 'Model 3', color: 'white' }]);
      const listed = await call(baseUrl, profile, 'GET', 'vehicles');
      assert.deepEqual(listed.body.data, [{ id: '5a0d00000000400080000000000000f1', plate: 'PQX1001', plate_key: 'PQX1001', region: 'us-ny', make: 'Tesla', model: 'Model 3', color: 'white' }]);
      refused(await call(baseUrl, profile, 'POST', 'vehicles', { plate: 'NEW1' }), 403, 'forbidden', /vehicles scope/);
      refused(await call(baseUrl, profile, 'DELETE', 'vehicles/5a0d00000000400080000000000000f1'), 403, 'forbidden');
      const doorsOnly = await token(baseUrl, alex.email, 'opendoor');
      const noScope = await call(baseUrl, doorsOnly, 'GET', 'vehicles');
      refused(noScope, 403, 'forbidden', /profile or vehicles/);
      const lpr = await token(baseUrl, alex.email, 'lpr');
      refused(await call(baseUrl, lpr, 'GET', 'vehicles'), 403, 'forbidden', undefined);
    });

    it('refuses plates of every bad shape, bad regions and details with 400 naming the problem; PQX-1001 is pqx 1001', async (t) => {
      const { baseUrl } = await startServer(t, engine, quiet);
      const alexToken = await token(baseUrl, alex.email, 'vehicles');
      const cases: [unknown, RegExp][] = [
        [{ plate: '' }, /Enter a licence plate/],
        [{ plate: ' - ' }, /Enter a licence plate/],
        [{ plate: 'A'.repeat(21) }, /Invalid plate/],
        [{ plate: 'A B C D E F G H I J K' }, /Invalid plate|2 to 10/],
        [{ plate: 'ABCDEFGHIJK' }, /2 to 10/],
        [{ plate: 'РQХ1001' }, /2 to 10/],
        [{ plate: 'PQX 1001 ' + '\u0000' }, /2 to 10/],
        [{ plate: 'AB.123' }, /2 to 10/],
        [{ plate: 12345 }, /Invalid plate/],
        [{}, /plate/],
        [{ plate: 'NEW1', region: 'New York' }, /Invalid region/],
        [{ plate: 'NEW1', region: 'usa-ny' }, /Invalid region/],
        [{ plate: 'NEW1', make: 'x'.repeat(41) }, /make/],
        [{ plate: 'NEW1', color: 'red\u0007' }, /color/],
        [{ plate: 'NEW1', owner: 'sam' }, /owner/],
      ];
      for (const [body, message] of cases) refused(await call(baseUrl, alexToken, 'POST', 'vehicles', body), 400, 'invalid', message);
      refused(await call(baseUrl, alexToken, 'POST', 'vehicles', { plate: 'PQX-1001' }), 409, 'duplicate');
      const fullWidth = await call(baseUrl, alexToken, 'POST', 'vehicles', { plate: 'ＧＢ１２', region: 'GB' });
      assert.equal(fullWidth.status, 201, fullWidth.text);
      assert.deepEqual([fullWidth.body.data.plate, fullWidth.body.data.region], ['GB12', 'gb']);
    });

    it('changes and removes one\'s own vehicle; another person\'s is 404 and stays', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      const alexToken = await token(baseUrl, alex.email, 'vehicles');
      const samToken = await token(baseUrl, sam.email, 'vehicles');
      const alexVehicle = '5a0d00000000400080000000000000f1';
      const changed = await call(baseUrl, alexToken, 'PATCH', `vehicles/${alexVehicle}`, { color: 'blue', region: null });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual([changed.body.data.color, changed.body.data.region, changed.body.data.plate], ['blue', null, 'PQX1001']);
      refused(await call(baseUrl, samToken, 'PATCH', `vehicles/${alexVehicle}`, { color: 'red' }), 404, 'not_found');
      refused(await call(baseUrl, samToken, 'DELETE', `vehicles/${alexVehicle}`), 404, 'not_found');
      refused(await call(baseUrl, samToken, 'DELETE', 'vehicles/not-an-id'), 404, 'not_found');
      const samVehicle = (await call(baseUrl, samToken, 'POST', 'vehicles', { plate: 'SAM1' })).body.data.id;
      refused(await call(baseUrl, samToken, 'PATCH', `vehicles/${samVehicle}`, { plate: 'pqx 1001', make: 'x'.repeat(41) }), 400, 'invalid');
      refused(await call(baseUrl, alexToken, 'POST', 'vehicles', { plate: 'SAM-1' }).then(async () => call(baseUrl, alexToken, 'PATCH', `vehicles/${alexVehicle}`, { plate: 'sam 1' })), 409, 'duplicate');
      const removed = await call(baseUrl, alexToken, 'DELETE', `vehicles/${alexVehicle}`);
      assert.equal(removed.status, 200);
      assert.deepEqual((await outbox(app, 'vehicle_removed')).map((event) => [event.person_ids, event.data.licensePlate]), [[[alex.id], 'PQX1001']]);
      const wrongMethod = await call(baseUrl, alexToken, 'PUT', 'vehicles');
      assert.equal(wrongMethod.status, 405);
    });

    it('a retried POST vehicles with the same Idempotency-Key gets the first answer, not duplicate', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      const samToken = await token(baseUrl, sam.email, 'vehicles');
      const post = () => fetch(`${baseUrl}${apiBase}/vehicles`, {
        method: 'POST', headers: { authorization: `Bearer ${samToken}`, 'content-type': 'application/json', 'idempotency-key': 'add-sam-123' }, body: JSON.stringify({ plate: 'sam 123' }),
      });
      const first = await post();
      const again = await post();
      assert.deepEqual([first.status, again.status, again.headers.get('idempotent-replayed')], [201, 201, 'true']);
      assert.deepEqual((await again.json() as any).data, (await first.json() as any).data);
      assert.equal((await outbox(app, 'vehicle_added')).length, 1);
    });
  });

  describe(`LPR admission API [${engine}]`, () => {
    it('Alex lists what the readers admit, excludes GIA404 and readmits it, caps at 1 (Acceptance B, 4); events to Alex and Gia', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      const alexLpr = await token(baseUrl, alex.email, 'lpr vehicles');
      const list = async () => (await call(baseUrl, alexLpr, 'GET', 'lpr/vehicles')).body.data.vehicles.map((v: any) => [v.plate, v.person.first_name, v.admitted, v.reason]).sort();
      const first = await call(baseUrl, alexLpr, 'GET', `lpr/vehicles?account_id=${residence}`);
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.body.data.vehicles.find((v: any) => v.plate === 'GIA404'), {
        vehicle_id: '5a0d00000000400080000000000000f2', person: { id: gia.id, first_name: 'Gia', last_name: 'Guard', email: gia.email }, plate: 'GIA404', region: 'us-ny', admitted: true, reason: null,
      });

      const excluded = await call(baseUrl, alexLpr, 'PUT', 'lpr/exclusions/gia-404', { account_id: residence, reason: 'Sold the car' });
      assert.equal(excluded.status, 200, excluded.text);
      assert.deepEqual(excluded.body.data, { plate: 'GIA404', reason: 'Sold the car', person_ids: [gia.id] });
      assert.deepEqual(await list(), [['GIA404', 'Gia', false, 'excluded'], ['PQX1001', 'Alex', true, null]]);
      refused(await call(baseUrl, alexLpr, 'PUT', 'lpr/exclusions/ZZZ999', { reason: 'x' }), 404, 'not_found');
      refused(await call(baseUrl, alexLpr, 'PUT', 'lpr/exclusions/Z', {}), 400, 'invalid', /plate/);
      refused(await call(baseUrl, alexLpr, 'PUT', 'lpr/exclusions/GIA404', { reason: 'x'.repeat(201) }), 400, 'invalid', /reason/);

      const readmitted = await call(baseUrl, alexLpr, 'DELETE', `lpr/exclusions/GIA404?account_id=${residence}`);
      assert.equal(readmitted.status, 200, readmitted.text);
      refused(await call(baseUrl, alexLpr, 'DELETE', 'lpr/exclusions/GIA404'), 404, 'not_found');
      assert.deepEqual(await list(), [['GIA404', 'Gia', true, null], ['PQX1001', 'Alex', true, null]]);
      const data = { accountID: residence, personID: compactId(gia.id), plate: 'GIA404', reason: 'Sold the car' };
      assert.deepEqual(await outbox(app, 'vehicle_exclusion_'), [
        { type: 'vehicle_exclusion_added', account_id: sandboxAccounts.residence.id, person_ids: [alex.id, gia.id], data },
        { type: 'vehicle_exclusion_removed', account_id: sandboxAccounts.residence.id, person_ids: [alex.id, gia.id], data },
      ]);

      const internal = await firstPartyToken(baseUrl, alex.email, 'lpr');
      const capped = await call(baseUrl, internal, 'PATCH', `accounts/${residence}`, { lpr_vehicle_cap: 1 });
      assert.equal(capped.status, 200, capped.text);
      assert.equal(capped.body.data.lpr_vehicle_cap, 1);
      assert.equal((await call(baseUrl, alexLpr, 'POST', 'vehicles', { plate: 'PQX2002' })).status, 201);
      assert.deepEqual(await list(), [['GIA404', 'Gia', true, null], ['PQX1001', 'Alex', true, null], ['PQX2002', 'Alex', false, 'over_cap']]);
      for (const cap of [0, 11, 1.5, '2']) refused(await call(baseUrl, internal, 'PATCH', `accounts/${residence}`, { lpr_vehicle_cap: cap }), 400, 'invalid');
      const internalWithoutLpr = await firstPartyToken(baseUrl, alex.email, 'opendoor');
      refused(await call(baseUrl, internalWithoutLpr, 'PATCH', `accounts/${residence}`, { lpr_vehicle_cap: null }), 403, 'forbidden', /lpr/);
      const noraInternal = await firstPartyToken(baseUrl, nora.email, 'lpr');
      refused(await call(baseUrl, noraInternal, 'PATCH', `accounts/${residence}`, { lpr_vehicle_cap: null }), 404, 'not_found');
      const thirdParty = await call(baseUrl, alexLpr, 'PATCH', `accounts/${residence}`, { lpr_vehicle_cap: null });
      assert.equal(thirdParty.status, 404);
      assert.equal((await call(baseUrl, internal, 'PATCH', `accounts/${residence}`, { lpr_vehicle_cap: null })).body.data.lpr_vehicle_cap, null);
    });

    it('Sam is 403, Nora and a token without lpr refused; pages by limit and cursor; bad limits and cursors are 400', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      const samLpr = await token(baseUrl, sam.email, 'lpr');
      refused(await call(baseUrl, samLpr, 'GET', 'lpr/vehicles'), 403, 'forbidden');
      refused(await call(baseUrl, samLpr, 'PUT', 'lpr/exclusions/GIA404', { reason: 'x' }), 403, 'forbidden');
      refused(await call(baseUrl, samLpr, 'DELETE', 'lpr/exclusions/GIA404'), 403, 'forbidden');
      const noraLpr = await token(baseUrl, nora.email, 'lpr');
      refused(await call(baseUrl, noraLpr, 'GET', `lpr/vehicles?account_id=${residence}`), 404, 'not_found');
      refused(await call(baseUrl, noraLpr, 'PUT', 'lpr/exclusions/GIA404', { account_id: residence, reason: 'x' }), 404, 'not_found');
      const alexProfile = await token(baseUrl, alex.email, 'profile vehicles');
      refused(await call(baseUrl, alexProfile, 'GET', 'lpr/vehicles'), 403, 'forbidden', /lpr scope/);
      refused(await call(baseUrl, alexProfile, 'PUT', 'lpr/exclusions/GIA404', { reason: 'x' }), 403, 'forbidden', /lpr scope/);
      assert.deepEqual(await app.db.selectFrom('lpr_exclusions').selectAll().execute(), []);

      const alexLpr = await token(baseUrl, alex.email, 'lpr');
      refused(await call(baseUrl, alexLpr, 'GET', `lpr/vehicles?account_id=${neighbor}`), 404, 'not_found');
      refused(await call(baseUrl, alexLpr, 'GET', 'lpr/vehicles?account_id=nonsense'), 404, 'not_found');
      const pageOne = await call(baseUrl, alexLpr, 'GET', 'lpr/vehicles?limit=1');
      assert.equal(pageOne.body.data.vehicles.length, 1);
      const pageTwo = await call(baseUrl, alexLpr, 'GET', `lpr/vehicles?limit=1&cursor=${pageOne.body.data.next_cursor}`);
      assert.equal(pageTwo.body.data.vehicles.length, 1);
      assert.equal(pageTwo.body.data.next_cursor, null);
      assert.notEqual(pageTwo.body.data.vehicles[0].vehicle_id, pageOne.body.data.vehicles[0].vehicle_id);
      for (const query of ['limit=0', 'limit=201', 'limit=-1', 'limit=abc', 'cursor=%%%', `cursor=${Buffer.from('1.x').toString('base64url')}`, 'format=xml', 'unknown=1']) {
        refused(await call(baseUrl, alexLpr, 'GET', `lpr/vehicles?${query}`), 400, 'invalid');
      }
      refused(await call(baseUrl, alexLpr, 'PUT', `lpr/exclusions/${encodeURIComponent('РQХ1001')}`, {}), 400, 'invalid', /plate/);
      const fullWidth = await call(baseUrl, alexLpr, 'PUT', `lpr/exclusions/${encodeURIComponent('ＧＩＡ４０４')}`, {});
      assert.deepEqual([fullWidth.status, fullWidth.body.data?.plate], [200, 'GIA404'], fullWidth.text);
      const wrongMethod = await call(baseUrl, alexLpr, 'GET', 'lpr/exclusions/GIA404');
      assert.equal(wrongMethod.status, 405);
      assert.match(wrongMethod.body.errors[0].message, /use PUT or DELETE/);
    });

    it('exports csv with a header, every cell starting = + - @ made text', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      await app.db.updateTable('people').set({ first_name: '=HYPERLINK("http://evil.test","x")', last_name: '-2+3' }).where('id', '=', gia.id).execute();
      const alexLpr = await token(baseUrl, alex.email, 'lpr');
      const csv = await call(baseUrl, alexLpr, 'GET', 'lpr/vehicles?format=csv');
      assert.equal(csv.status, 200, csv.text);
      assert.match(csv.type, /^text\/csv/);
      const lines = csv.text.trimEnd().split('\r\n');
      assert.equal(lines[0], 'vehicle_id,person_id,first_name,last_name,email,plate,region,admitted,reason');
      assert.ok(lines.includes(`5a0d00000000400080000000000000f2,${gia.id},"'=HYPERLINK(""http://evil.test"",""x"")",'-2+3,${gia.email},GIA404,us-ny,true,`), csv.text);
      assert.equal(lines.length, 3);
    });
  });

  describe(`LPR readers API [${engine}]`, () => {
    it('Alex lists every entity with defaults and sets one; Sam 403; Nora, or Alex naming the Neighbor Garage, 404 (Acceptance B, 6)', async (t) => {
      const { baseUrl } = await startServer(t, engine, quiet);
      const alexLpr = await token(baseUrl, alex.email, 'lpr');
      const listed = await call(baseUrl, alexLpr, 'GET', 'lpr/readers');
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.data.length, 6);
      assert.deepEqual(listed.body.data[1], {
        device_id: deviceA, controller_name: 'Controller a1b2c3d4e5f60001', entity_number: 2, door_id: compactId(sandboxDoors.gate.id), door: { id: compactId(sandboxDoors.gate.id), name: 'Driveway Gate' },
        direction: 'both', min_confidence: 0.8, repeat_window_s: 30, enabled: true, is_default: false,
      });
      assert.deepEqual([listed.body.data[0].entity_number, listed.body.data[0].door_id, listed.body.data[0].direction, listed.body.data[0].is_default], [1, null, 'entry', true]);
      const settings = { direction: 'exit', min_confidence: 0.9, repeat_window_s: 60, enabled: true };
      const set = await call(baseUrl, alexLpr, 'PUT', `lpr/readers/${deviceA}/2`, settings);
      assert.equal(set.status, 200, set.text);
      assert.deepEqual({ ...set.body.data, door: undefined }, { ...listed.body.data[1], ...settings, door_id: null, is_default: false, door: undefined });
      const moved = await call(baseUrl, alexLpr, 'PUT', `lpr/readers/${sandboxDevices.a.id}/4`, { ...settings, door_id: compactId(sandboxDoors.lobby.id) });
      assert.deepEqual(moved.body.data.door, { id: compactId(sandboxDoors.lobby.id), name: 'Lobby Door' });

      const samLpr = await token(baseUrl, sam.email, 'lpr');
      refused(await call(baseUrl, samLpr, 'PUT', `lpr/readers/${deviceA}/2`, settings), 403, 'forbidden');
      refused(await call(baseUrl, samLpr, 'GET', 'lpr/readers'), 403, 'forbidden');
      const noraLpr = await token(baseUrl, nora.email, 'lpr');
      refused(await call(baseUrl, noraLpr, 'PUT', `lpr/readers/${deviceA}/2`, settings), 404, 'not_found');
      refused(await call(baseUrl, noraLpr, 'PUT', `lpr/readers/${deviceA}/2`, { ...settings, account_id: residence }), 404, 'not_found');
      refused(await call(baseUrl, alexLpr, 'PUT', `lpr/readers/${deviceA}/2`, { ...settings, door_id: compactId(sandboxDoors.neighborGarage.id) }), 404, 'not_found', /door/);
      refused(await call(baseUrl, alexLpr, 'PUT', `lpr/readers/${compactId(sandboxDevices.neighbor.id)}/1`, settings), 404, 'not_found', /controller/);
      refused(await call(baseUrl, alexLpr, 'PUT', `lpr/readers/${compactId(sandboxDevices.spare.id)}/1`, settings), 404, 'not_found', /controller/);
      const badInput: [string, unknown, RegExp][] = [
        ['5', settings, /entity/], ['0', settings, /entity/], ['x', settings, /entity/],
        ['2', { ...settings, min_confidence: 1.5 }, /min_confidence/], ['2', { ...settings, min_confidence: -0.1 }, /min_confidence/],
        ['2', { ...settings, repeat_window_s: 601 }, /repeat_window_s/], ['2', { ...settings, repeat_window_s: 2.5 }, /repeat_window_s/],
        ['2', { ...settings, direction: 'sideways' }, /direction/], ['2', { ...settings, enabled: 'yes' }, /enabled/],
        ['2', { direction: 'entry' }, /min_confidence|repeat_window_s|enabled/],
      ];
      for (const [entity, body, message] of badInput) refused(await call(baseUrl, alexLpr, 'PUT', `lpr/readers/${deviceA}/${entity}`, body), 400, 'invalid', message);
      const profile = await token(baseUrl, alex.email, 'profile');
      refused(await call(baseUrl, profile, 'PUT', `lpr/readers/${deviceA}/2`, settings), 403, 'forbidden', /lpr scope/);
    });

    it('a door the application was not given is 404, as another account\'s', async (t) => {
      const { baseUrl } = await startServer(t, engine, quiet);
      const narrow = (await sandboxTokens(baseUrl, { email: alex.email, scope: 'lpr', untick: [sandboxDoors.lobby.id] })).access_token;
      const settings = { direction: 'entry', min_confidence: 0.8, repeat_window_s: 30, enabled: true };
      refused(await call(baseUrl, narrow, 'PUT', `lpr/readers/${deviceA}/4`, { ...settings, door_id: compactId(sandboxDoors.lobby.id) }), 404, 'not_found');
      assert.equal((await call(baseUrl, narrow, 'PUT', `lpr/readers/${deviceA}/4`, { ...settings, door_id: compactId(sandboxDoors.gate.id) })).status, 200);
      refused(await call(baseUrl, narrow, 'GET', `lpr/reads?door_id=${compactId(sandboxDoors.lobby.id)}`), 404, 'not_found');
    });
  });

  describe(`LPR reads API [${engine}]`, () => {
    it('the Admin and Gia (enforcement) search the reads, every plate search logged with who and which application; Sam 403, Nora 404', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      const base = Date.UTC(2026, 2, 4, 15, 0, 0) / 1000;
      const granted = await insertPlateRead(app.db, { occurred_at: base, person_id: alex.id, near_matches: '[]' });
      const refusedRead = await insertPlateRead(app.db, { occurred_at: base + 60, plate: 'PQX1O01', plate_key: 'PQX1O01', decision: 'refused', reason: 'unknown plate', basis: null, near_matches: '["PQX1001"]' });
      await insertPlateRead(app.db, { account_id: sandboxAccounts.neighbor.id, device_id: sandboxDevices.neighbor.id, door_id: sandboxDoors.neighborGarage.id, occurred_at: base + 10 });

      const alexLpr = await token(baseUrl, alex.email, 'lpr');
      const all = await call(baseUrl, alexLpr, 'GET', 'lpr/reads');
      assert.equal(all.status, 200, all.text);
      assert.deepEqual(all.body.data.reads.map((read: any) => read.id), [refusedRead.id, granted.id]);
      assert.deepEqual(all.body.data.reads[0], {
        id: refusedRead.id, device_id: deviceA, entity_number: 2, door: { id: compactId(sandboxDoors.gate.id), name: 'Driveway Gate' }, plate: 'PQX1O01', plate_key: 'PQX1O01', region: 'us-ny',
        confidence: 0.93, candidates: [], direction: 'entry', decision: 'refused', reason: 'unknown plate', basis: null, basis_id: null, person: null, near_matches: ['PQX1001'], occurred_at: '2026-03-04 15:01:00',
      });
      assert.deepEqual(all.body.data.reads[1].person, { id: alex.id, first_name: 'Alex', last_name: 'Admin' });
      const paged = await call(baseUrl, alexLpr, 'GET', 'lpr/reads?limit=1');
      const rest = await call(baseUrl, alexLpr, 'GET', `lpr/reads?limit=1&cursor=${paged.body.data.next_cursor}`);
      assert.deepEqual(rest.body.data.reads.map((read: any) => read.id), [granted.id]);

      const giaLpr = await token(baseUrl, gia.email, 'lpr');
      const searched = await call(baseUrl, giaLpr, 'GET', `lpr/reads?plate=pqx-1001&decision=granted&from=2026-03-04T14:00:00Z&to=2026-03-04%2016:00:00&door_id=${compactId(sandboxDoors.gate.id)}`);
      assert.equal(searched.status, 200, searched.text);
      assert.deepEqual(searched.body.data.reads.map((read: any) => read.id), [granted.id]);
      const lookups = await app.db.selectFrom('plate_lookups').select(['account_id', 'person_id', 'client_id', 'plate_key']).execute();
      assert.deepEqual(lookups.map((row) => ({ ...row })), [{ account_id: sandboxAccounts.residence.id, person_id: gia.id, client_id: sandbox.client(baseUrl).web.client_id, plate_key: 'PQX1001' }]);

      refused(await call(baseUrl, await token(baseUrl, sam.email, 'lpr'), 'GET', 'lpr/reads'), 403, 'forbidden');
      const noraLpr = await token(baseUrl, nora.email, 'lpr');
      refused(await call(baseUrl, noraLpr, 'GET', `lpr/reads?account_id=${residence}`), 404, 'not_found');
      refused(await call(baseUrl, alexLpr, 'GET', `lpr/reads?door_id=${compactId(sandboxDoors.neighborGarage.id)}`), 404, 'not_found');
      for (const query of ['limit=0', 'limit=201', 'cursor=abc', 'decision=maybe', 'from=yesterday', 'to=2026-13-01', 'plate=P', 'from=2026-03-05&to=2026-03-04', 'from=1900-01-01']) {
        refused(await call(baseUrl, alexLpr, 'GET', `lpr/reads?${query}`), 400, 'invalid');
      }
      assert.equal((await app.db.selectFrom('plate_lookups').selectAll().execute()).length, 1, 'a refused search is not logged');
    });

    it('exports csv, a plate or name starting with = + - @ made text; more than 10,000 rows is refused', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, quiet);
      await insertPlateRead(app.db, { plate: '=1+2', plate_key: null, decision: 'unreadable', basis: null, near_matches: '[]' });
      await insertPlateRead(app.db, { plate: '@SUM(A1)', plate_key: null, decision: 'unreadable', basis: null, occurred_at: Date.UTC(2026, 2, 4, 16, 0, 0) / 1000 });
      const alexLpr = await token(baseUrl, alex.email, 'lpr');
      const csv = await call(baseUrl, alexLpr, 'GET', 'lpr/reads?format=csv');
      assert.equal(csv.status, 200, csv.text);
      assert.match(csv.type, /^text\/csv/);
      const lines = csv.text.trimEnd().split('\r\n');
      assert.match(lines[0]!, /^id,occurred_at,device_id,/);
      assert.equal(lines.length, 3);
      assert.ok(lines[1]!.includes(",'@SUM(A1),"), lines[1]);
      assert.ok(lines[2]!.includes(",'=1+2,"), lines[2]);
      assert.ok(!/,[=+\-@]/.test(lines.slice(1).join('\n')), 'no cell starts with a formula character');

      const rows = Array.from({ length: 10_001 }, (_, index) => ({
        id: index.toString(16).padStart(32, '0'), account_id: sandboxAccounts.residence.id, device_id: sandboxDevices.a.id, entity_number: 2, door_id: sandboxDoors.gate.id, read_id: null,
        plate: 'X1', plate_key: 'X1', region: null, confidence: 1, candidates: '[]', direction: 'entry' as const, decision: 'refused' as const, reason: 'unknown plate', basis: null, basis_id: null,
        person_id: null, toggle_id: null, near_matches: '[]', occurred_at: 1_772_600_000 + index, received_at: 1_772_600_000 + index,
      }));
      for (let start = 0; start < rows.length; start += 500) await app.db.insertInto('plate_reads').values(rows.slice(start, start + 500)).execute();
      refused(await call(baseUrl, alexLpr, 'GET', 'lpr/reads?format=csv'), 400, 'invalid', /10,000/);
      const narrowed = await call(baseUrl, alexLpr, 'GET', 'lpr/reads?format=csv&decision=unreadable');
      assert.equal(narrowed.status, 200);
    });
  });
}
