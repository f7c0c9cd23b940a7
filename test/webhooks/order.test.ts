// Per endpoint: one delivery at a time, in the order events were recorded,
// whichever process sends them; a retry does not hold the others back; a
// disabled endpoint keeps its deliveries; a name re-pointed at an internal
// address after the check is refused when the socket connects.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { appendEvent } from '../../src/events/outbox.ts';
import { createBox } from '../../src/security/encryption.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import type { Database } from '../../src/store/database.ts';
import { createEndpoint, setEndpointEnabled } from '../../src/webhooks/endpoints.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { fanOut } from '../../src/webhooks/fan-out.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';

async function appendNumbered(db: Kysely<Database>, count: number): Promise<void> {
  // One transaction, one second: neither the time nor the random ids can order them.
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i += 1) await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: `n${i}` }, occurredAt: 1_790_000_000 });
  });
}

const numbers = (received: { body: string }[]) => received.map((r) => JSON.parse(r.body).deviceID as string);
const expected = (count: number) => Array.from({ length: count }, (_, i) => `n${i}`);

async function setUp(t: TestContext, engine: 'sqlite' | 'postgres', answers: number[] = [], delayMs = 0) {
  const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
  const receiver = await startReceiver(t, answers, { delayMs });
  const box = createBox(app.config.secrets.encryptionKey);
  const clientId = sandbox.client(baseUrl).web.client_id;
  const endpoint = await createEndpoint({ db: app.db, box, production: false }, clientId, { url: receiver.url });
  await sandboxTokens(baseUrl);
  const dispatcher = (now?: () => number) => {
    const made = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: false, now, random: () => 0.5 });
    t.after(() => made.stop());
    return made;
  };
  return { app, box, clientId, endpoint, receiver, dispatcher };
}

for (const engine of engines()) {
  describe(`webhook order [${engine}]`, () => {
    it('sends one endpoint its events in the order they were recorded, a failed one retried later without holding back the rest', async (t) => {
      const { app, receiver, dispatcher } = await setUp(t, engine, [500]);
      await appendNumbered(app.db, 20);
      let clock = Date.parse('2026-11-29T12:00:00Z');
      const one = dispatcher(() => clock);
      assert.equal(await one.tick(), 20);
      assert.deepEqual(numbers(receiver.received), expected(20), 'recorded order, the failed first one included');
      clock += 5_000 * 1.5;
      assert.equal(await one.tick(), 1);
      assert.deepEqual(numbers(receiver.received), [...expected(20), 'n0'], 'the retry comes after');
    });

    it('rests an endpoint after three failures in a row, keeping the rest of its deliveries in place', async (t) => {
      const { app, receiver, dispatcher } = await setUp(t, engine, Array(20).fill(500));
      await appendNumbered(app.db, 10);
      let clock = Date.parse('2026-11-29T12:00:00Z');
      const one = dispatcher(() => clock);
      assert.equal(await one.tick(), 3);
      clock += 10_000;
      assert.equal(await one.tick(), 0, 'resting, though retries and first attempts are due');
      clock += 25_000;
      assert.equal(await one.tick(), 3);
      assert.deepEqual(numbers(receiver.received), ['n0', 'n1', 'n2', 'n0', 'n1', 'n2'], 'the due retries first, in order');
      const untried = await app.db.selectFrom('webhook_deliveries').select('attempts').where('attempts', '=', 0).execute();
      assert.equal(untried.length, 7);
    });

    it('lets only one process at a time send to an endpoint, so two dispatchers keep its order and send nothing twice', async (t) => {
      const { app, receiver, dispatcher } = await setUp(t, engine, [], 5);
      await appendNumbered(app.db, 40);
      const [a, b] = [dispatcher(), dispatcher()];
      let attempts = 0;
      while (receiver.received.length < 40) {
        const made = await Promise.all([a.tick(), b.tick()]);
        attempts += made[0] + made[1];
      }
      assert.equal(receiver.load.maxInFlight, 1, 'never two deliveries to the endpoint at once');
      assert.deepEqual(numbers(receiver.received), expected(40));
      assert.equal(attempts, 40);
      const recorded = await app.db.selectFrom('webhook_attempts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(recorded.n), 40);
    });

    it('keeps a disabled endpoint\'s deliveries untouched and sends them, in order, once it is enabled again; events while disabled are not queued', async (t) => {
      const { app, box, clientId, endpoint, receiver, dispatcher } = await setUp(t, engine);
      await appendNumbered(app.db, 3);
      await fanOut(app.db, { skipLocked: engine === 'postgres' });
      await setEndpointEnabled({ db: app.db, box, production: false }, clientId, endpoint.id, false);
      await app.db.transaction().execute((trx) => appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'while disabled' } }));
      const one = dispatcher();
      assert.equal(await one.tick(), 0);
      const waiting = (await app.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute()).map((row) => ({ ...row }));
      assert.deepEqual(waiting, [0, 1, 2].map(() => ({ status: 'pending', attempts: 0 })), 'no attempt burnt while disabled');
      await setEndpointEnabled({ db: app.db, box, production: false }, clientId, endpoint.id, true);
      assert.equal(await one.tick(), 3);
      assert.deepEqual(numbers(receiver.received), expected(3));
    });

    it('refuses at connection time a name that resolved to a public address at the check and to loopback after (DNS rebinding)', async (t) => {
      const { app, box, clientId } = await setUp(t, engine);
      let connections = 0;
      const trap = createServer((socket) => { connections += 1; socket.destroy(); });
      await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
      t.after(() => new Promise<void>((resolve) => trap.close(() => resolve())));
      const { port } = trap.address() as { port: number };
      // Registration and the delivery's check see a public address; the connection would get loopback.
      let asked = 0;
      const lookup = async () => [{ address: (asked += 1) <= 2 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
      const endpoint = await createEndpoint({ db: app.db, box, production: true, lookup }, clientId, { url: `https://rebind.example:${port}/hook` });
      await app.db.transaction().execute((trx) => appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'x' } }));
      const production = new WebhookDispatcher({ db: app.db, box, skipLocked: engine === 'postgres', production: true, lookup });
      t.after(() => production.stop());
      // Only the new endpoint's delivery: the sandbox one on loopback is someone else's concern here.
      await app.db.deleteFrom('webhook_endpoints').where('id', '!=', endpoint.id).execute();
      assert.equal(await production.tick(), 1);
      assert.ok(asked >= 3, 'the connection resolved the name again');
      assert.equal(connections, 0, 'nothing connected to the loopback address');
      const attempt = await app.db.selectFrom('webhook_attempts').select(['status_code', 'error']).executeTakeFirstOrThrow();
      assert.equal(attempt.status_code, null);
      assert.match(attempt.error ?? '', /refused destination/);
    });
  });
}
