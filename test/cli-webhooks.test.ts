// `parqex webhooks`, through the real command, for the sandbox application
// (`parqex seed`); deliveries are made by a real dispatcher against a local receiver.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { recordAuthorization } from '../src/access/authorizations.ts';
import { loadConfig } from '../src/config.ts';
import { appendEvent } from '../src/events/outbox.ts';
import { sandboxPeople } from '../src/sandbox/seed.ts';
import { createBox } from '../src/security/encryption.ts';
import { openDatabase } from '../src/store/dialect.ts';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.ts';
import { engines, freshPostgresUrl } from './helpers/build-app.ts';
import { assertRefused, cli, databaseBytes, production } from './helpers/cli.ts';
import { startReceiver } from './helpers/receiver.ts';

const sandboxClient = '100000000000000001.localhost';
const firstPartyClient = '100000000000000003.localhost';
const as = (clientId: string) => ['--client-id', clientId];

interface Created {
  id: string;
  url: string;
  event_types: string[];
  api_key: string;
  signing_secret: string;
}

/** A seeded sandbox in a fresh data dir (and a fresh PostgreSQL schema for [postgres]). */
async function seeded(t: TestContext, engine: 'sqlite' | 'postgres' = 'sqlite') {
  const harness = cli(t);
  const env: Record<string, string> = { PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64'), PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url') };
  if (engine === 'postgres') {
    const postgres = await freshPostgresUrl();
    t.after(() => postgres.drop());
    env.DATABASE_URL = postgres.url;
  }
  const seed = harness.run(['seed'], env);
  assert.equal(seed.status, 0, seed.stderr);
  return {
    ...harness,
    env,
    run: (args: string[], more: Record<string, string | undefined> = {}) => harness.run(args, { ...env, ...more }),
    json: <T = Record<string, unknown>>(args: string[], more: Record<string, string | undefined> = {}) => harness.json<T>(args, { ...env, ...more }),
  };
}

describe('parqex webhooks create', () => {
  it('prints exactly id, url, event_types, api_key and signing_secret, and keeps neither secret in clear', async (t) => {
    const { json, dataDir } = await seeded(t);
    const created = json<Created>(['webhooks', 'create', ...as(sandboxClient), '--url', 'http://127.0.0.1:8080/hook', '--event', 'door<N>_open', '--event', 'enforcer']);
    assert.deepEqual(Object.keys(created), ['id', 'url', 'event_types', 'api_key', 'signing_secret']);
    assert.match(created.id, /^[0-9a-f]{32}$/);
    assert.equal(created.url, 'http://127.0.0.1:8080/hook');
    assert.deepEqual(created.event_types, ['door<N>_open', 'enforcer']);
    assert.match(created.api_key, /^pqx_[A-Za-z0-9_-]{32}$/);
    assert.match(created.signing_secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const bytes = databaseBytes(dataDir);
    assert.ok(bytes.includes(created.id));
    assert.ok(!bytes.includes(created.api_key) && !bytes.includes(created.signing_secret), 'the database holds a webhook secret in clear');
  });

  it('prints the values and the warning that the secrets are shown once without --json; every event type by default', async (t) => {
    const { run } = await seeded(t);
    const result = run(['webhooks', 'create', ...as(sandboxClient), '--url', 'http://[::1]:8080/hook']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^id {14}[0-9a-f]{32}\nurl {13}http:\/\/\[::1\]:8080\/hook\nevent_types {5}\*\napi_key {9}pqx_\S+\nsigning_secret {2}whsec_\S+\nStore the API key and the signing secret now: they are shown once\.\n$/);
  });

  it('refuses bad input with exit 2, a message and no stack trace', async (t) => {
    const { run } = await seeded(t);
    const cases: [string, string[], RegExp][] = [
      ['no --client-id', ['webhooks', 'create', '--url', 'http://127.0.0.1/hook'], /--client-id is required/],
      ['no --url', ['webhooks', 'create', ...as(sandboxClient)], /--url is required/],
      ['no action', ['webhooks', ...as(sandboxClient)], /unknown webhooks action: \(none\); use create, list, disable, enable, rotate-secret, delete, deliveries or redeliver/],
      ['an unknown action', ['webhooks', 'frobnicate', ...as(sandboxClient)], /unknown webhooks action: frobnicate/],
      ['an unknown option', ['webhooks', 'create', ...as(sandboxClient), '--urls', 'x'], /--urls/],
      ['not a URL', ['webhooks', 'create', ...as(sandboxClient), '--url', 'hooks.example.com'], /url: not a valid URL/],
      ['plain http off loopback', ['webhooks', 'create', ...as(sandboxClient), '--url', 'http://10.0.0.1/hook'], /url: plain http is allowed only to loopback in development; use https/],
      ['an unknown event type', ['webhooks', 'create', ...as(sandboxClient), '--url', 'http://127.0.0.1/hook', '--event', 'door_opened'], /event_types: unknown event type or category "door_opened"/],
      ['disable without an id', ['webhooks', 'disable', ...as(sandboxClient)], /ENDPOINT_ID is required/],
      ['redeliver without an id', ['webhooks', 'redeliver', ...as(sandboxClient)], /DELIVERY_ID is required/],
      ['a --limit that is no number', ['webhooks', 'deliveries', '0'.repeat(32), ...as(sandboxClient), '--limit', 'ten'], /--limit must be a whole number/],
      ['an unknown --status', ['webhooks', 'deliveries', '0'.repeat(32), ...as(sandboxClient), '--status', 'failed'], /status must be one of pending, delivered, dead/],
    ];
    for (const [label, args, message] of cases) {
      const result = run(args);
      assert.equal(result.status, 2, `${label}: ${result.stderr}`);
      assertRefused(result, 2, message);
    }
  });

  it('exits 3 for an unknown client', async (t) => {
    const { run } = await seeded(t);
    assertRefused(run(['webhooks', 'create', ...as('999999999999999999.localhost'), '--url', 'http://127.0.0.1/hook']), 3, /no client 999999999999999999\.localhost/);
  });
});

describe('parqex webhooks list, disable, enable, rotate-secret, delete', () => {
  it('shows the application\'s endpoints only, switches one off and on, rotates its secret and deletes it', async (t) => {
    const { json, run } = await seeded(t);
    const created = json<Created>(['webhooks', 'create', ...as(sandboxClient), '--url', 'http://127.0.0.1:8080/hook']);
    const other = json<Created>(['webhooks', 'create', ...as(firstPartyClient), '--url', 'http://127.0.0.1:8081/hook']);
    assert.deepEqual(json(['webhooks', 'list', ...as(sandboxClient)]), [{ id: created.id, url: created.url, event_types: ['*'], enabled: true, disabled_reason: null, failing_since: null }]);

    assert.deepEqual(json(['webhooks', 'disable', created.id.toUpperCase(), ...as(sandboxClient)]), { id: created.id, enabled: false });
    const listed = run(['webhooks', 'list', ...as(sandboxClient)]);
    assert.equal(listed.stdout, `${created.id}  disabled  http://127.0.0.1:8080/hook  *  (disabled by its developer)\n`);
    const enabled = run(['webhooks', 'enable', created.id, ...as(sandboxClient)]);
    assert.equal(enabled.stdout, `enabled ${created.id}\n`);

    const rotated = json<{ id: string; signing_secret: string; previous_secret_valid_until: string }>(['webhooks', 'rotate-secret', created.id, ...as(sandboxClient)]);
    assert.equal(rotated.id, created.id);
    assert.match(rotated.signing_secret, /^whsec_/);
    assert.notEqual(rotated.signing_secret, created.signing_secret);
    assert.ok(Math.abs(Date.parse(rotated.previous_secret_valid_until) - (Date.now() + 24 * 3600 * 1000)) < 60_000, 'the previous secret signs for 24 h more');
    const rotatedText = run(['webhooks', 'rotate-secret', created.id, ...as(sandboxClient)]);
    assert.match(rotatedText.stdout, /^signing_secret {2}whsec_\S+\nStore the secret now: it is shown once\. Until \S+ deliveries are signed with both the previous and the new secret\.\n$/);

    // Another application's endpoint is not found, whatever the action.
    for (const action of ['disable', 'enable', 'rotate-secret', 'delete', 'deliveries']) {
      assertRefused(run(['webhooks', action, other.id, ...as(sandboxClient)]), 3, /No such webhook endpoint\./);
    }
    assert.equal(json<unknown[]>(['webhooks', 'list', ...as(firstPartyClient)]).length, 1);

    assert.deepEqual(json(['webhooks', 'delete', created.id, ...as(sandboxClient)]), { deleted: created.id });
    assert.equal(run(['webhooks', 'list', ...as(sandboxClient)]).stdout, '(no webhook endpoints)\n');
    assertRefused(run(['webhooks', 'delete', created.id, ...as(sandboxClient)]), 3);
  });
});

for (const engine of engines()) {
  describe(`parqex webhooks deliveries and redeliver [${engine}]`, () => {
    it('lists each delivery with its attempts, and redeliver sends a failed one again at once with the same id', async (t) => {
      const { json, run, dataDir, env } = await seeded(t, engine);
      const receiver = await startReceiver(t, [500]);
      const created = json<Created>(['webhooks', 'create', ...as(sandboxClient), '--url', receiver.url]);
      assert.deepEqual(json(['webhooks', 'deliveries', created.id, ...as(sandboxClient)]), []);

      // The platform side, in this process, on the same database: Alex authorized the application; a controller came online.
      const config = loadConfig({ PARQEX_DATA_DIR: dataDir, ...env });
      const { db } = openDatabase(config);
      t.after(() => db.destroy());
      await recordAuthorization(db, { grantId: 'g'.repeat(32), personId: sandboxPeople.alex.id, clientId: sandboxClient, scopes: ['opendoor'], doors: { all: true, doorIds: [] } });
      await db.transaction().execute((trx) => appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'c'.repeat(32) } }));
      // The dispatcher's clock stands still between its rounds: a loaded machine's slow CLI runs must not make the retry due.
      let clock = Date.now();
      const dispatcher = new WebhookDispatcher({ db, box: createBox(config.secrets.encryptionKey), skipLocked: engine === 'postgres', production: false, now: () => clock });
      const tickedAt = clock;
      assert.equal(await dispatcher.tick(), 1);

      type Listed = { id: string; event_type: string; user_id: string; status: string; next_attempt_at: string | null; attempts: { status_code: number | null; latency_ms: number; error: string | null }[] };
      const [failed] = json<Listed[]>(['webhooks', 'deliveries', created.id, ...as(sandboxClient)]);
      assert.equal(failed!.id, receiver.received[0]!.headers['webhook-id']);
      assert.equal(failed!.event_type, 'controller_online');
      assert.equal(failed!.user_id, sandboxPeople.alex.id.replace(/-/g, ''));
      assert.equal(failed!.status, 'pending');
      assert.ok(failed!.next_attempt_at && Date.parse(failed!.next_attempt_at) > tickedAt, 'the retry is scheduled later than the attempt (not "now": the CLI takes its time under load)');
      assert.deepEqual(failed!.attempts.map((a) => [a.status_code, a.error]), [[500, null]]);
      assert.equal(await dispatcher.tick(), 0, 'nothing is due before the retry');
      assert.deepEqual(json<Listed[]>(['webhooks', 'deliveries', created.id, ...as(sandboxClient), '--status', 'pending']).map((d) => d.id), [failed!.id]);
      assert.deepEqual(json(['webhooks', 'deliveries', created.id, ...as(sandboxClient), '--status', 'delivered']), []);

      assert.deepEqual(json(['webhooks', 'redeliver', failed!.id.toLowerCase(), ...as(sandboxClient)]), { id: failed!.id, status: 'pending' });
      clock = Date.now();
      assert.equal(await dispatcher.tick(), 1, 'due at once');
      assert.equal(receiver.received.length, 2);
      assert.equal(receiver.received[1]!.headers['webhook-id'], failed!.id);
      new Webhook(created.signing_secret).verify(receiver.received[1]!.body, receiver.received[1]!.headers as Record<string, string>);

      const text = run(['webhooks', 'deliveries', created.id, ...as(sandboxClient)]);
      assert.equal(text.status, 0, text.stderr);
      const lines = text.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, new RegExp(`^${failed!.id}  controller_online  delivered  2 attempt\\(s\\)  user [0-9a-f]{32}  created \\S+Z$`));
      assert.match(lines[1]!, /^ {2}\S+Z {2}500 +\d+ ms$/);
      assert.match(lines[2]!, /^ {2}\S+Z {2}200 +\d+ ms$/);

      // Another application can neither see nor requeue it.
      assertRefused(run(['webhooks', 'redeliver', failed!.id, ...as(firstPartyClient)]), 3, /No such webhook delivery\./);
      assertRefused(run(['webhooks', 'deliveries', created.id, ...as(firstPartyClient)]), 3, /No such webhook endpoint\./);
    });
  });
}

for (const engine of engines()) {
  describe(`parqex webhooks deliveries: a delivery that cannot be built [${engine}]`, () => {
    it('lists it dead, with the reason as its one attempt, and the delivery after it delivered', async (t) => {
      const { json, run, dataDir, env } = await seeded(t, engine);
      const receiver = await startReceiver(t);
      const created = json<Created>(['webhooks', 'create', ...as(sandboxClient), '--url', receiver.url]);
      const config = loadConfig({ PARQEX_DATA_DIR: dataDir, ...env });
      const { db } = openDatabase(config);
      t.after(() => db.destroy());
      await recordAuthorization(db, { grantId: 'g'.repeat(32), personId: sandboxPeople.alex.id, clientId: sandboxClient, scopes: ['opendoor'], doors: { all: true, doorIds: [] } });
      await db.transaction().execute(async (trx) => {
        // A time past the last a Date can hold (+275760-09-13), as a controller once reported one.
        await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'a'.repeat(32) }, occurredAt: 8.64e12 + 1 });
        await appendEvent(trx, { type: 'controller_online', personIds: [sandboxPeople.alex.id], data: { deviceID: 'b'.repeat(32) } });
      });
      await new WebhookDispatcher({ db, box: createBox(config.secrets.encryptionKey), skipLocked: engine === 'postgres', production: false }).tick();

      type Listed = { id: string; status: string; next_attempt_at: string | null; attempts: { status_code: number | null; error: string | null }[] };
      const [dead, ...others] = json<Listed[]>(['webhooks', 'deliveries', created.id, ...as(sandboxClient), '--status', 'dead']);
      assert.deepEqual(others, []);
      assert.equal(dead!.next_attempt_at, null);
      assert.deepEqual(dead!.attempts.map((a) => a.status_code), [null]);
      assert.match(dead!.attempts[0]!.error ?? '', /^the delivery cannot be built: .*Invalid time value/);
      assert.equal(json<Listed[]>(['webhooks', 'deliveries', created.id, ...as(sandboxClient), '--status', 'delivered']).length, 1);
      assert.equal(receiver.received.length, 1);
      const text = run(['webhooks', 'deliveries', created.id, ...as(sandboxClient), '--status', 'dead']);
      assert.match(text.stdout, /dead {2}1 attempt\(s\)[^\n]*\n {2}\S+Z {2}--- +0 ms {2}the delivery cannot be built: /);
    });
  });
}

describe('parqex webhooks in production', () => {
  it('refuses plain http, loopback, private, link-local and metadata addresses with exit 2, and accepts a public https one', async (t) => {
    const { json, run } = cli(t);
    const app = json<{ client_id: string }>(['clients', 'create', '--name', 'Prod', '--redirect-uri', 'https://prod.example/cb'], production);
    const refused: [string, RegExp][] = [
      ['http://127.0.0.1:8080/hook', /https is required/],
      ['https://127.0.0.1/hook', /loopback, private, link-local or reserved/],
      ['https://localhost/hook', /internal name/],
      ['https://10.0.0.1/hook', /loopback, private, link-local or reserved/],
      ['https://192.168.1.10/hook', /loopback, private, link-local or reserved/],
      ['https://169.254.169.254/latest/meta-data', /loopback, private, link-local or reserved/],
      ['https://[::ffff:169.254.169.254]/hook', /loopback, private, link-local or reserved/],
    ];
    for (const [url, message] of refused) {
      assertRefused(run(['webhooks', 'create', ...as(app.client_id), '--url', url], production), 2, message);
    }
    const accepted = json<Created>(['webhooks', 'create', ...as(app.client_id), '--url', 'https://93.184.216.34/parqex'], production);
    assert.equal(accepted.url, 'https://93.184.216.34/parqex');
  });
});
