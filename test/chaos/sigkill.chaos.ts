// SIGKILL of a platform process in the middle of a burst of toggles, refreshes
// and webhook deliveries, on PostgreSQL and Mosquitto, with simulated
// controllers; then a restart. Promises checked:
// - no toggle is executed twice (the controllers count executions per command id);
// - none is reported successful (200) that did not happen, and none reported
//   failed (an answer other than 200) happened;
// - every event is delivered after the restart (duplicates only with the same id);
// - no refresh family is wrongly revoked: the refresh token last handed out in
//   each family still refreshes.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { SimulatedController } from '../../src/devices/simulator/controller.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { openDatabase } from '../../src/store/dialect.ts';
import { testEnv } from '../helpers/build-app.ts';
import { until } from '../helpers/controllers.ts';
import { basic, postToken, sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { killHard, serveProcess, startMosquitto, untilReady } from '../helpers/processes.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { webhooksApi } from '../helpers/webhooks-api.ts';

const skip = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set: this chaos test needs PostgreSQL (CI sets it)';

describe('SIGKILL of a platform process mid-burst [postgres] [mosquitto]', { skip }, () => {
  it('executes no toggle twice, reports none that did not happen, delivers every event and revokes no refresh family', { timeout: 240_000 }, async (t) => {
    const mqttUrl = await startMosquitto(t);
    const { env, cleanup } = await testEnv('postgres', { MQTT_URL: mqttUrl, LOG_LEVEL: 'warn', PARQEX_WEBHOOK_INTERVAL_MS: '50', PARQEX_RATE_LIMIT_PER_DOOR: '1000000', PARQEX_RATE_LIMIT_PER_TOKEN: '1000000', PARQEX_RATE_LIMIT_PER_PERSON: '1000000', PARQEX_TOGGLE_DEADLINE_MS: '3000' });
    t.after(cleanup);
    const baseUrl = env.PARQEX_PUBLIC_URL!;
    let platform = serveProcess(t, env);
    await untilReady(baseUrl, platform);
    const { db } = openDatabase({ databaseUrl: env.DATABASE_URL, sqlitePath: '' });
    t.after(() => db.destroy());

    // The controllers: every command they execute, counted per command id.
    const executions = new Map<string, number>();
    const controllers = (['a'] as const).map((key) => {
      const controller = new SimulatedController({
        url: mqttUrl, deviceId: sandboxDevices[key].id, secret: sandboxDevices[key].secret, travelMs: 20,
        doors: Object.values(sandboxDoors).filter((door) => door.device === key).map((door) => ({ entityNumber: door.entity_number, kind: door.kind, sensor: door.sensor === 1 })),
      });
      controller.onCommand = (command, ack, repeated) => {
        if (!repeated && ack.result === 'ok') executions.set(command.command_id, (executions.get(command.command_id) ?? 0) + 1);
      };
      return controller;
    });
    for (const controller of controllers) {
      await controller.start();
      t.after(() => controller.stop());
    }
    await until(async () => (await db.selectFrom('devices').select('online').where('id', '=', sandboxDevices.a.id).executeTakeFirst())?.online === 1, 10_000);

    // The application: a token for the toggles, four refresh families, a webhook endpoint.
    const web = sandbox.client(baseUrl).web;
    const { access_token: accessToken } = await sandboxTokens(baseUrl);
    const families = await Promise.all([0, 1, 2, 3].map(async () => (await sandboxTokens(baseUrl)).refresh_token));
    const receiver = await startReceiver(t);
    const created = await webhooksApi(baseUrl, basic(web.client_id, web.client_secret))('POST', '/endpoints', { url: receiver.url });
    assert.ok(created.status < 300, JSON.stringify(created.body));
    const endpointId: string = created.body.data.id;

    // The burst: one loop per door (a door takes one command at a time), one per refresh family.
    const answered = new Map<string, number>();
    let succeeded = 0;
    let running = true;
    const doors = [sandboxDoors.garage, sandboxDoors.gate, sandboxDoors.lobby];
    const toggleLoops = doors.map(async (door) => {
      for (let i = 0; running; i += 1) {
        const state = door.kind === 'momentary' || i % 2 === 0 ? 'OPEN' : 'CLOSED';
        try {
          const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
            method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
            body: JSON.stringify({ door_id: compactId(door.id), door_state: state }),
          });
          const body = await response.json() as { data?: { toggle_id: string } };
          if (response.status === 200) succeeded += 1;
          if (body.data?.toggle_id) answered.set(body.data.toggle_id, response.status);
        } catch {
          await sleep(100); // the process is down: no answer, nothing reported
        }
      }
    });
    const lastHandedOut = [...families];
    const wronglyRefused: string[] = [];
    const refreshLoops = lastHandedOut.map(async (_, family) => {
      while (running) {
        try {
          const refreshed = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: lastHandedOut[family]!, client_id: web.client_id, client_secret: web.client_secret });
          if (refreshed.status === 200) lastHandedOut[family] = refreshed.body.refresh_token;
          else if (refreshed.status < 500) wronglyRefused.push(`family ${family}: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
        } catch {
          await sleep(100);
        }
        await sleep(30);
      }
    });

    await until(() => succeeded >= 20, 60_000);
    await killHard(platform);
    const atKill = succeeded;
    await sleep(500);
    platform = serveProcess(t, env);
    await untilReady(baseUrl, platform);
    await until(() => succeeded >= atKill + 20, 60_000);
    running = false;
    await Promise.all([...toggleLoops, ...refreshLoops]);

    // Every promise is checked and every broken one listed, so one failure does not hide another.
    const broken: string[] = [];
    const expect = (what: string, offenders: unknown[]) => { if (offenders.length) broken.push(`${what}: ${JSON.stringify(offenders).slice(0, 600)}`); };

    // Toggles: executed at most once; a 200 happened; an answered failure did not.
    expect('a command executed twice', [...executions].filter(([, count]) => count > 1));
    const reported = [...answered].filter(([, status]) => status === 200).map(([id]) => id);
    expect('a toggle answered 200 that no controller executed', reported.filter((id) => !executions.has(id)));
    expect('a toggle answered as failed that a controller executed', [...answered].filter(([id, status]) => status !== 200 && executions.has(id)));

    // Refresh families: none refused during the run, and the last token of each still refreshes.
    expect('a refresh refused during the run', wronglyRefused);
    for (const [family, token] of lastHandedOut.entries()) {
      const refreshed = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: token, client_id: web.client_id, client_secret: web.client_secret });
      if (refreshed.status !== 200) broken.push(`refresh family ${family} no longer refreshes after the restart: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
    }

    // Webhooks: every delivery the platform recorded arrives; a duplicate carries the same id and body.
    const deliveries = () => db.selectFrom('webhook_deliveries').select(['id', 'status']).where('endpoint_id', '=', endpointId).execute();
    await until(async () => {
      const rows = await deliveries();
      return rows.length > 0 && rows.every((row) => row.status !== 'pending');
    }, 60_000).catch(() => broken.push('deliveries still pending 60 s after the burst'));
    const rows = await deliveries();
    expect('a delivery not delivered', rows.filter((row) => row.status !== 'delivered'));
    const bodies = new Map<string, string>();
    for (const delivery of receiver.received) {
      const id = String(delivery.headers['webhook-id']);
      if (JSON.parse(delivery.body).id !== id) broken.push(`webhook-id ${id} differs from the body's id`);
      if (bodies.has(id) && delivery.body !== bodies.get(id)) broken.push(`duplicate ${id} is not the same event`);
      bodies.set(id, delivery.body);
    }
    expect('a recorded delivery that never arrived', rows.map((row) => row.id).filter((id) => !bodies.has(id)));
    expect('an arrival that was never recorded', [...bodies.keys()].filter((id) => !rows.some((row) => row.id === id)));
    t.diagnostic(`sigkill: ${answered.size} toggles answered (${reported.length} succeeded), ${executions.size} executed, ${rows.length} deliveries (${receiver.received.length} received), refresh families ${lastHandedOut.length}, 1 SIGKILL`);
    assert.deepEqual(broken, []);
  });
});
