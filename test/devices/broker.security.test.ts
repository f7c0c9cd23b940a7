// Each controller signs in with its own secret and reaches only its own topics.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import mqtt from 'mqtt';
import { topic } from '../../src/devices/protocol.ts';
import { rotateControllerSecret, setControllerEnabled } from '../../src/devices/registry.ts';
import { sandboxDevices } from '../../src/sandbox/seed.ts';
import type { Database } from '../../src/store/database.ts';
import { startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';

const a = sandboxDevices.a;
const b = sandboxDevices.b;

describe('the embedded broker', () => {
  it('refuses a controller with a wrong secret, an unknown id, or no credentials', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    for (const credentials of [{ username: a.id, password: 'wrong-secret' }, { username: '00000000-0000-4000-8000-000000000000', password: a.secret }, {}]) {
      await assert.rejects(mqtt.connectAsync(app.brokerUrl, { ...credentials, reconnectPeriod: 0, connectTimeout: 3000 }), /Bad username or password|Not authorized|bad user name|connack/i);
    }
    const ok = await mqtt.connectAsync(app.brokerUrl, { clientId: `controller-${a.id}`, username: a.id, password: a.secret, reconnectPeriod: 0 });
    await ok.endAsync();
  });

  it("does not let a controller read another controller's commands or publish on its topics", async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const victim = await sandboxController(t, app, 'b');
    const intruder = await mqtt.connectAsync(app.brokerUrl, { clientId: `controller-${a.id}`, username: a.id, password: a.secret, reconnectPeriod: 0 });
    t.after(() => { intruder.end(true); });

    // Refused with SUBACK 0x80, which mqtt.js reports as a failed subscribe.
    await assert.rejects(intruder.subscribeAsync(topic(b.id, 'commands'), { qos: 1 }), /Subscribe error/);
    await assert.rejects(intruder.subscribeAsync('parqex/v1/devices/+/commands', { qos: 1 }), /Subscribe error/);
    await intruder.subscribeAsync(topic(a.id, 'commands'), { qos: 1 });
    const seen: string[] = [];
    intruder.on('message', (name) => seen.push(name));

    // Impersonation: a forged state report and a forged ack for controller b.
    // The broker drops a client that publishes where it may not, so no PUBACK ever comes: fire and forget.
    intruder.publish(topic(b.id, 'state'), JSON.stringify({ software_version: 'evil', doors: [{ entity_number: 1, state: 'OPEN' }] }), { qos: 0 });
    intruder.publish(topic(b.id, 'commands'), JSON.stringify({ command_id: 'forged-command-1', entity_number: 1, action: 'open', expires_at: Date.now() + 5000 }), { qos: 0 });
    await sleep(300);
    assert.equal(intruder.connected, false, 'the impersonating controller was disconnected');
    const device = await app.db.selectFrom('devices').select('software_version').where('id', '=', b.id).executeTakeFirstOrThrow();
    assert.notEqual(device.software_version, 'evil');
    assert.equal(victim.movements, 0);
    assert.deepEqual(seen, []);
  });

  it("refuses a controller's credentials under another controller's client id, and the other stays connected and online", async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const victim = await sandboxController(t, app, 'b');
    for (const clientId of [`controller-${b.id}`, 'parqex-platform', `mqttjs_${a.id.slice(0, 8)}`]) {
      await assert.rejects(mqtt.connectAsync(app.brokerUrl, { clientId, username: a.id, password: a.secret, reconnectPeriod: 0, connectTimeout: 3000 }), /Not authorized/);
    }
    await sleep(300);
    assert.equal(victim.connected, true, 'the controller whose client id was used keeps its connection');
    const device = await app.db.selectFrom('devices').select('online').where('id', '=', b.id).executeTakeFirstOrThrow();
    assert.equal(device.online, 1);
    const own = await mqtt.connectAsync(app.brokerUrl, { clientId: `controller-${a.id}`, username: a.id, password: a.secret, reconnectPeriod: 0 });
    await own.endAsync();
  });

  it('does not let a controller leave a last will on another controller\'s status', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    await assert.rejects(mqtt.connectAsync(app.brokerUrl, {
      clientId: `controller-${a.id}`, username: a.id, password: a.secret, reconnectPeriod: 0, connectTimeout: 3000,
      will: { topic: topic(b.id, 'status'), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    }));
  });
});

describe('the embedded broker re-checks who is connected', () => {
  for (const [change, revoke] of [
    ['disabled', (db: Kysely<Database>) => setControllerEnabled(db, a.id, false)],
    ['given a new secret', (db: Kysely<Database>) => rotateControllerSecret(db, a.id)],
  ] as const) {
    it(`signs out a controller ${change} while connected, and keeps it out`, async (t) => {
      const { app } = await startServer(t, 'sqlite');
      const session = await mqtt.connectAsync(app.brokerUrl, { clientId: `controller-${a.id}`, username: a.id, password: a.secret, reconnectPeriod: 0 });
      t.after(() => { session.end(true); });
      const bystander = await mqtt.connectAsync(app.brokerUrl, { clientId: `controller-${b.id}`, username: b.id, password: b.secret, reconnectPeriod: 0 });
      t.after(() => { bystander.end(true); });
      await revoke(app.db);
      await until(() => !session.connected, 10_000);
      await assert.rejects(mqtt.connectAsync(app.brokerUrl, { clientId: `controller-${a.id}`, username: a.id, password: a.secret, reconnectPeriod: 0, connectTimeout: 3000 }));
      assert.equal(bystander.connected, true, 'other controllers stay connected');
    });
  }
});
