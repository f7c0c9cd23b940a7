import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines, startServer as startServerOn } from '../helpers/build-app.ts';
import { brokers, sandboxController, until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

async function toggle(baseUrl: string, token: string, doorId: string, state: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ door_id: doorId, door_state: state }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, any> };
}

async function doorRow(app: { db: any }, id: string) {
  return app.db.selectFrom('doors').select(['state', 'last_toggled']).where('id', '=', id).executeTakeFirstOrThrow() as Promise<{ state: string; last_toggled: number | null }>;
}

// Every engine on the embedded broker; the last engine (PostgreSQL in CI) on Mosquitto as well.
const variants = [
  ...engines().map((engine) => ({ engine, broker: brokers()[0]! })),
  ...brokers().slice(1).map((broker) => ({ engine: engines().at(-1)!, broker })),
];

for (const { engine, broker } of variants) {
  const startServer = (t: Parameters<typeof startServerOn>[0], overrides: Record<string, string> = {}) => startServerOn(t, engine, { ...broker.env, ...overrides });
  describe(`POST /oauth/v1/endpoints/toggle [${engine}] [${broker.name} broker]`, () => {
    it('opens the sandbox garage: 200 after the ack, the reported state in sync, and the app in the history', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      const before = Math.floor(Date.now() / 1000);
      const answer = await toggle(baseUrl, access_token, compactId(sandboxDoors.garage.id), 'open');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.success, true);
      assert.equal(answer.body.message, '200');
      assert.match(answer.body.data.toggle_id, /^[0-9A-F]{32}$/);
      assert.deepEqual([answer.body.data.door_id, answer.body.data.door_state], [compactId(sandboxDoors.garage.id), 'OPEN']);
      assert.equal(controller.movements, 1);
      // State comes from the controller's report, after the door travelled.
      await until(async () => (await doorRow(app, sandboxDoors.garage.id)).state === 'OPEN');
      const sync = await (await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { headers: { authorization: `Bearer ${access_token}` } })).json() as any;
      const garage = sync.devices.flatMap((d: any) => d.doors).find((d: any) => d.name === 'Garage');
      assert.equal(garage.state, 'OPEN');
      assert.ok(Date.parse(`${garage.last_toggled}Z`) / 1000 >= before - 1);
      const history = await (await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history?door_id=${sandboxDoors.garage.id}`, { headers: { authorization: `Bearer ${access_token}` } })).json() as any;
      const events = history.data.toggle_events;
      assert.equal(events.length, 1, JSON.stringify(events));
      assert.deepEqual([events[0].channel, events[0].was_success, events[0].door_state, events[0].user.id], ['API: Sandbox Smart Home', true, 'OPEN', sandboxPeople.alex.id]);
    });

    it('answers 404 with the documented sentence while the controller is offline', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      controller.goOffline();
      await until(async () => (await app.db.selectFrom('devices').select('online').where('id', '=', sandboxDevices.a.id).executeTakeFirstOrThrow()).online === 0);
      const answer = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN');
      assert.equal(answer.status, 404);
      assert.deepEqual(Object.keys(answer.body).sort(), ['message', 'success', 'timestamp']);
      assert.equal(answer.body.success, false);
      assert.equal(answer.body.message, "Sorry, your Garage can't be found. Please unplug the Garage and then plug it back in.");
    });

    it('answers 504 when the controller does not answer, and the door never moves afterwards', async (t) => {
      const { baseUrl, app } = await startServer(t, { PARQEX_TOGGLE_DEADLINE_MS: '300' });
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      controller.failures.slowMs = 600;
      const answer = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN');
      assert.equal(answer.status, 504);
      assert.equal(answer.body.success, false);
      assert.match(answer.body.message, /did not answer in time/);
      // The late command arrives past its deadline: the controller refuses it.
      await sleep(900);
      assert.equal(controller.movements, 0);
      assert.equal(controller.doorState(1), 'CLOSED');
      assert.equal((await doorRow(app, sandboxDoors.garage.id)).state, 'CLOSED');
    });

    it('answers 428 for either toggle of a door without a sensor, and 501 for closing a momentary door', async (t) => {
      const { baseUrl, app } = await startServer(t);
      await sandboxController(t, app, 'a');
      await sandboxController(t, app, 'b');
      const { access_token } = await sandboxTokens(baseUrl);
      for (const state of ['OPEN', 'CLOSED']) {
        const answer = await toggle(baseUrl, access_token, sandboxDoors.sideGarage.id, state);
        assert.equal(answer.status, 428);
        assert.equal(answer.body.message, 'Your Side Garage requires pairing a door sensor before the request can be processed. (428)');
      }
      const close = await toggle(baseUrl, access_token, sandboxDoors.lobby.id, 'CLOSED');
      assert.equal(close.status, 501);
      assert.equal(close.body.message, 'Error communicating with Lobby Door. Not Implemented error. (501)');
    });

    it('answers 409 to a second toggle while the first is still unanswered', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      controller.failures.slowMs = 400;
      const [first, second] = await Promise.all([
        toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN'),
        sleep(100).then(() => toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN')),
      ]);
      assert.equal(first.status, 200);
      assert.equal(second.status, 409);
      assert.equal(second.body.success, false);
      assert.equal(controller.movements, 1);
    });

    it('answers 403 with insufficient_scope for a state the token may not ask for', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl, { scope: 'closedoor' });
      const answer = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN');
      assert.equal(answer.status, 403);
      assert.match(answer.headers.get('www-authenticate') ?? '', /error="insufficient_scope", scope="opendoor"/);
      assert.equal(controller.movements, 0);
    });

    it('refuses Sam on the gate at 23:00 in the account\'s zone (New York) with 403, and records the refused attempt', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
      t.mock.timers.enable({ apis: ['Date'], now: new Date('2026-06-10T23:00:00-04:00') });
      const answer = await toggle(baseUrl, access_token, sandboxDoors.gate.id, 'OPEN');
      t.mock.timers.reset();
      assert.equal(answer.status, 403);
      assert.match(answer.body.message, /may not operate Driveway Gate at this time/);
      assert.equal(controller.movements, 0);
      const rows = await app.db.selectFrom('access_events').select(['was_success', 'person_id', 'channel']).where('door_id', '=', sandboxDoors.gate.id).execute();
      assert.deepEqual(rows.map((row) => ({ ...row })), [{ was_success: 0, person_id: sandboxPeople.sam.id, channel: 'API: Sandbox Smart Home' }]);
    });

    it('never shows or operates a door unticked at consent: 404 like an unknown door', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl, { untick: [sandboxDoors.garage.id] });
      const answer = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN');
      assert.equal(answer.status, 404);
      assert.equal(answer.body.message, "Sorry, your access point can't be found. Please unplug the access point and then plug it back in.");
      assert.equal(controller.movements, 0);
    });

    it('answers bad bodies and tokens in the toggle envelope', async (t) => {
      const { baseUrl } = await startServer(t);
      const { access_token } = await sandboxTokens(baseUrl);
      const unknownState = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'AJAR');
      assert.equal(unknownState.status, 400);
      assert.equal(unknownState.body.message, 'Error communicating with Garage. Malformed Request. (400)');
      for (const body of ['{}', '{"door_id":"x"}', '{"door_id":"' + sandboxDoors.garage.id + '","door_state":"OPEN","extra":1}', '{"door_id":5,"door_state":"OPEN"}', 'nope']) {
        const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body });
        assert.equal(response.status, 400, body);
        const json = await response.json() as Record<string, any>;
        assert.equal(json.success, false);
        assert.equal(json.message, 'Error communicating with access point. Malformed Request. (400)');
      }
      const noToken = await toggle(baseUrl, 'bad-token', sandboxDoors.garage.id, 'OPEN');
      assert.equal(noToken.status, 401);
      assert.equal(noToken.body.message, 'Error communicating with access point. Authentication error. (401)');
      assert.match(noToken.headers.get('www-authenticate') ?? '', /invalid_token/);
    });

    it('moves the door once for two requests with the same Idempotency-Key, and once for a redelivered command', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      const first = await toggle(baseUrl, access_token, sandboxDoors.lobby.id, 'OPEN', { 'idempotency-key': 'retry-1' });
      const again = await toggle(baseUrl, access_token, sandboxDoors.lobby.id, 'OPEN', { 'idempotency-key': 'retry-1' });
      assert.equal(first.status, 200);
      assert.equal(again.status, 200);
      assert.equal(again.body.data.toggle_id, first.body.data.toggle_id);
      assert.equal(controller.movements, 1);
      // QoS 1 may deliver a command twice: the controller acts on its id once.
      controller.deliver({ command_id: first.body.data.toggle_id, entity_number: 3, action: 'open', expires_at: Date.now() + 5000 });
      await sleep(100);
      assert.equal(controller.movements, 1);
    });

    it('answers 202 with a toggle_id at once with Prefer: respond-async, and reports the outcome', async (t) => {
      const { baseUrl, app } = await startServer(t);
      const controller = await sandboxController(t, app, 'a');
      const { access_token } = await sandboxTokens(baseUrl);
      controller.failures.slowMs = 200;
      const accepted = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN', { prefer: 'respond-async' });
      assert.equal(accepted.status, 202);
      const id = accepted.body.data.toggle_id;
      const status = async () => (await (await fetch(`${baseUrl}/oauth/v1/endpoints/toggle/${id}`, { headers: { authorization: `Bearer ${access_token}` } })).json() as any).data.status;
      assert.equal(await status(), 'pending');
      await until(async () => (await status()) === 'succeeded');
      const other = await sandboxTokens(baseUrl, { email: sandbox.people.nora.email });
      const hidden = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle/${id}`, { headers: { authorization: `Bearer ${other.access_token}` } });
      assert.equal(hidden.status, 404);
    });
  });
}

describe('two platform processes on Mosquitto and PostgreSQL', { skip: process.env.MQTT_URL && process.env.DATABASE_URL ? false : 'MQTT_URL and DATABASE_URL are not both set; runs in CI' }, () => {
  it('toggles through either process and handles each device message once', async (t) => {
    const first = await startServerOn(t, 'postgres', { MQTT_URL: process.env.MQTT_URL! });
    const cfg = first.app.config;
    const second = await startServerOn(t, 'postgres', {
      MQTT_URL: process.env.MQTT_URL!,
      DATABASE_URL: cfg.databaseUrl!,
      PARQEX_COOKIE_SECRETS: cfg.secrets.cookieKeys.join(','),
      PARQEX_ENCRYPTION_KEY: cfg.secrets.encryptionKey.toString('base64'),
    });
    const controller = await sandboxController(t, first.app, 'a');
    const { access_token } = await sandboxTokens(first.baseUrl);
    const viaFirst = await toggle(first.baseUrl, access_token, sandboxDoors.garage.id, 'OPEN');
    assert.equal(viaFirst.status, 200, JSON.stringify(viaFirst.body));
    await until(async () => (await doorRow(first.app, sandboxDoors.garage.id)).state === 'OPEN');
    const viaSecond = await toggle(second.baseUrl, access_token, sandboxDoors.garage.id, 'CLOSED');
    assert.equal(viaSecond.status, 200, JSON.stringify(viaSecond.body));
    await until(async () => (await doorRow(first.app, sandboxDoors.garage.id)).state === 'CLOSED');
    assert.equal(controller.movements, 2);
    // A move with no command behind it: exactly one history row, though two processes listen.
    await controller.forceOpen(sandboxDoors.garage.entity_number);
    await until(async () => (await first.app.db.selectFrom('access_events').select('id').where('door_id', '=', sandboxDoors.garage.id).where('channel', '=', 'Door Sensor').execute()).length >= 2);
    await sleep(300);
    const sensorRows = await first.app.db.selectFrom('access_events').select(['was_success']).where('door_id', '=', sandboxDoors.garage.id).where('channel', '=', 'Door Sensor').execute();
    assert.deepEqual(sensorRows.map((row) => row.was_success).sort(), [0, 1], 'one forced-open event and one state change, each once');
    const apiRows = await first.app.db.selectFrom('access_events').select('channel').where('door_id', '=', sandboxDoors.garage.id).where('channel', '=', 'API: Sandbox Smart Home').execute();
    assert.equal(apiRows.length, 2);
  });
});

describe('toggle edge cases', () => {
  it('frees a door whose command was left pending by a process that died, once its deadline passed', async (t) => {
    const { baseUrl, app } = await startServerOn(t, 'sqlite');
    const controller = await sandboxController(t, app, 'a');
    const { access_token } = await sandboxTokens(baseUrl);
    await app.db.insertInto('door_commands').values({
      id: 'DEADBEEF'.repeat(4), door_id: sandboxDoors.garage.id, device_id: sandboxDevices.a.id, entity_number: 1, person_id: sandboxPeople.alex.id, client_id: null,
      channel: 'API: gone', requested_state: 'OPEN', status: 'pending', reason: null, idempotency_key: null, created_at: Date.now() - 60_000, expires_at: Date.now() - 50_000, finished_at: null,
    }).execute();
    const answer = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(controller.movements, 1);
  });

  it('refuses an Idempotency-Key reused for another door or state, and checks the scope before replaying', async (t) => {
    const { baseUrl, app } = await startServerOn(t, 'sqlite');
    await sandboxController(t, app, 'a');
    const { access_token } = await sandboxTokens(baseUrl);
    assert.equal((await toggle(baseUrl, access_token, sandboxDoors.lobby.id, 'OPEN', { 'idempotency-key': 'k1' })).status, 200);
    const otherDoor = await toggle(baseUrl, access_token, sandboxDoors.garage.id, 'OPEN', { 'idempotency-key': 'k1' });
    assert.equal(otherDoor.status, 400);
    const closeOnly = await sandboxTokens(baseUrl, { scope: 'closedoor' });
    const replayWithoutScope = await toggle(baseUrl, closeOnly.access_token, sandboxDoors.lobby.id, 'OPEN', { 'idempotency-key': 'k1' });
    assert.equal(replayWithoutScope.status, 403);
  });
});
