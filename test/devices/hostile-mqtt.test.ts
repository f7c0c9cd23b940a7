// A controller that sends anything it likes, with valid credentials: bad JSON,
// wrong types, impossible numbers, other controllers' topics and client ids,
// huge packets, floods, forged acknowledgements. None of it may crash the
// platform, touch another controller, or write another controller's state.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { controllerClientId, topic } from '../../src/devices/protocol.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const attacker = sandboxDevices.a;
const victim = sandboxDevices.neighbor;
const victimDoor = sandboxDoors.neighborGarage;
const ownDoor = sandboxDoors.garage;

describe('hostile MQTT from a signed-in controller [embedded broker]', () => {
  it('crashes nothing, touches no other controller, and writes no other controller\'s state', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', { PARQEX_TOGGLE_DEADLINE_MS: '3000' });
    const controller = await sandboxController(t, app, 'neighbor');
    const nora = (await sandboxTokens(baseUrl, { email: sandbox.people.nora.email })).access_token;
    const api = (path: string, init: RequestInit = {}) => fetch(`${baseUrl}/oauth/v1/endpoints/${path}`, { ...init, headers: { authorization: `Bearer ${nora}`, 'content-type': 'application/json' } });
    const victimView = async () => {
      const sync = await api('sync');
      assert.equal(sync.status, 200);
      return ((await sync.json()) as any).devices.flatMap((device: any) => device.doors).find((door: any) => door.name === victimDoor.name);
    };
    // Rows come back without a prototype: spread into plain objects to compare.
    const ownRow = async () => ({ ...(await app.db.selectFrom('doors').select(['state', 'sensor', 'sensor_battery_level', 'last_toggled']).where('id', '=', ownDoor.id).executeTakeFirstOrThrow()) });
    const before = { victim: await victimView(), own: await ownRow() };
    const victimDevice = async () => ({ ...(await app.db.selectFrom('devices').select(['online', 'software_version']).where('id', '=', victim.id).executeTakeFirstOrThrow()) });

    /** The platform is up, the victim is connected, online and untouched. */
    const unharmed = async () => {
      assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200);
      assert.equal(controller.connected, true, 'the victim keeps its connection');
      assert.deepEqual(await victimDevice(), { online: 1, software_version: 'sim-1.0.0' });
      assert.deepEqual(await victimView(), before.victim);
      assert.equal(controller.movements, 0);
    };
    const connect = async (t2: TestContext, options: mqtt.IClientOptions = {}): Promise<MqttClient> => {
      const client = await mqtt.connectAsync(app.brokerUrl, { clientId: controllerClientId(attacker.id), username: attacker.id, password: attacker.secret, reconnectPeriod: 0, ...options });
      t2.after(() => client.endAsync(true));
      return client;
    };
    /** Publishes, then a message that is applied, so everything before it was handled. */
    const settle = async (client: MqttClient, marker: string) => {
      await client.publishAsync(topic(attacker.id, 'state'), JSON.stringify({ software_version: marker, doors: [] }), { qos: 1 });
      await until(async () => (await app.db.selectFrom('devices').select('software_version').where('id', '=', attacker.id).executeTakeFirstOrThrow()).software_version === marker);
    };

    await t.test('bad JSON and wrong types on its own topics are dropped', async (t2) => {
      const client = await connect(t2);
      const junk = ['{not json', '', 'null', '[]', '"OPEN"', '\u00ff\u00fe', '['.repeat(30_000) + ']'.repeat(30_000),
        JSON.stringify({ software_version: 5, doors: 'all' }),
        JSON.stringify({ software_version: '1', doors: [{ entity_number: '1', state: 'OPEN' }] }),
        JSON.stringify({ software_version: '1', doors: [{ entity_number: 1, state: 'open' }] }),
        '{"__proto__":{"polluted":true},"software_version":"1","doors":[]}'];
      for (const payload of junk) {
        for (const channel of ['state', 'events', 'status', 'acks'] as const) await client.publishAsync(topic(attacker.id, channel), payload, { qos: 1 });
      }
      await client.publishAsync(topic(attacker.id, 'events'), JSON.stringify({ type: 'keypad', entity_number: 1, pin: 1234, at: Date.now() }), { qos: 1 });
      await client.publishAsync(topic(attacker.id, 'status'), JSON.stringify({ online: 'yes' }), { qos: 1 });
      await settle(client, 'after-junk');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.deepEqual(await ownRow(), before.own);
      await unharmed();
    });

    await t.test('out-of-range numbers drop the whole report', async (t2) => {
      const client = await connect(t2);
      const doors = [
        { entity_number: 0, state: 'OPEN' }, { entity_number: -1, state: 'OPEN' }, { entity_number: 1e9, state: 'OPEN' }, { entity_number: 'NaN', state: 'OPEN' },
        { entity_number: 1.5, state: 'OPEN' }, { entity_number: 1, state: 'OPEN', battery: 250 }, { entity_number: 1, state: 'OPEN', battery: -5 },
        { entity_number: 1, state: 'OPEN', changed_at: -1 }, { entity_number: 1, state: 'OPEN', sensor: 'yes' },
      ];
      for (const door of doors) await client.publishAsync(topic(attacker.id, 'state'), JSON.stringify({ software_version: 'bad', doors: [door] }), { qos: 1 });
      await client.publishAsync(topic(attacker.id, 'events'), JSON.stringify({ type: 'forced_open', entity_number: 101, at: Date.now() }), { qos: 1 });
      await settle(client, 'after-numbers');
      assert.deepEqual(await ownRow(), before.own);
      await unharmed();
    });

    await t.test("another controller's topics, wildcards and $SYS are refused", async (t2) => {
      const client = await connect(t2);
      for (const filter of ['#', '$SYS/#', 'parqex/v1/devices/+/state', topic(victim.id, 'commands'), topic(victim.id, 'acks')]) {
        await assert.rejects(client.subscribeAsync(filter, { qos: 1 }), /Subscribe error/, filter);
      }
      for (const [name, payload, retain] of [
        [topic(victim.id, 'status'), '{"online":false}', true],
        [topic(victim.id, 'state'), JSON.stringify({ software_version: 'evil', doors: [{ entity_number: 1, state: 'OPEN' }] }), true],
        [topic(victim.id, 'commands'), JSON.stringify({ command_id: 'forged-command-1', entity_number: 1, action: 'open', expires_at: Date.now() + 5000 }), false],
        ['$SYS/broker/uptime', '0', false],
        ['parqex/v1/devices/+/state', '{}', false],
      ] as const) {
        const intruder = await connect(t2);
        const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
        intruder.publish(name, payload, { qos: 0, retain });
        await closed;
      }
      await sleep(200);
      await unharmed();
    });

    await t.test("its credentials under another controller's client id are refused", async (t2) => {
      await assert.rejects(connect(t2, { clientId: controllerClientId(victim.id), connectTimeout: 3000 }), /Not authorized/);
      await assert.rejects(connect(t2, { clientId: 'parqex-platform-000000000000', connectTimeout: 3000 }), /Not authorized/);
      await sleep(200);
      await unharmed();
    });

    await t.test('a huge payload closes its connection; the platform stays up', async (t2) => {
      const client = await connect(t2);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(topic(attacker.id, 'events'), Buffer.alloc(8 * 1024 * 1024, 0x7b), { qos: 0 });
      await closed;
      await unharmed();
    });

    await t.test('a flood of its own messages does not slow the other controller', async (t2) => {
      const client = await connect(t2);
      for (let i = 0; i < 3000; i += 1) {
        client.publish(topic(attacker.id, i % 3 === 0 ? 'events' : 'state'), i % 3 === 0
          ? JSON.stringify({ type: 'forced_open', entity_number: ownDoor.entity_number, at: Date.now() })
          : JSON.stringify({ software_version: 'flood', doors: [{ entity_number: ownDoor.entity_number, state: i % 2 ? 'OPEN' : 'CLOSED' }] }), { qos: 0 });
      }
      await unharmed();
      const opened = await api('toggle', { method: 'POST', body: JSON.stringify({ door_id: victimDoor.id, door_state: 'OPEN' }) });
      assert.equal(opened.status, 200, await opened.text());
      assert.equal(controller.movements, 1);
      await until(async () => (await victimView()).state === 'OPEN');
      const closedAgain = await api('toggle', { method: 'POST', body: JSON.stringify({ door_id: victimDoor.id, door_state: 'CLOSED' }) });
      assert.equal(closedAgain.status, 200);
      await until(async () => (await victimView()).state === 'CLOSED');
      controller.movements = 0;
      before.victim = await victimView();
    });

    await t.test("forged, duplicate and unknown acks cannot answer another controller's command", async (t2) => {
      const client = await connect(t2);
      controller.failures.ignoreCommands = true;
      t2.after(() => { controller.failures.ignoreCommands = false; });
      const toggle = api('toggle', { method: 'POST', body: JSON.stringify({ door_id: victimDoor.id, door_state: 'OPEN' }) });
      let pending: { id: string } | undefined;
      await until(async () => (pending = await app.db.selectFrom('door_commands').select('id').where('door_id', '=', victimDoor.id).where('status', '=', 'pending').executeTakeFirst()) !== undefined);
      for (const commandId of [pending!.id, pending!.id, 'F'.repeat(32), 'unknown-command']) {
        await client.publishAsync(topic(attacker.id, 'acks'), JSON.stringify({ command_id: commandId, result: 'ok', state: 'OPEN' }), { qos: 1 });
      }
      const answer = await toggle;
      assert.equal(answer.status, 504, 'the forged ack was not taken as the controller\'s answer');
      await unharmed();
    });
  });
});
