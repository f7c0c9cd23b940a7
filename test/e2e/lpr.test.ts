// Plate readers through the running server (issue 13): reads published by a
// simulated controller over MQTT, decided with a manual clock at the sandbox's
// Driveway Gate (controller A entity 2, `both`), 2026-03-04 in New York.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { recordAuthorization } from '../../src/access/authorizations.ts';
import type { App } from '../../src/app.ts';
import type { PlateReadFields } from '../../src/devices/simulator/controller.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { createEndpoint } from '../../src/webhooks/endpoints.ts';
import { fanOut } from '../../src/webhooks/fan-out.ts';
import { engines, startServer, type TestServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const gate = sandboxDoors.gate;
const manual = (start: string) => ({
  PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: `2026-03-04T${start}-05:00`, PARQEX_WEBHOOKS: 'false',
  // Tests send reads far faster than cars pass; the controller's message limit is not what they are about.
  PARQEX_CONTROLLER_MESSAGES_PER_SECOND: '10000',
});

async function reads(app: App) {
  return (await app.db.selectFrom('plate_reads').select(['read_id', 'plate', 'decision', 'reason', 'person_id', 'toggle_id']).orderBy('received_at').orderBy('occurred_at').execute()).map((row) => ({ ...row }));
}

async function gateCommands(app: App): Promise<number> {
  return (await app.db.selectFrom('door_commands').select('id').where('door_id', '=', gate.id).execute()).length;
}

async function advance(server: TestServer, by: string): Promise<void> {
  const response = await fetch(`${server.baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
  assert.equal(response.status, 200);
}

/** Sends `read` and waits until the server kept it (the marker read id). */
async function readAndWait(app: App, controller: Awaited<ReturnType<typeof sandboxController>>, plate: string, read: PlateReadFields & { read_id: string }) {
  await controller.readPlate(gate.entity_number, plate, read);
  await until(async () => (await reads(app)).some((row) => row.read_id === read.read_id), 15_000);
  return (await reads(app)).find((row) => row.read_id === read.read_id)!;
}

for (const engine of engines()) {
  describe(`plate readers over MQTT [${engine}]`, () => {
    it('opens for PQX1001 once (r2 a repeat, r1 again ignored), refuses GIA404 at 23:30; the events reach whom they should (acceptance B 1, 2)', async (t) => {
      const server = await startServer(t, engine, manual('10:00:00'));
      const { app, baseUrl } = server;
      const clientId = sandbox.client(baseUrl).web.client_id;
      await createEndpoint({ db: app.db, box: createBox(app.config.secrets.encryptionKey), production: false }, clientId, { url: 'http://127.0.0.1:9/hook' });
      for (const person of [sandboxPeople.alex, sandboxPeople.gia, sandboxPeople.sam]) await sandboxTokens(baseUrl, { email: person.email });
      // Alex also lets the application see plate readers (the `lpr` scope): vehicle_admitted needs it.
      await recordAuthorization(app.db, { grantId: 'lpr-grant', personId: sandboxPeople.alex.id, clientId, scopes: ['lpr'], doors: { all: true, doorIds: [] } });
      const controller = await sandboxController(t, app, 'a');

      const r1 = await readAndWait(app, controller, 'PQX 1001', { region: 'US-NY', confidence: 0.93, read_id: 'r1' });
      assert.deepEqual([r1.decision, r1.person_id], ['granted', sandboxPeople.alex.id]);
      await until(() => controller.movements === 1, 15_000);
      const r2 = await readAndWait(app, controller, 'PQX1001', { confidence: 0.93, read_id: 'r2' });
      assert.equal(r2.decision, 'repeat');
      await controller.readPlate(gate.entity_number, 'PQX 1001', { confidence: 0.93, read_id: 'r1' });
      await readAndWait(app, controller, 'ZZ', { confidence: 0.2, read_id: 'after' });
      assert.deepEqual((await reads(app)).map((row) => row.read_id), ['r1', 'r2', 'after']);
      assert.equal(await gateCommands(app), 1);
      assert.equal(controller.movements, 1);
      const history = await app.db.selectFrom('access_events').select(['channel', 'person_id', 'was_success']).where('door_id', '=', gate.id).execute();
      assert.deepEqual(history.map((row) => ({ ...row })), [{ channel: 'LPR', person_id: sandboxPeople.alex.id, was_success: 1 }]);
      await until(async () => (await app.db.selectFrom('outbox_events').select('data').where('type', '=', 'door2_open').execute()).some((row) => JSON.parse(row.data).channel === 'LPR'), 15_000);

      await advance(server, '13h30m');
      const late = await readAndWait(app, controller, 'GIA404', { read_id: 'late' });
      assert.deepEqual([late.decision, late.reason], ['refused', 'outside hours']);
      assert.equal(controller.movements, 1);

      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      const deliveries = await app.db.selectFrom('webhook_deliveries').innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_id')
        .select(['outbox_events.type', 'webhook_deliveries.person_id']).where('outbox_events.type', 'in', ['unauthorized_attempt', 'vehicle_admitted']).execute();
      const to = (type: string) => deliveries.filter((row) => row.type === type).map((row) => row.person_id).sort();
      assert.deepEqual(to('unauthorized_attempt'), [sandboxPeople.alex.id, sandboxPeople.gia.id].sort());
      // Gia's grant has neither `lpr` nor `enforcer`; Sam is neither Admin nor enforcement.
      assert.deepEqual(to('vehicle_admitted'), [sandboxPeople.alex.id]);
    });

    it('drops hostile reads whole, keeps an unreadable plate, takes a far-off time as the server\'s, and opens once for a flood of reads', async (t) => {
      const { app, logs } = await startServer(t, engine, manual('12:00:00'));
      const controller = await sandboxController(t, app, 'a');
      const hostile: Record<string, unknown>[] = [
        { confidence: 1.5 }, { confidence: '0.9' }, { read_id: 'read 1' },
        { candidates: Array.from({ length: 6 }, () => ({ plate: 'PQX1001', confidence: 0.5 })) },
      ];
      for (const fields of hostile) await controller.readPlate(gate.entity_number, 'PQX1001', fields as PlateReadFields);
      await controller.readPlate(gate.entity_number, 'P'.repeat(200), { read_id: 'long' });
      // An entity beyond the controller's four, and one with no door.
      await controller.readPlate(9, 'PQX1001', { read_id: 'entity9' });
      await controller.readPlate(4, 'PQX1001', { read_id: 'entity4' });
      const unreadable = await readAndWait(app, controller, 'ПQX-1001', { read_id: 'cyrillic' });
      assert.equal(unreadable.decision, 'unreadable');
      assert.deepEqual((await reads(app)).map((row) => row.read_id), ['cyrillic']);
      assert.equal(controller.movements, 0);
      // Told once, however many came.
      const told = (what: string) => logs().split('\n').filter((line) => line.includes(what)).length;
      assert.equal(told('an event not of the protocol\'s shape'), 1);
      assert.equal(told('entity 9, which the controller does not have'), 1);
      assert.equal(told('entity 4, which has no door'), 1);

      const future = Date.now() + 400 * 24 * 3600_000;
      await readAndWait(app, controller, 'ZZZ999', { read_id: 'future', at: future });
      const kept = await app.db.selectFrom('plate_reads').select('occurred_at').where('read_id', '=', 'future').executeTakeFirstOrThrow();
      assert.ok(Math.abs(Number(kept.occurred_at) - Date.now() / 1000) < 60, 'the server\'s time, not the reader\'s');

      await Promise.all(Array.from({ length: 30 }, () => controller.readPlate(gate.entity_number, 'PQX1001')));
      await until(async () => (await reads(app)).filter((row) => row.plate === 'PQX1001').length === 30, 20_000);
      const flood = (await reads(app)).filter((row) => row.plate === 'PQX1001').map((row) => row.decision);
      assert.deepEqual(flood.sort(), ['granted', ...Array(29).fill('repeat')]);
      await sleep(200);
      assert.equal(await gateCommands(app), 1);
    });
  });
}

describe('two platform processes on Mosquitto and PostgreSQL', { skip: process.env.MQTT_URL && process.env.DATABASE_URL ? false : 'MQTT_URL and DATABASE_URL are not both set; runs in CI' }, () => {
  it('opens once for reads of one car that the two processes share out, and decides a read sent twice once (acceptance B 1)', async (t) => {
    const first = await startServer(t, 'postgres', { ...manual('10:00:00'), MQTT_URL: process.env.MQTT_URL! });
    const cfg = first.app.config;
    const second = await startServer(t, 'postgres', {
      ...manual('10:00:00'),
      MQTT_URL: process.env.MQTT_URL!,
      DATABASE_URL: cfg.databaseUrl!,
      PARQEX_COOKIE_SECRETS: cfg.secrets.cookieKeys.join(','),
      PARQEX_ENCRYPTION_KEY: cfg.secrets.encryptionKey.toString('base64'),
    });
    const controller = await sandboxController(t, first.app, 'a');
    // Shared subscriptions hand the events out between the two; each read id is sent twice at once.
    const sent = ['r1', 'r1', 'r2', 'r2', 'r3', 'r3', 'r4', 'r4'];
    await Promise.all(sent.map((id) => controller.readPlate(gate.entity_number, 'PQX1001', { confidence: 0.93, read_id: id })));
    await until(async () => (await reads(first.app)).length === 4, 20_000);
    await sleep(500);
    const decided = await reads(second.app);
    assert.deepEqual(decided.map((row) => row.read_id).sort(), ['r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(decided.map((row) => row.decision).sort(), ['granted', 'repeat', 'repeat', 'repeat']);
    await until(() => controller.movements === 1, 15_000);
    assert.equal(await gateCommands(first.app), 1);
  });
});

