// Issue 10, acceptance 2, through the running server with a manual clock moved
// over HTTP (POST /_sandbox/clock): Sam's weekly hours on the Driveway Gate
// across New York's spring change (2026-03-08); `decide`, GET sync, POST
// toggle and the keypad agree at every step.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { decide, refusalMessage, type Decision } from '../../src/access/decide.ts';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { startServer, type TestServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const sam = { personId: sandboxPeople.sam.id };
const gate = sandboxDoors.gate;
const HOUR = 3600_000;
// The toggle (toggle-door.ts) and the keypad (devices/) still read real time; they move to
// `decide` and the app clock in the door-moves merge, which turns these on.

/** 06:00–22:00 read off a New York wall clock, independently of checkSchedule. */
function withinSamsHours(ms: number): boolean {
  const hour = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(ms));
  return hour >= 6 && hour < 22;
}

async function manualServer(t: TestContext, start: string, extra: Record<string, string> = {}): Promise<TestServer> {
  return startServer(t, 'sqlite', { PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: start, PARQEX_RATE_LIMIT_PER_DOOR: '100000', PARQEX_RATE_LIMIT_PER_TOKEN: '100000', ...extra });
}

async function advance(baseUrl: string, by: string): Promise<void> {
  const response = await fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
  assert.equal(response.status, 200);
}

async function syncedDoorIds(baseUrl: string, token: string): Promise<string[]> {
  const body = await (await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { headers: { authorization: `Bearer ${token}` } })).json() as { devices: { doors: { id: string }[] }[] };
  return body.devices.flatMap((device) => device.doors.map((door) => door.id));
}

async function toggleGate(baseUrl: string, token: string, state: 'OPEN' | 'CLOSED') {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ door_id: gate.id, door_state: state }),
  });
  return { status: response.status, body: await response.json() as { message?: string } };
}

/** Walks the clock in steps, checking each answer holds exactly until the instant it named. */
async function walk(server: TestServer, steps: number, step: string, check: (decision: Decision, now: number) => Promise<void>) {
  let previous: Decision | undefined;
  let changeAt: number | null = null;
  for (let i = 0; i <= steps; i += 1) {
    if (i > 0) await advance(server.baseUrl, step);
    const now = server.app.clock.now();
    const decision = await decide(server.app.db, server.app.clock, { subject: sam, doorId: gate.id });
    const label = new Date(now).toISOString();
    assert.equal(decision.allowed, withinSamsHours(now), label);
    if (previous) assert.equal(decision.allowed !== previous.allowed, changeAt !== null && now >= changeAt, `${label}: changed only at ${changeAt && new Date(changeAt).toISOString()}`);
    if (!previous || decision.allowed !== previous.allowed) changeAt = decision.allowed ? decision.until : decision.next;
    previous = decision;
    await check(decision, now);
  }
}

describe('one access decision across the spring change, with a manual clock', () => {
  it('gives decide and GET sync the same answer at every half hour from 2026-03-07 to 2026-03-09', async (t) => {
    const server = await manualServer(t, '2026-03-07T00:00:00-05:00');
    const { access_token } = await sandboxTokens(server.baseUrl, { email: sandboxPeople.sam.email });
    let flips = 0;
    let last: boolean | undefined;
    await walk(server, 2 * 60, '30m', async (decision) => {
      // Hours never hide the door: sync lists it whether or not it may be operated now.
      assert.equal(decision.allowed || decision.reason === 'outside_hours', true);
      assert.ok((await syncedDoorIds(server.baseUrl, access_token)).includes(compactId(gate.id)));
      if (last !== undefined && last !== decision.allowed) flips += 1;
      last = decision.allowed;
    });
    assert.equal(flips, 5, 'opens 06:00 and closes 22:00 on the 7th and the 8th, opens 06:00 on the 9th');
  });

  it('answers Sam at 05:00 EDT on 2026-03-08: outside_hours, next 06:00 EDT (10:00 UTC)', async (t) => {
    const server = await manualServer(t, '2026-03-07T23:00:00-05:00');
    await advance(server.baseUrl, '5h');
    assert.equal(server.app.clock.now(), Date.parse('2026-03-08T05:00:00-04:00'));
    assert.deepEqual(await decide(server.app.db, server.app.clock, { subject: sam, doorId: gate.id }), { allowed: false, reason: 'outside_hours', next: Date.parse('2026-03-08T10:00:00Z') });
  });

  it('gives POST toggle and the keypad the answer decide gives, hour by hour across the change', async (t) => {
    // The walk drives the gate far faster than a person could; the controller's message limit (20 a second,
    // beyond which keypad entries are dropped) is not what this test is about.
    const server = await manualServer(t, '2026-03-07T18:00:00-05:00', { PARQEX_CONTROLLER_MESSAGES_PER_SECOND: '10000' });
    const controller = await sandboxController(t, server.app, 'a');
    const { access_token } = await sandboxTokens(server.baseUrl, { email: sandboxPeople.sam.email });
    const gateState = async () => (await server.app.db.selectFrom('doors').select('state').where('id', '=', gate.id).executeTakeFirstOrThrow()).state;
    await walk(server, 30, '1h', async (decision) => {
      // The keypad: Sam's PIN opens the closed gate exactly when decide allows.
      const moved = controller.movements;
      await controller.enterPin(gate.entity_number, sandboxPins.sam);
      if (decision.allowed) {
        // PIN → decision → command → simulator → report: seconds on a machine loaded by other suites.
        // The report that shows the gate open also frees it for the next entry, whether or not the ack has come.
        await until(async () => controller.movements > moved && (await gateState()) === 'OPEN', 15_000);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(controller.movements, moved);
      }
      // The toggle: closing it again is allowed, or refused with decide's reason.
      const answer = await toggleGate(server.baseUrl, access_token, 'CLOSED');
      if (decision.allowed) {
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        await until(async () => (await gateState()) === 'CLOSED', 15_000);
      } else {
        assert.equal(answer.status, 403);
        assert.equal(answer.body.message, refusalMessage(gate.name, decision.reason));
      }
    });
  });

  it('refuses Sam (zone Asia/Tokyo) at 23:30 New York with 403 and unauthorized_attempt, and opens at 21:30 (acceptance A example 1)', async (t) => {
    const server = await manualServer(t, '2026-03-04T21:30:00-05:00');
    await sandboxController(t, server.app, 'a');
    await server.app.db.updateTable('person_settings').set({ time_zone: 'Asia/Tokyo' }).where('person_id', '=', sam.personId).execute();
    const { access_token } = await sandboxTokens(server.baseUrl, { email: sandboxPeople.sam.email });
    const evening = await toggleGate(server.baseUrl, access_token, 'OPEN');
    assert.equal(evening.status, 200, JSON.stringify(evening.body));
    await advance(server.baseUrl, '2h');
    const late = await toggleGate(server.baseUrl, access_token, 'CLOSED');
    assert.equal(late.status, 403);
    assert.equal(late.body.message, 'You may not operate Driveway Gate at this time of day.');
    const attempts = (await server.app.db.selectFrom('outbox_events').select(['type', 'occurred_at']).where('type', '=', 'unauthorized_attempt').execute()).map((row) => ({ ...row }));
    assert.deepEqual(attempts, [{ type: 'unauthorized_attempt', occurred_at: Date.parse('2026-03-04T23:30:00-05:00') / 1000 }]);
    // His history for 2026-03-05 is the Tokyo day: both toggles (21:30 and 23:30 New York are 11:30 and 13:30 in Tokyo on the 5th).
    const history = await (await fetch(`${server.baseUrl}/oauth/v1/endpoints/toggle-history?start_date=2026-03-05&end_date=2026-03-05&door_id=${gate.id}`, { headers: { authorization: `Bearer ${access_token}` } })).json() as { data: { toggle_events: { toggle_date_time: string; was_success: boolean }[] } };
    assert.deepEqual(history.data.toggle_events.map((event) => [event.toggle_date_time, event.was_success]), [['2026-03-05 04:30:00', false], ['2026-03-05 02:30:00', true]]);
  });
});
