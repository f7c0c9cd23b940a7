// The fleet behind `parqex simulate`, in-process against a server's embedded broker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimController } from '../../src/access/accounts.ts';
import { DomainError } from '../../src/access/errors.ts';
import type { App } from '../../src/app.ts';
import { defaultBrokerUrl, startFleet, type FleetOptions } from '../../src/devices/simulator/fleet.ts';
import { sandboxAccounts, sandboxDevices, sandboxPeople } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { until } from '../helpers/controllers.ts';

function options(app: App, lines: string[], extra: Partial<FleetOptions>): FleetOptions {
  return { url: app.brokerUrl, travelMs: 10, sandbox: false, devices: [], count: 0, report: (line) => lines.push(line), ...extra };
}

async function deviceRow(app: App, id: string) {
  return app.db.selectFrom('devices').select(['online', 'account_id', 'blackbox_code']).where('id', '=', id).executeTakeFirst();
}

describe('simulated fleet', () => {
  it('registers throw-away controllers with two doors, runs them, and deletes the unclaimed ones when it stops', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const lines: string[] = [];
    const fleet = await startFleet(app.db, options(app, lines, { count: 2 }));
    t.after(() => fleet.stop());
    const [kept, dropped] = fleet.controllers.map((controller) => controller.deviceId) as [string, string];
    for (const id of [kept, dropped]) await until(async () => (await deviceRow(app, id))?.online === 1);
    const doors = await app.db.selectFrom('doors').select(['entity_number', 'kind', 'door_type', 'sensor']).where('device_id', '=', kept).orderBy('entity_number').execute();
    assert.deepEqual(doors.map((door) => ({ ...door })), [
      { entity_number: 1, kind: 'stateful', door_type: 'garage', sensor: 1 },
      { entity_number: 2, kind: 'momentary', door_type: 'pedestrian', sensor: 0 },
    ]);

    // The printed serial and claim code are enough to claim one.
    const line = lines.find((text) => text.startsWith(`controller ${kept} connected`))!;
    const [, serial, claimCode] = /serial ([0-9a-f]{16}), claim code (\d{16})/.exec(line)!;
    await claimController(app.db, sandboxPeople.alex.id, sandboxAccounts.residence.id, serial!, claimCode!);

    await fleet.stop();
    assert.equal(await deviceRow(app, dropped), undefined, 'the unclaimed controller is still there');
    assert.deepEqual({ ...(await deviceRow(app, kept)), online: undefined }, { online: undefined, account_id: sandboxAccounts.residence.id, blackbox_code: serial });
    await until(async () => (await deviceRow(app, kept))?.online === 0);
  });

  it('reconnects a controller whose connection dropped', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const lines: string[] = [];
    const a = sandboxDevices.a;
    const fleet = await startFleet(app.db, options(app, lines, { devices: [{ deviceId: a.id, secret: a.secret }] }));
    t.after(() => fleet.stop());
    await until(async () => (await deviceRow(app, a.id))?.online === 1);
    fleet.controllers[0]!.goOffline();
    await until(async () => (await deviceRow(app, a.id))?.online === 0);
    await until(() => lines.includes(`controller ${a.id} reconnected`), 10_000);
    await until(async () => (await deviceRow(app, a.id))?.online === 1);
    assert.ok(lines.includes(`controller ${a.id} lost its connection; reconnecting`));
  });

  it('refuses the same controller twice, and a wrong secret, as invalid', async (t) => {
    const { app } = await startServer(t, 'sqlite');
    const a = sandboxDevices.a;
    const invalid = (pattern: RegExp) => (error: unknown) => error instanceof DomainError && error.code === 'invalid' && pattern.test(error.message);
    await assert.rejects(startFleet(app.db, options(app, [], { devices: [{ deviceId: a.id, secret: a.secret }, { deviceId: a.id.replaceAll('-', ''), secret: a.secret }] })), invalid(/given twice/));
    await assert.rejects(startFleet(app.db, options(app, [], { sandbox: true, devices: [{ deviceId: a.id, secret: a.secret }] })), invalid(/given twice/));
    await assert.rejects(startFleet(app.db, options(app, [], { devices: [{ deviceId: a.id, secret: 'wrong' }] })), invalid(/refused controller .*Bad username or password/));
  });
});

describe('the default broker URL', () => {
  const embedded = { mqttUrl: undefined, mqttHost: '127.0.0.1', mqttPort: 1883 };

  it('is MQTT_URL without the platform\'s credentials', () => {
    assert.equal(defaultBrokerUrl({ ...embedded, mqttUrl: 'mqtts://parqex-platform:s%40cret@mqtt.example.com:8883' }), 'mqtts://mqtt.example.com:8883');
  });

  it('is the embedded broker\'s address otherwise, loopback for a wildcard host', () => {
    assert.equal(defaultBrokerUrl(embedded), 'mqtt://127.0.0.1:1883');
    assert.equal(defaultBrokerUrl({ ...embedded, mqttHost: '0.0.0.0', mqttPort: 1884 }), 'mqtt://127.0.0.1:1884');
    assert.equal(defaultBrokerUrl({ ...embedded, mqttHost: '::1' }), 'mqtt://[::1]:1883');
  });

  it('cannot be guessed when MQTT_PORT is 0', () => {
    assert.throws(() => defaultBrokerUrl({ ...embedded, mqttPort: 0 }), /give the broker with --url/);
  });
});
