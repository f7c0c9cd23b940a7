// Device times out of range are replaced by the server's time before anything stores them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import { earliestDeviceTime, isSaneDeviceTime, maxDeviceClockAheadMs, saneEventTime, saneStateTimes } from '../../src/devices/device-times.ts';
import { controllerClientId, topic } from '../../src/devices/protocol.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { until } from '../helpers/controllers.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const now = Date.UTC(2026, 5, 1, 12);

describe('device times', () => {
  it('believes times from 2000 up to 24 hours ahead of the server, and nothing else', () => {
    for (const ms of [earliestDeviceTime, now - 365 * 86_400_000, now, now + maxDeviceClockAheadMs]) assert.equal(isSaneDeviceTime(ms, now), true, String(ms));
    for (const ms of [0, earliestDeviceTime - 1, now + maxDeviceClockAheadMs + 1, 8.64e15, 1e300, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(isSaneDeviceTime(ms, now), false, String(ms));
  });

  it('replaces each out-of-range changed_at and event time by the server\'s, and leaves the others', () => {
    const { report, replaced } = saneStateTimes({ software_version: '1', doors: [
      { entity_number: 1, state: 'OPEN', changed_at: 1e300 },
      { entity_number: 2, state: 'CLOSED', changed_at: now - 1000 },
      { entity_number: 3, state: 'CLOSED' },
    ] }, now);
    assert.equal(replaced, 1);
    assert.deepEqual(report.doors.map((door) => door.changed_at), [now, now - 1000, undefined]);
    assert.deepEqual(saneEventTime({ type: 'forced_open', entity_number: 1, at: 8.64e15 }, now), { event: { type: 'forced_open', entity_number: 1, at: now }, replaced: 1 });
  });
});

describe('a controller reporting impossible times', () => {
  for (const changedAt of [1e300, 8.64e15]) {
    it(`keeps GET sync answering 200 with the server's time for changed_at ${changedAt}, and logs it`, async (t) => {
      const { app, baseUrl, logs } = await startServer(t, 'sqlite');
      const a = sandboxDevices.a;
      const client = await mqtt.connectAsync(app.brokerUrl, { clientId: controllerClientId(a.id), username: a.id, password: a.secret, reconnectPeriod: 0 });
      t.after(() => client.endAsync(true));
      const before = Date.now();
      await client.publishAsync(topic(a.id, 'status'), JSON.stringify({ online: true }), { qos: 1, retain: true });
      await client.publishAsync(topic(a.id, 'state'), JSON.stringify({ software_version: 'clockless', doors: [{ entity_number: sandboxDoors.garage.entity_number, state: 'OPEN', changed_at: changedAt, sensor: true }] }), { qos: 1, retain: true });
      await client.publishAsync(topic(a.id, 'events'), JSON.stringify({ type: 'forced_open', entity_number: sandboxDoors.garage.entity_number, at: changedAt }), { qos: 1 });
      await until(async () => (await app.db.selectFrom('doors').select('state').where('id', '=', sandboxDoors.garage.id).executeTakeFirstOrThrow()).state === 'OPEN');

      const { access_token } = await sandboxTokens(baseUrl);
      const sync = await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.equal(sync.status, 200);
      const garage = ((await sync.json()) as any).devices.flatMap((device: any) => device.doors).find((door: any) => door.name === 'Garage');
      const shown = Date.parse(`${garage.last_toggled.replace(' ', 'T')}Z`);
      assert.ok(shown >= Math.floor(before / 1000) * 1000 && shown <= Date.now(), garage.last_toggled);
      await until(async () => (await app.db.selectFrom('access_events').select('id').where('door_id', '=', sandboxDoors.garage.id).where('was_success', '=', 0).execute()).length === 1);
      const history = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history?door_id=${sandboxDoors.garage.id}`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.equal(history.status, 200);
      await until(() => /device time out of range/.test(logs()));
    });
  }
});
