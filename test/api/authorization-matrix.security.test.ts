// The authorization matrix: every resource route, under every API prefix, for
// every sandbox person with every sandbox application (several grants: scopes,
// chosen doors), on every door, checked against the rules as written below,
// independently of src/access. A cell that allows what the rules forbid fails,
// and so does one that forbids what they allow.
//
// Toggles run against simulated controllers (zero travel), so an allowed cell
// must really answer 200 (or the 428/501 the door's kind dictates): a 404
// "offline" or a 504 cannot pass for an authorization decision.
//
// Access hours depend on the clock, which the server reads itself: the HTTP
// cells evaluate Sam's gate hours at the instant of the request (a request
// that straddles 06:00 or 22:00 accepts either answer), and the second suite
// checks the door policy at fixed instants across a week and a DST change.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decide } from '../../src/access/decide.ts';
import { visibleDoors } from '../../src/access/door-policy.ts';
import { systemClock } from '../../src/clock.ts';
import { compactId } from '../../src/access/ids.ts';
import { apiPrefixes } from '../../src/api/index.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxController } from '../helpers/controllers.ts';
import { signedInBrowser, submitAndFollow } from '../helpers/account-page.ts';
import { authorize, pkcePair, postToken, sandbox } from '../helpers/oauth.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

// ---- The rules, stated on their own (spec 1, 3 and 4) ----

type PersonKey = keyof typeof sandboxPeople;
type DoorKey = keyof typeof sandboxDoors;
type AccountKey = keyof typeof sandboxAccounts;
type ClientKey = 'web' | 'native' | 'firstParty';

const roles: Record<PersonKey, Partial<Record<AccountKey, 'admin' | 'user'>>> = {
  alex: { residence: 'admin' },
  sam: { residence: 'user' },
  nora: { neighbor: 'admin' },
  gia: { residence: 'user' },
};
/** Door access given to Users: the door and its weekly hours (local "HH:MM" from, to), or null for any time. */
const given: Partial<Record<PersonKey, Partial<Record<DoorKey, { from: number; to: number } | null>>>> = {
  sam: { gate: { from: 6 * 60, to: 22 * 60 }, lobby: null },
  gia: { gate: { from: 7 * 60, to: 23 * 60 }, lobby: null },
};
/** The matrix switches third-party applications off for Neighbor House (through Nora's account page). */
const thirdPartyAllowed: Record<AccountKey, boolean> = { residence: true, neighbor: false };

const doorKeys = Object.keys(sandboxDoors) as DoorKey[];
const personKeys = Object.keys(sandboxPeople) as PersonKey[];

function accountOf(door: DoorKey): AccountKey {
  return sandboxDevices[sandboxDoors[door].device].account as AccountKey;
}

interface GrantSpec {
  name: string;
  client: ClientKey;
  /** As sent in the authorization request; undefined sends none (read-only). */
  scope?: string;
  /** Doors unticked on the consent page. */
  untick?: DoorKey[];
}

const grants: GrantSpec[] = [
  { name: 'web app [opendoor closedoor, all doors]', client: 'web', scope: 'OPENDOOR,closedoor' },
  { name: 'web app [read-only]', client: 'web' },
  { name: 'web app [opendoor profile lpr manageguests, garage and lobby unticked]', client: 'web', scope: 'opendoor,profile,lpr,manageguests', untick: ['garage', 'lobby'] },
  { name: 'web app [enforcer]', client: 'web', scope: 'enforcer' },
  { name: 'native app [closedoor, PKCE]', client: 'native', scope: 'closedoor' },
  { name: 'first-party app [opendoor closedoor lpr vehicles enforcer manageguests, all doors]', client: 'firstParty', scope: 'opendoor,closedoor,lpr,vehicles,enforcer,manageguests' },
  { name: 'first-party app [read-only, gate and neighbor garage unticked]', client: 'firstParty', untick: ['gate', 'neighborGarage'] },
];

function scopesOf(grant: GrantSpec): Set<string> {
  return new Set((grant.scope ?? '').toLowerCase().split(',').filter(Boolean));
}

function isAdmin(person: PersonKey, door: DoorKey): boolean {
  return roles[person][accountOf(door)] === 'admin';
}

/** Sees: Admin of the door's account or given access; the application covers it; the account lets third parties in. */
function sees(person: PersonKey, grant: GrantSpec, door: DoorKey): boolean {
  if (!isAdmin(person, door) && given[person]?.[door] === undefined) return false;
  if (grant.client !== 'firstParty' && !thirdPartyAllowed[accountOf(door)]) return false;
  return !grant.untick?.includes(door);
}

// Hours are the account's: both sandbox accounts keep New York time.
const localMinute = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Operates now: an Admin always; a User within their hours, read in the account's zone (the sandbox's default zone). */
function operableAt(person: PersonKey, door: DoorKey, at: Date): boolean {
  if (isAdmin(person, door)) return true;
  const hours = given[person]?.[door];
  if (hours === null || hours === undefined) return hours === null;
  const [h, m] = localMinute.format(at).split(':').map(Number);
  const minute = h! * 60 + m!;
  return minute >= hours.from && minute < hours.to;
}

/** What a toggle must answer, in the order spec 4 gives. */
function toggleExpectation(person: PersonKey, grant: GrantSpec, door: DoorKey, state: 'OPEN' | 'CLOSED', at: Date): number {
  if (!sees(person, grant, door)) return 404;
  if (!scopesOf(grant).has(state === 'OPEN' ? 'opendoor' : 'closedoor')) return 403;
  if (!operableAt(person, door, at)) return 403;
  const { kind, sensor } = sandboxDoors[door];
  if (kind === 'stateful' && sensor !== 1) return 428;
  if (kind === 'momentary' && state === 'CLOSED') return 501;
  return 200;
}

/** Members and account settings (phase2.md A.7): first-party applications only; not a member 404; a member who is not the Admin 403. */
function accountManagementExpectation(person: PersonKey, grant: GrantSpec, account: AccountKey): number {
  if (grant.client !== 'firstParty' || roles[person][account] === undefined) return 404;
  return roles[person][account] === 'admin' ? 200 : 403;
}

/** What each person may do at each account, as GET accounts must list it. */
const permissionsOf: Record<PersonKey, string[]> = { alex: ['enforcement', 'guests', 'share'], sam: [], nora: ['enforcement', 'guests', 'share'], gia: ['enforcement', 'guests'] };

/**
 * The LPR routes (phase2.md B.2, B.3, B.6) and the Enforcer's (C, scope `enforcer`): a member of the
 * account, which lets the application in (first-party, or third-party applications allowed), else 404;
 * then the route's scope, then the Admin (or, for the reads and the Enforcer's patrol routes, a member
 * with the enforcement permission), else 403.
 */
function lprExpectation(person: PersonKey, grant: GrantSpec, account: AccountKey, who: 'admin' | 'enforcer', scope: 'lpr' | 'enforcer' = 'lpr'): number {
  const role = roles[person][account];
  if (role === undefined || (grant.client !== 'firstParty' && !thirdPartyAllowed[account])) return 404;
  if (!scopesOf(grant).has(scope)) return 403;
  return role === 'admin' || (who === 'enforcer' && permissionsOf[person].includes('enforcement')) ? 200 : 403;
}

/** Guest passes and unit links (manageguests): the account's Admin, or a User with the guests permission. */
function guestExpectation(person: PersonKey, grant: GrantSpec, account: AccountKey): number {
  const role = roles[person][account];
  if (role === undefined || (grant.client !== 'firstParty' && !thirdPartyAllowed[account])) return 404;
  if (!scopesOf(grant).has('manageguests')) return 403;
  return role === 'admin' || permissionsOf[person].includes('guests') ? 200 : 403;
}

/** Invite and remove access: first-party applications only; an Admin manages the door; Sam may not share. */
function inviteExpectation(person: PersonKey, grant: GrantSpec, door: DoorKey): number {
  if (grant.client !== 'firstParty' || !sees(person, grant, door)) return 404;
  return isAdmin(person, door) ? 200 : 403;
}

// ---- The calls ----

interface Answer { status: number; body: any }

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function tokenFor(baseUrl: string, person: PersonKey, grant: GrantSpec): Promise<string> {
  const clients = sandbox.client(baseUrl);
  const native = grant.client === 'native';
  const redirectUri = native ? 'http://127.0.0.1:40000/callback' : sandbox.redirectUri;
  const pkce = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code', client_id: clients[grant.client].client_id, redirect_uri: redirectUri, state: 'matrix',
    ...(grant.scope !== undefined ? { scope: grant.scope } : {}),
    ...(native ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {}),
  });
  const redirect = await authorize(baseUrl, { query: query.toString(), email: sandboxPeople[person].email, untick: grant.untick?.map((door) => sandboxDoors[door].id) });
  const code = redirect.searchParams.get('code');
  assert.ok(code, `no code for ${person} with ${grant.name}: ${redirect}`);
  const credentials: Record<string, string> = grant.client === 'native'
    ? { client_id: clients.native.client_id, code_verifier: pkce.verifier }
    : { client_id: clients[grant.client].client_id, client_secret: clients[grant.client].client_secret };
  const token = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...credentials });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return token.body.access_token as string;
}

interface Cell { person: PersonKey; grant: GrantSpec; token: string }

function label(cell: Cell, what: string): string {
  return `${cell.person} with ${cell.grant.name}: ${what}`;
}

for (const engine of engines()) {
  describe(`authorization matrix over the resource API [${engine}]`, () => {
    it('answers every route, prefix, person, application and door exactly as the rules say', async (t) => {
      const unlimited = '1000000';
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_RATE_LIMIT_PER_TOKEN: unlimited, PARQEX_RATE_LIMIT_PER_PERSON: unlimited, PARQEX_RATE_LIMIT_PER_DOOR: unlimited, PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS: unlimited });
      for (const device of ['a', 'b', 'neighbor'] as const) await sandboxController(t, app, device, { travelMs: 0 });

      // Tokens through the real flow, once per (person, grant); people in parallel.
      const cells = (await Promise.all(personKeys.map(async (person) => {
        const own: Cell[] = [];
        for (const grant of grants) own.push({ person, grant, token: await tokenFor(baseUrl, person, grant) });
        return own;
      }))).flat();
      await switchThirdPartyOff(baseUrl);

      let checked = 0;
      const toggles: { cell: Cell; door: DoorKey; toggleId: string }[] = [];
      for (const prefix of apiPrefixes) {
        // One door at a time (two commands for one door at once would be a 409, not an authorization answer); doors in parallel.
        await Promise.all(doorKeys.map(async (door) => {
          for (const cell of cells) {
            for (const state of ['OPEN', 'CLOSED'] as const) {
              const before = new Date();
              const answer = await call(baseUrl, cell.token, 'POST', `${prefix}/toggle`, { door_id: compactId(sandboxDoors[door].id), door_state: state });
              const accepted = new Set([toggleExpectation(cell.person, cell.grant, door, state, before), toggleExpectation(cell.person, cell.grant, door, state, new Date())]);
              assert.ok(accepted.has(answer.status), label(cell, `${prefix}/toggle ${door} ${state}: expected ${[...accepted].join(' or ')}, got ${answer.status} ${JSON.stringify(answer.body)}`));
              if (answer.status === 404) assert.ok(!answer.body.message.includes(sandboxDoors[door].name), label(cell, `404 for ${door} names the door`));
              if (answer.status === 200) toggles.push({ cell, door, toggleId: answer.body.data.toggle_id });
              checked += 1;
            }
          }
        }));
        await Promise.all(cells.map(async (cell) => {
          checked += await readingCells(baseUrl, prefix, cell);
          checked += await inviteCells(baseUrl, prefix, cell);
          checked += await accountCells(baseUrl, prefix, cell);
          checked += await lprCells(baseUrl, prefix, cell);
          checked += await enforcerCells(baseUrl, prefix, cell);
          checked += await guestCells(baseUrl, prefix, cell);
        }));
        checked += await toggleStatusCells(baseUrl, prefix, cells, toggles);
      }
      t.diagnostic(`authorization matrix: ${checked} cells checked (${apiPrefixes.length} prefixes, ${personKeys.length} people, ${grants.length} grants, ${doorKeys.length} doors)`);
      assert.ok(toggles.length > 0, 'some toggles were allowed');
    });
  });
}

/** Nora, Admin of Neighbor House, switches third-party applications off on her account's Account page. */
async function switchThirdPartyOff(baseUrl: string): Promise<void> {
  const browser = await signedInBrowser(baseUrl, sandboxPeople.nora.email);
  const page = `/accounts/${sandboxAccounts.neighbor.id}/settings`;
  const outcome = await submitAndFollow(browser, `${page}/third-party`, { enabled: 'false' }, page);
  assert.deepEqual(outcome.flash, { info: 'Third-party applications are switched off for this account.' });
}

/** user-info, settings, sync (both methods) and history: what each shows must be exactly what the rules let through. */
async function readingCells(baseUrl: string, prefix: string, cell: Cell): Promise<number> {
  const { person, grant, token } = cell;
  const seen = doorKeys.filter((door) => sees(person, grant, door));
  const seenIds = new Set(seen.map((door) => compactId(sandboxDoors[door].id)));
  let checked = 0;

  const info = await call(baseUrl, token, 'GET', `${prefix}/user-info`);
  assert.equal(info.status, 200, label(cell, `user-info ${JSON.stringify(info.body)}`));
  assert.equal(info.body.data.id, sandboxPeople[person].id, label(cell, 'user-info is the person who authorized'));
  assert.equal('email_address' in info.body.data, scopesOf(grant).has('profile'), label(cell, 'email only with the profile scope'));
  checked += 1;

  const settings = await call(baseUrl, token, 'POST', `${prefix}/user-info`);
  assert.equal(settings.status, 200, label(cell, `settings ${JSON.stringify(settings.body)}`));
  assert.equal(settings.body.data.pin_code, sandboxPins[person], label(cell, 'settings are the person\'s own'));
  checked += 1;

  for (const method of ['GET', 'POST']) {
    const sync = await call(baseUrl, token, method, `${prefix}/sync`);
    assert.equal(sync.status, 200, label(cell, `${method} sync ${JSON.stringify(sync.body)}`));
    const doors = sync.body.devices.flatMap((device: any) => device.doors);
    assert.deepEqual(new Set(doors.map((door: any) => door.id)), seenIds, label(cell, `${method} sync shows exactly the doors the rules allow`));
    for (const door of doors) {
      const key = doorKeys.find((k) => compactId(sandboxDoors[k].id) === door.id)!;
      assert.equal(door.user_relationship, isAdmin(person, key) ? 'Owner' : 'Has Access', label(cell, `${key} relationship`));
    }
    checked += 1;
  }

  const eventsVisible = (events: any[], doorsAllowed: Set<string>, what: string) => {
    for (const event of events) {
      assert.ok(doorsAllowed.has(event.door_id), label(cell, `${what}: an event of door ${event.door_id}, outside what the rules show`));
      const key = doorKeys.find((k) => compactId(sandboxDoors[k].id) === event.door_id)!;
      // A User sees only their own events; an Admin every event on the account's doors.
      if (!isAdmin(person, key)) assert.equal(event.user.id, sandboxPeople[person].id, label(cell, `${what}: someone else's event on ${key}`));
    }
  };
  for (const door of doorKeys) {
    const history = await call(baseUrl, token, 'GET', `${prefix}/toggle-history?door_id=${compactId(sandboxDoors[door].id)}`);
    assert.equal(history.status, sees(person, grant, door) ? 200 : 404, label(cell, `history of ${door}: ${JSON.stringify(history.body)}`));
    if (history.status === 200) eventsVisible(history.body.data.toggle_events, new Set([compactId(sandboxDoors[door].id)]), `history of ${door}`);
    else assert.deepEqual(Object.keys(history.body), ['errors']);
    checked += 1;
  }
  for (const device of ['a', 'b', 'neighbor'] as const) {
    const onDevice = seen.filter((door) => sandboxDoors[door].device === device);
    const history = await call(baseUrl, token, 'GET', `${prefix}/toggle-history?history_type=device&device_id=${compactId(sandboxDevices[device].id)}`);
    assert.equal(history.status, onDevice.length > 0 ? 200 : 404, label(cell, `history of device ${device}: ${JSON.stringify(history.body)}`));
    if (history.status === 200) eventsVisible(history.body.data.toggle_events, new Set(onDevice.map((door) => compactId(sandboxDoors[door].id))), `history of device ${device}`);
    checked += 1;
  }
  const own = await call(baseUrl, token, 'GET', `${prefix}/toggle-history?history_type=user`);
  assert.equal(own.status, 200, label(cell, `user history ${JSON.stringify(own.body)}`));
  eventsVisible(own.body.data.toggle_events, seenIds, 'user history');
  return checked + 1;
}

/** POST invite then DELETE invite for a fresh address, per door: the pair leaves nobody's access changed. */
async function inviteCells(baseUrl: string, prefix: string, cell: Cell): Promise<number> {
  let checked = 0;
  for (const door of doorKeys) {
    const expected = inviteExpectation(cell.person, cell.grant, door);
    const email = `matrix-${cell.person}-${doorKeys.indexOf(door)}-${grants.indexOf(cell.grant)}-${apiPrefixes.indexOf(prefix)}@example.test`;
    const doorIds = [compactId(sandboxDoors[door].id)];
    const invited = await call(baseUrl, cell.token, 'POST', `${prefix}/invite`, { email_address: email, door_ids: doorIds });
    assert.equal(invited.status, expected, label(cell, `POST invite ${door}: ${JSON.stringify(invited.body)}`));
    const removed = await call(baseUrl, cell.token, 'DELETE', `${prefix}/invite`, { email_address: email, door_ids: doorIds });
    assert.equal(removed.status, expected, label(cell, `DELETE invite ${door}: ${JSON.stringify(removed.body)}`));
    if (expected !== 200) for (const answer of [invited, removed]) assert.deepEqual(Object.keys(answer.body), ['errors']);
    checked += 2;
  }
  return checked;
}

/** GET accounts (any token: exactly the person's accounts), and the internal account and member routes (writes that change nothing). */
async function accountCells(baseUrl: string, prefix: string, cell: Cell): Promise<number> {
  const listed = await call(baseUrl, cell.token, 'GET', `${prefix}/accounts`);
  assert.equal(listed.status, 200, label(cell, `GET accounts ${JSON.stringify(listed.body)}`));
  const expected = Object.entries(roles[cell.person]).map(([account, role]) => ({ id: compactId(sandboxAccounts[account as AccountKey].id), role, permissions: permissionsOf[cell.person] }));
  const got = (listed.body.data as { id: string; role: string; permissions: string[] }[]).map(({ id, role, permissions }) => ({ id, role, permissions: [...permissions].sort() }));
  assert.deepEqual(got, expected, label(cell, 'GET accounts lists exactly the person\'s accounts, roles and permissions'));
  let checked = 1;
  for (const account of Object.keys(sandboxAccounts) as AccountKey[]) {
    const expectedStatus = accountManagementExpectation(cell.person, cell.grant, account);
    const { id, name } = sandboxAccounts[account];
    const answers = [
      await call(baseUrl, cell.token, 'GET', `${prefix}/accounts/${compactId(id)}/members`),
      await call(baseUrl, cell.token, 'PATCH', `${prefix}/accounts/${compactId(id)}`, { name }),
    ];
    // Sam is a member of the residence only: at the neighbor an Admin would be told he is not one.
    if (account === 'residence') answers.push(await call(baseUrl, cell.token, 'PATCH', `${prefix}/accounts/${compactId(id)}/members/${compactId(sandboxPeople.sam.id)}`, { permissions: [] }));
    for (const answer of answers) {
      assert.equal(answer.status, expectedStatus, label(cell, `${account} management: ${JSON.stringify(answer.body)}`));
      if (expectedStatus !== 200) assert.deepEqual(Object.keys(answer.body), ['errors']);
      checked += 1;
    }
  }
  return checked;
}

/** The person's own vehicles (profile or vehicles to read) and each account's LPR routes (a reader set to its defaults changes nothing). */
async function lprCells(baseUrl: string, prefix: string, cell: Cell): Promise<number> {
  const scopes = scopesOf(cell.grant);
  const vehicles = await call(baseUrl, cell.token, 'GET', `${prefix}/vehicles`);
  assert.equal(vehicles.status, scopes.has('profile') || scopes.has('vehicles') ? 200 : 403, label(cell, `GET vehicles ${JSON.stringify(vehicles.body)}`));
  let checked = 1;
  const controllerOf: Record<AccountKey, keyof typeof sandboxDevices> = { residence: 'a', neighbor: 'neighbor' };
  for (const account of Object.keys(sandboxAccounts) as AccountKey[]) {
    const accountId = compactId(sandboxAccounts[account].id);
    const device = compactId(sandboxDevices[controllerOf[account]].id);
    const cells: [string, Promise<Answer>, number][] = [
      ['GET lpr/vehicles', call(baseUrl, cell.token, 'GET', `${prefix}/lpr/vehicles?account_id=${accountId}`), lprExpectation(cell.person, cell.grant, account, 'admin')],
      ['GET lpr/readers', call(baseUrl, cell.token, 'GET', `${prefix}/lpr/readers?account_id=${accountId}`), lprExpectation(cell.person, cell.grant, account, 'admin')],
      ['PUT lpr/readers', call(baseUrl, cell.token, 'PUT', `${prefix}/lpr/readers/${device}/1`, { account_id: accountId, direction: 'entry', min_confidence: 0.8, repeat_window_s: 30, enabled: true }), lprExpectation(cell.person, cell.grant, account, 'admin')],
      ['GET lpr/reads', call(baseUrl, cell.token, 'GET', `${prefix}/lpr/reads?account_id=${accountId}`), lprExpectation(cell.person, cell.grant, account, 'enforcer')],
    ];
    for (const [what, pending, expected] of cells) {
      const answer = await pending;
      assert.equal(answer.status, expected, label(cell, `${what} at ${account}: ${JSON.stringify(answer.body)}`));
      if (expected !== 200) assert.deepEqual(Object.keys(answer.body), ['errors']);
      checked += 1;
    }
  }
  return checked;
}

/** The Enforcer's routes (phase2.md C): reads for the Admin and enforcement members, lists written by the Admin. */
async function enforcerCells(baseUrl: string, prefix: string, cell: Cell): Promise<number> {
  let checked = 0;
  for (const account of Object.keys(sandboxAccounts) as AccountKey[]) {
    const accountId = compactId(sandboxAccounts[account].id);
    const expect = (who: 'admin' | 'enforcer') => lprExpectation(cell.person, cell.grant, account, who, 'enforcer');
    // A plate of its own per cell: the Admin's allowance is really added (201), never a duplicate.
    const plate = `M${randomBytes(4).toString('hex').toUpperCase()}`;
    // One at a time: every cell runs at once, and a burst of requests in flight counts against the per-address limit.
    const cells: [string, () => Promise<Answer>, number][] = [
      ['GET enforcement/allowances', () => call(baseUrl, cell.token, 'GET', `${prefix}/enforcement/allowances?account_id=${accountId}`), expect('enforcer')],
      ['POST enforcement/allowances', () => call(baseUrl, cell.token, 'POST', `${prefix}/enforcement/allowances`, { account_id: accountId, plate, category: 'guest' }), expect('admin') === 200 ? 201 : expect('admin')],
      ['GET enforcement/watchlist', () => call(baseUrl, cell.token, 'GET', `${prefix}/enforcement/watchlist?account_id=${accountId}`), expect('enforcer')],
      ['GET enforcement/plate-search', () => call(baseUrl, cell.token, 'GET', `${prefix}/enforcement/plate-search?account_id=${accountId}&plate=${plate}`), expect('enforcer')],
      ['GET enforcement/notices', () => call(baseUrl, cell.token, 'GET', `${prefix}/enforcement/notices?account_id=${accountId}`), expect('enforcer')],
      ['GET enforcement/alerts', () => call(baseUrl, cell.token, 'GET', `${prefix}/enforcement/alerts?account_id=${accountId}`), expect('enforcer')],
    ];
    for (const [what, send, expected] of cells) {
      const answer = await send();
      assert.equal(answer.status, expected, label(cell, `${what} at ${account}: ${JSON.stringify(answer.body)}`));
      if (expected >= 400) assert.deepEqual(Object.keys(answer.body), ['errors']);
      checked += 1;
    }
  }
  return checked;
}

/** Each account's guest routes: list passes and unit links; issue a pass on the gate and revoke it; another's pass is not found. */
async function guestCells(baseUrl: string, prefix: string, cell: Cell): Promise<number> {
  let checked = 0;
  for (const account of Object.keys(sandboxAccounts) as AccountKey[]) {
    const accountId = compactId(sandboxAccounts[account].id);
    const expected = guestExpectation(cell.person, cell.grant, account);
    const door = account === 'residence' ? 'gate' : 'neighborGarage';
    const issued = await call(baseUrl, cell.token, 'POST', `${prefix}/guest-passes`, {
      account_id: accountId, guest: { name: 'Matrix Guest' }, ends_at: new Date(Date.now() + 3_600_000).toISOString().slice(0, 19), door_ids: [compactId(sandboxDoors[door].id)], send: false,
    });
    // A door the grant leaves out is not found, whatever the person may do.
    const issueExpected = expected === 200 ? (sees(cell.person, cell.grant, door) ? 201 : 404) : expected;
    const answers: [string, Answer, number][] = [
      ['GET guest-passes', await call(baseUrl, cell.token, 'GET', `${prefix}/guest-passes?account_id=${accountId}`), expected],
      ['GET guest-links', await call(baseUrl, cell.token, 'GET', `${prefix}/guest-links?account_id=${accountId}`), expected],
      ['GET guest-passes/{unknown}', await call(baseUrl, cell.token, 'GET', `${prefix}/guest-passes/${'0'.repeat(32)}?account_id=${accountId}`), expected === 200 ? 404 : expected],
      ['POST guest-passes', issued, issueExpected],
    ];
    if (issued.status === 201) answers.push(['DELETE guest-passes/{id}', await call(baseUrl, cell.token, 'DELETE', `${prefix}/guest-passes/${issued.body.data.id}?account_id=${accountId}`), 200]);
    for (const [what, answer, status] of answers) {
      assert.equal(answer.status, status, label(cell, `${what} at ${account}: ${JSON.stringify(answer.body)}`));
      if (status >= 400) assert.deepEqual(Object.keys(answer.body), ['errors']);
      checked += 1;
    }
  }
  return checked;
}

/** GET toggle/{id}: only the person and application that sent it, while the grant still covers the door. */
async function toggleStatusCells(baseUrl: string, prefix: string, cells: Cell[], toggles: { cell: Cell; door: DoorKey; toggleId: string }[]): Promise<number> {
  // One toggle per (person, client, door) is enough to tell who may read it.
  const samples = [...new Map(toggles.map((toggle) => [`${toggle.cell.person}/${toggle.cell.grant.client}/${toggle.door}`, toggle])).values()];
  let checked = 0;
  for (const sample of samples) {
    await Promise.all(cells.map(async (cell) => {
      const status = await call(baseUrl, cell.token, 'GET', `${prefix}/toggle/${sample.toggleId}`);
      const allowed = cell.person === sample.cell.person && cell.grant.client === sample.cell.grant.client && sees(cell.person, cell.grant, sample.door);
      assert.equal(status.status, allowed ? 200 : 404, label(cell, `toggle status of ${sample.cell.person}'s ${sample.door} toggle with ${sample.cell.grant.name}: ${JSON.stringify(status.body)}`));
      checked += 1;
    }));
  }
  return checked;
}

// ---- Access hours at fixed instants, against the door policy and decide ----

describe('door policy against the matrix rules at fixed instants', () => {
  it('lets each sandbox person see and operate each door exactly when the rules say, every 20 minutes over a week spanning a DST change', async (t) => {
    const db = await sandboxDatabase(t);
    const firstParty = { allDoors: true, doorIds: new Set<string>(), thirdParty: false };
    let checked = 0;
    // 2025-03-06 to 2025-03-13 UTC: America/New_York moves to daylight time on 2025-03-09.
    for (let at = Date.UTC(2025, 2, 6); at < Date.UTC(2025, 2, 13); at += 20 * 60_000) {
      const instant = new Date(at);
      for (const person of personKeys) {
        const doors = await visibleDoors(db, { personId: sandboxPeople[person].id, grant: firstParty }, instant);
        const allGrant: GrantSpec = { name: 'first-party', client: 'firstParty' };
        assert.deepEqual(new Set(doors.map((door) => door.id)), new Set(doorKeys.filter((door) => sees(person, allGrant, door)).map((door) => sandboxDoors[door].id)), `${person} at ${instant.toISOString()}`);
        for (const door of doors) {
          const key = doorKeys.find((k) => sandboxDoors[k].id === door.id)!;
          assert.equal((await decide(db, systemClock, { subject: { personId: sandboxPeople[person].id }, doorId: door.id, at: instant })).allowed, operableAt(person, key, instant), `${person} operates ${key} at ${instant.toISOString()}`);
          checked += 1;
        }
      }
    }
    t.diagnostic(`door policy: ${checked} (person, door, instant) cells checked`);
  });
});
