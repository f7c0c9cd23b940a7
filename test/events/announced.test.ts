// Which changes announce which events (the outbox), each once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

async function outbox(app: { db: any }) {
  const rows = await app.db.selectFrom('outbox_events').select(['type', 'category', 'door_id', 'data']).orderBy('occurred_at').orderBy('id').execute();
  return rows.map((row: any) => ({ type: row.type, category: row.category, door: row.door_id, data: JSON.parse(row.data) }));
}

describe('events announced by changes', () => {
  it('announces a controller coming online and going offline once each', async (t) => {
    const { app } = await startServer(t, 'sqlite', { PARQEX_WEBHOOKS: 'false' });
    const controller = await sandboxController(t, app, 'a');
    controller.goOffline();
    await until(async () => (await outbox(app)).some((e: any) => e.type === 'controller_offline'));
    const types = (await outbox(app)).map((e: any) => e.type);
    // Same second, so compare as a set: each once.
    assert.deepEqual(types.filter((type: string) => type.startsWith('controller_')).sort(), ['controller_offline', 'controller_online']);
  });

  it('announces a failed toggle, a refused one and a wrong PIN, and the door moves it saw', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite', { PARQEX_WEBHOOKS: 'false', PARQEX_TOGGLE_DEADLINE_MS: '300' });
    const controller = await sandboxController(t, app, 'a');
    const { access_token } = await sandboxTokens(baseUrl, { scope: 'closedoor' });
    const post = (door: string, state: string) => fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ door_id: door, door_state: state }) });
    assert.equal((await post(sandboxDoors.garage.id, 'OPEN')).status, 403);
    controller.failures.ignoreCommands = true;
    assert.equal((await post(sandboxDoors.garage.id, 'CLOSED')).status, 504);
    controller.failures.ignoreCommands = false;
    await controller.enterPin(sandboxDoors.lobby.entity_number, '9999');
    await controller.forceOpen(sandboxDoors.garage.entity_number);
    // Keypad events are handled beside the state reports, not in their queue: wait for both.
    await until(async () => {
      const recorded = await outbox(app);
      return ['door1_open', 'enforcement_alert_opened'].every((type) => recorded.some((e: any) => e.type === type)) && recorded.some((e: any) => e.data.reason === 'wrong keypad PIN');
    });
    const events = (await outbox(app)).filter((e: any) => !e.type.startsWith('controller_'));
    const summary = events.map((e: any) => [e.type, e.category, e.data.reason ?? e.data.channel ?? e.data.trigger]);
    assert.deepEqual(summary.sort(), [
      ['door1_open', 'access', 'Door Sensor'],
      // The door forced open is also an Enforcer alert (phase2.md C.3).
      ['enforcement_alert_opened', 'enforcer', 'forced_open'],
      ['toggle_failed', 'access', 'no answer in time'],
      ['unauthorized_attempt', 'enforcer', 'door forced open'],
      ['unauthorized_attempt', 'enforcer', 'This application may not open doors: it needs the opendoor scope.'],
      ['unauthorized_attempt', 'enforcer', 'wrong keypad PIN'],
    ].sort());
    const failed = events.find((e: any) => e.type === 'toggle_failed');
    assert.equal(failed.data.doorID, compactId(sandboxDoors.garage.id));
    assert.equal(failed.data.deviceID, compactId(sandboxDevices.a.id));
    assert.equal(failed.data.userThatToggled.firstName, 'Alex');
  });
});

describe('management events', () => {
  it('announces access removed, on its door, to the person and the Admin', async (t) => {
    const { removeAccess } = await import('../../src/access/remove-access.ts');
    const { sandboxPeople } = await import('../../src/sandbox/seed.ts');
    const { app } = await startServer(t, 'sqlite', { PARQEX_WEBHOOKS: 'false' });
    await removeAccess({ db: app.db, clock: app.clock }, { personId: sandboxPeople.alex.id }, { user_id: sandboxPeople.sam.id, door_ids: [sandboxDoors.lobby.id] });
    const rows = await app.db.selectFrom('outbox_events').select(['type', 'category', 'door_id', 'device_id', 'person_ids', 'data']).where('type', '=', 'access_removed').execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.category, 'management');
    assert.equal(rows[0]!.door_id, sandboxDoors.lobby.id);
    assert.equal(rows[0]!.device_id, sandboxDevices.a.id);
    assert.deepEqual(JSON.parse(rows[0]!.person_ids!), [sandboxPeople.sam.id, sandboxPeople.alex.id]);
    assert.deepEqual(JSON.parse(rows[0]!.data), {
      doorID: compactId(sandboxDoors.lobby.id), deviceID: compactId(sandboxDevices.a.id), personID: compactId(sandboxPeople.sam.id), removedByUserID: compactId(sandboxPeople.alex.id),
    });
  });
});
