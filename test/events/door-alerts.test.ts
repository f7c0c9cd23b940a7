// Door alerts: a door left open past its controller's alert time, and a sensor
// battery falling low, each announced once (per opening, per fall), however
// many sweeps, reports or platform processes see it.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import { LOW_BATTERY_PERCENT } from '../../src/access/low-battery.ts';
import { alertDoorsLeftOpen } from '../../src/access/open-door-alerts.ts';
import { applyDoorReport } from '../../src/access/door-moves.ts';
import { systemClock } from '../../src/clock.ts';
import { doorReportOf } from '../../src/devices/port-handlers.ts';
import type { StateReport } from '../../src/devices/protocol.ts';
import { SimulatedController } from '../../src/devices/simulator/controller.ts';
import { utcSeconds } from '../../src/events/time.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import type { Database } from '../../src/store/database.ts';
import { openDatabase } from '../../src/store/dialect.ts';
import { createBox } from '../../src/security/encryption.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';

const garage = sandboxDoors.garage;
const applyStateReport = (db: Kysely<Database>, deviceId: string, report: StateReport) => applyDoorReport({ db, clock: systemClock }, deviceId, doorReportOf(report));
const deviceA = sandboxDevices.a.id;

async function announced(app: App, type: 'door_left_open' | 'sensor_battery_low') {
  const rows = await app.db.selectFrom('outbox_events').select(['category', 'door_id', 'device_id', 'person_ids', 'data', 'occurred_at'])
    .where('type', '=', type).orderBy('occurred_at').execute();
  return rows.map((row) => ({ ...row, occurred_at: Number(row.occurred_at), data: JSON.parse(row.data) }));
}

async function garageRow(app: App) {
  return app.db.selectFrom('doors').select(['state', 'last_toggled', 'sensor_battery_level']).where('id', '=', garage.id).executeTakeFirstOrThrow();
}

/**
 * Runs the same work as two platform processes at once, both past their reads
 * before either writes the garage. On PostgreSQL each has a pool of its own,
 * and a third holds the garage's row until both wait for it. On SQLite they
 * share the one handle and interleave on it: node:sqlite waits for a lock by
 * blocking the thread both would share here.
 */
async function asTwoProcesses<T>(t: TestContext, app: App, work: (db: Kysely<Database>) => Promise<T>): Promise<T[]> {
  if (app.engine !== 'postgres') return Promise.all([work(app.db), work(app.db)]);
  const pool = () => {
    const { db } = openDatabase({ databaseUrl: app.config.databaseUrl, sqlitePath: app.config.sqlitePath });
    t.after(() => db.destroy());
    return db;
  };
  const [other, holder] = [pool(), pool()];
  const hold = await holder.startTransaction().execute();
  await hold.updateTable('doors').set((eb) => ({ name: eb.ref('name') })).where('id', '=', garage.id).execute();
  const both = Promise.all([work(app.db), work(other)]);
  const waiting = sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like 'update "doors"%' and datname = current_database()`;
  try {
    await until(async () => ((await waiting.execute(holder)).rows[0]?.n ?? 0) >= 2);
  } finally {
    // Never left holding: the two would wait for ever, and closing the app with them.
    await hold.commit().execute();
  }
  return both;
}

/** A report from controller A about the garage, as the gateway hands it over. */
function garageReport(door: { state: 'OPEN' | 'CLOSED'; at?: number; battery?: number }) {
  return {
    software_version: 'test-1.0.0',
    doors: [{
      entity_number: garage.entity_number,
      state: door.state,
      ...(door.at !== undefined ? { changed_at: door.at * 1000 } : {}),
      ...(door.battery !== undefined ? { battery: door.battery } : {}),
    }],
  };
}

for (const engine of engines()) {
  describe(`door_left_open [${engine}]`, () => {
    it('announces a door opened past its alert time once, however many sweeps and processes see it', async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const controller = await sandboxController(t, app, 'a');
      await controller.forceOpen(garage.entity_number);
      await until(async () => (await garageRow(app)).state === 'OPEN');
      const openedAt = (await garageRow(app)).last_toggled!;
      const due = openedAt + 900;

      const counts = await asTwoProcesses(t, app, (db) => alertDoorsLeftOpen(db, due));
      assert.deepEqual(counts.sort(), [0, 1]);
      assert.equal(await alertDoorsLeftOpen(app.db, due + 60), 0, 'a later sweep does not repeat it');

      const events = await announced(app, 'door_left_open');
      assert.equal(events.length, 1);
      assert.deepEqual(events[0], {
        category: 'access',
        door_id: garage.id,
        device_id: deviceA,
        // Everyone who sees the door, as far as their grant covers it (fan-out decides).
        person_ids: null,
        occurred_at: due,
        data: { doorID: compactId(garage.id), deviceID: compactId(deviceA), doorOwnerUserID: compactId(sandboxPeople.alex.id), openSinceUTC: utcSeconds(openedAt), alertAfterSeconds: 900 },
      });
    });

    it("waits for its controller's own alert time", async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await app.db.updateTable('devices').set({ time_before_door_open_alert: 60 }).where('id', '=', deviceA).execute();
      const controller = await sandboxController(t, app, 'a');
      await controller.forceOpen(garage.entity_number);
      await until(async () => (await garageRow(app)).state === 'OPEN');
      const openedAt = (await garageRow(app)).last_toggled!;

      assert.equal(await alertDoorsLeftOpen(app.db, openedAt + 59), 0);
      assert.deepEqual(await announced(app, 'door_left_open'), [], 'not yet past its time');
      assert.equal(await alertDoorsLeftOpen(app.db, openedAt + 60), 1);
      assert.equal((await announced(app, 'door_left_open'))[0]?.data.alertAfterSeconds, 60);
    });

    it('announces a new opening after the door closed, and never a closed door', async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const first = Math.floor(Date.now() / 1000);
      await applyStateReport(app.db, deviceA, garageReport({ state: 'OPEN', at: first }));
      assert.equal(await alertDoorsLeftOpen(app.db, first + 900), 1);

      await applyStateReport(app.db, deviceA, garageReport({ state: 'CLOSED', at: first + 1000 }));
      assert.equal(await alertDoorsLeftOpen(app.db, first + 5000), 0, 'a closed door is not left open');
      const second = first + 5000;
      await applyStateReport(app.db, deviceA, garageReport({ state: 'OPEN', at: second }));
      assert.equal(await alertDoorsLeftOpen(app.db, second + 899), 0);
      assert.equal(await alertDoorsLeftOpen(app.db, second + 900), 1);
      assert.equal(await alertDoorsLeftOpen(app.db, second + 1800), 0);

      assert.deepEqual((await announced(app, 'door_left_open')).map((event) => event.data.openSinceUTC), [utcSeconds(first), utcSeconds(second)]);
    });

    it('is found by the sweep each process runs every PARQEX_DOOR_ALERT_INTERVAL_MS', async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false', PARQEX_DOOR_ALERT_INTERVAL_MS: '100' });
      await app.db.updateTable('devices').set({ time_before_door_open_alert: 1 }).where('id', '=', deviceA).execute();
      const controller = await sandboxController(t, app, 'a');
      await controller.forceOpen(garage.entity_number);
      await until(async () => (await garageRow(app)).state === 'OPEN', 10_000);
      // Opened within the last second (whole seconds), due one second on, found by a sweep every 100 ms.
      await until(async () => (await announced(app, 'door_left_open')).length === 1, 10_000);
    });

    it("delivers it to the application of a person who sees the door, with exactly the catalogue's fields", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const receiver = await startReceiver(t);
      const box = createBox(app.config.secrets.encryptionKey);
      await createEndpoint({ db: app.db, box, production: false }, sandbox.client(baseUrl).web.client_id, { url: receiver.url, eventTypes: ['door_left_open'] });
      await sandboxTokens(baseUrl);
      const controller = await sandboxController(t, app, 'a');
      await controller.forceOpen(garage.entity_number);
      await until(async () => (await garageRow(app)).state === 'OPEN');
      const openedAt = (await garageRow(app)).last_toggled!;
      await alertDoorsLeftOpen(app.db, openedAt + 900);

      const leftOpen = () => receiver.received.map((r) => JSON.parse(r.body)).filter((body) => body.eventType === 'door_left_open');
      await until(() => leftOpen().length > 0, 10_000);
      const [body] = leftOpen();
      assert.deepEqual(Object.keys(body).sort(), ['alertAfterSeconds', 'deviceID', 'doorID', 'doorOwnerUserID', 'eventOccurred', 'eventOccurredUTC', 'eventType', 'id', 'openSinceUTC', 'userID'].sort());
      assert.equal(body.userID, compactId(sandboxPeople.alex.id));
      assert.equal(body.openSinceUTC, utcSeconds(openedAt));
      assert.equal(body.eventOccurred, openedAt + 900);
    });
  });

  describe(`sensor_battery_low [${engine}]`, () => {
    it('announces a battery falling below the threshold once per fall, not while it stays low', async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      for (const battery of [80, LOW_BATTERY_PERCENT, 15, 10, 12]) await applyStateReport(app.db, deviceA, garageReport({ state: 'CLOSED', battery }));
      assert.deepEqual((await announced(app, 'sensor_battery_low')).map((event) => event.data), [
        { doorID: compactId(garage.id), deviceID: compactId(deviceA), batteryLevel: 15, threshold: LOW_BATTERY_PERCENT },
      ]);
      assert.equal((await garageRow(app)).sensor_battery_level, 12, 'every report still stores its level');

      // A new battery, then a new fall.
      for (const battery of [95, LOW_BATTERY_PERCENT - 1, 5]) await applyStateReport(app.db, deviceA, garageReport({ state: 'CLOSED', battery }));
      const events = await announced(app, 'sensor_battery_low');
      assert.deepEqual(events.map((event) => event.data.batteryLevel), [15, LOW_BATTERY_PERCENT - 1]);
      assert.deepEqual(events.map((event) => [event.category, event.door_id, event.device_id, event.person_ids]), [
        ['access', garage.id, deviceA, null], ['access', garage.id, deviceA, null],
      ]);
    });

    it('announces one fall when two processes handle the same report', async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const report = garageReport({ state: 'CLOSED', battery: 7 });
      await asTwoProcesses(t, app, (db) => applyStateReport(db, deviceA, report));
      assert.equal((await announced(app, 'sensor_battery_low')).length, 1);
    });

    it('does not announce a first report already below the threshold (the stored level starts at 0), only the next fall', async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      // A door as `parqex devices create` makes it: no report yet.
      await app.db.updateTable('doors').set({ sensor_battery_level: 0 }).where('id', '=', garage.id).execute();
      for (const battery of [10, 80, 10]) await applyStateReport(app.db, deviceA, garageReport({ state: 'CLOSED', battery }));
      assert.deepEqual((await announced(app, 'sensor_battery_low')).map((event) => event.data.batteryLevel), [10]);
    });

    it('announces a low battery a controller reports over MQTT, once', async (t) => {
      const { app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const controller = new SimulatedController({
        url: app.brokerUrl,
        deviceId: deviceA,
        secret: sandboxDevices.a.secret,
        travelMs: 30,
        doors: [{ entityNumber: garage.entity_number, kind: 'stateful', sensor: true, battery: 9 }],
      });
      t.after(() => controller.stop());
      await controller.start();
      await until(async () => (await garageRow(app)).sensor_battery_level === 9);
      // Another state report, still low.
      await controller.forceOpen(garage.entity_number);
      await until(async () => (await garageRow(app)).state === 'OPEN');
      const events = await announced(app, 'sensor_battery_low');
      assert.deepEqual(events.map((event) => event.data), [{ doorID: compactId(garage.id), deviceID: compactId(deviceA), batteryLevel: 9, threshold: LOW_BATTERY_PERCENT }]);
    });
  });
}
