// Limits on what one controller can make the platform do: the size of a packet
// and the number of messages a second.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { packetSizeGuard } from '../../src/devices/packet-size-guard.ts';
import { controllerClientId, topic } from '../../src/devices/protocol.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';

const a = sandboxDevices.a;
const garage = sandboxDoors.garage;

async function controllerA(t: TestContext, url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId: controllerClientId(a.id), username: a.id, password: a.secret, reconnectPeriod: 0, ...options });
  t.after(() => client.endAsync(true));
  await client.publishAsync(topic(a.id, 'status'), JSON.stringify({ online: true }), { qos: 1, retain: true });
  return client;
}

function stateReport(softwareVersion: string, state: 'OPEN' | 'CLOSED', padding = 0): string {
  return JSON.stringify({ software_version: softwareVersion, doors: [{ entity_number: garage.entity_number, state, sensor: true }], padding: 'x'.repeat(padding) });
}

async function device(app: { db: any }) {
  return app.db.selectFrom('devices').select(['software_version', 'online']).where('id', '=', a.id).executeTakeFirstOrThrow();
}

async function garageState(app: { db: any }): Promise<string> {
  return (await app.db.selectFrom('doors').select('state').where('id', '=', garage.id).executeTakeFirstOrThrow()).state;
}

describe('the packet size guard', () => {
  it('finds the first packet over the limit however the bytes are split, and lets smaller ones by', () => {
    // PUBLISH (0x30) with remaining length 200 (0xC8 0x01), then one of 20000 (0xA0 0x9C 0x01).
    const small = Buffer.concat([Buffer.from([0x30, 0xc8, 0x01]), Buffer.alloc(200)]);
    const large = Buffer.from([0x30, 0xa0, 0x9c, 0x01]);
    const guard = packetSizeGuard(16_384);
    const stream = Buffer.concat([small, small, large]);
    let found: number | undefined;
    for (let at = 0; at < stream.length && found === undefined; at += 7) found = guard.watch(stream.subarray(at, at + 7));
    assert.equal(found, 1 + 3 + 20_000);
    const quiet = packetSizeGuard(16_384);
    assert.equal(quiet.watch(Buffer.concat([small, small, small])), undefined);
  });
});

describe('MQTT limits [embedded broker]', () => {
  it('disconnects a controller sending a packet over PARQEX_MQTT_MAX_PACKET_BYTES before it is read; the platform and other controllers go on', async (t) => {
    const { app, baseUrl, logs } = await startServer(t, 'sqlite');
    const bystander = await sandboxController(t, app, 'b');
    const client = await controllerA(t, app.brokerUrl);
    await client.publishAsync(topic(a.id, 'state'), stateReport('padded', 'CLOSED', 60_000), { qos: 1 });
    await until(async () => (await device(app)).software_version === 'padded');

    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(topic(a.id, 'state'), stateReport('oversized', 'OPEN', 2 * 1024 * 1024), { qos: 0 });
    await closed;
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200);
    assert.equal(bystander.connected, true);
    await sleep(200);
    assert.equal((await device(app)).software_version, 'padded');
    assert.equal(await garageState(app), 'CLOSED');
    await until(() => /over PARQEX_MQTT_MAX_PACKET_BYTES/.test(logs()));
  });

  it('coalesces a flood of state flips: the last state wins, a bounded number of door events, and one controller_misbehaving', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const client = await controllerA(t, app.brokerUrl);
    const flips = 2000;
    // Ends OPEN, from a door that starts CLOSED: losing the last report would leave it wrong.
    for (let i = 1; i <= flips; i += 1) client.publish(topic(a.id, 'state'), stateReport('flood', i % 2 === 0 ? 'OPEN' : 'CLOSED'), { qos: 0 });
    await client.publishAsync(topic(a.id, 'status'), JSON.stringify({ online: true }), { qos: 1 });
    await until(async () => (await garageState(app)) === 'OPEN', 10_000);
    await sleep(1500);
    assert.equal(await garageState(app), 'OPEN');
    const events = await app.db.selectFrom('outbox_events').select('type').where('device_id', '=', a.id).execute();
    const doorEvents = events.filter((event) => /^door\d+_/.test(event.type)).length;
    assert.ok(doorEvents < flips / 10, `${doorEvents} door events for ${flips} flips`);
    assert.equal(events.filter((event) => event.type === 'controller_misbehaving').length, 1);
    assert.equal((await device(app)).online, 1);
  });
});

describe('MQTT limits [mosquitto]', { skip: process.env.MQTT_URL ? false : 'MQTT_URL is not set; runs in CI' }, () => {
  it('has the external broker hold back packets over PARQEX_MQTT_MAX_PACKET_BYTES from the platform', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', { MQTT_URL: process.env.MQTT_URL! });
    const client = await controllerA(t, app.brokerUrl, { protocolVersion: 5 });
    t.after(async () => {
      for (const channel of ['state', 'status'] as const) await client.publishAsync(topic(a.id, channel), '', { qos: 1, retain: true }).catch(() => undefined);
    });
    await client.publishAsync(topic(a.id, 'state'), stateReport('oversized', 'OPEN', 100_000), { qos: 1, retain: true });
    await client.publishAsync(topic(a.id, 'state'), stateReport('small', 'CLOSED'), { qos: 1, retain: true });
    await until(async () => (await device(app)).software_version === 'small');
    const applied = await app.db.selectFrom('outbox_events').select('type').where('device_id', '=', a.id).where('type', 'like', 'door%').execute();
    assert.deepEqual(applied, [], 'the oversized OPEN report never reached the platform');
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200);
  });
});
