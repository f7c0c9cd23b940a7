// Idempotency-Key on the write routes other than toggle (phase2.md A.6), over HTTP:
// the webhooks API (an application's own key) and POST invite (a person's).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { DomainError } from '../../src/access/errors.ts';
import { idempotent } from '../../src/api/idempotency.ts';
import { codeAnswers } from '../../src/errors/answers.ts';
import { createBox } from '../../src/security/encryption.ts';
import { openDatabase } from '../../src/store/dialect.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { compactId } from '../../src/access/ids.ts';
import { startHousekeeping } from '../../src/housekeeping.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { apiBase, firstPartyClient, firstPartyToken } from '../helpers/first-party.ts';
import { sandbox } from '../helpers/oauth.ts';
import { basic } from '../helpers/webhooks-api.ts';

/** The webhooks API as an application calls it, with an Idempotency-Key when given. */
function webhooks(baseUrl: string, client: { client_id: string; client_secret: string }) {
  return async (method: string, path: string, body?: unknown, key?: string) => {
    const headers: Record<string, string> = { authorization: basic(client.client_id, client.client_secret) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== undefined) headers['idempotency-key'] = key;
    const response = await fetch(`${baseUrl}/oauth/v1/webhooks${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}

for (const engine of engines()) {
  describe(`Idempotency-Key on write routes [${engine}]`, () => {
    it('replays the first answer, byte for byte, with Idempotent-Replayed: true, and creates one endpoint', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const call = webhooks(baseUrl, sandbox.client(baseUrl).web);
      const body = { url: `${baseUrl}/hooks`, event_types: ['door1_open', 'access'] };
      const first = await call('POST', '/endpoints', body, 'create-1');
      assert.equal(first.status, 201, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      // The same body with its keys in another order is the same request.
      const again = await call('POST', '/endpoints', { event_types: ['door1_open', 'access'], url: `${baseUrl}/hooks` }, 'create-1');
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text, 'the same id, API key and signing secret');
      const listed = JSON.parse((await call('GET', '/endpoints')).text);
      assert.equal(listed.data.length, 1);
      // Without a key, each request is its own.
      assert.equal((await call('POST', '/endpoints', body)).status, 201);
      assert.equal(JSON.parse((await call('GET', '/endpoints')).text).data.length, 2);
    });

    it('replays a 4xx answer too', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const call = webhooks(baseUrl, sandbox.client(baseUrl).web);
      const first = await call('POST', `/endpoints/${'0'.repeat(32)}/rotate-secret`, undefined, 'rotate-missing');
      assert.equal(first.status, 404);
      const again = await call('POST', `/endpoints/${'0'.repeat(32)}/rotate-secret`, undefined, 'rotate-missing');
      assert.equal(again.status, 404);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text);
    });

    it('returns 422 for the same key with another body or another route', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const call = webhooks(baseUrl, sandbox.client(baseUrl).web);
      const created = await call('POST', '/endpoints', { url: `${baseUrl}/hooks` }, 'key-a');
      assert.equal(created.status, 201);
      const otherBody = await call('POST', '/endpoints', { url: `${baseUrl}/other-hooks` }, 'key-a');
      assert.equal(otherBody.status, 422);
      assert.equal(JSON.parse(otherBody.text).errors[0].message, 'This Idempotency-Key was already used with another request. Use a new key for a new request.');
      const id = JSON.parse(created.text).data.id as string;
      const otherRoute = await call('POST', `/endpoints/${id}/disable`, undefined, 'key-a');
      assert.equal(otherRoute.status, 422);
      // The same route on another endpoint is another request too.
      assert.equal((await call('POST', `/endpoints/${id}/disable`, undefined, 'key-b')).status, 200);
      assert.equal((await call('POST', `/endpoints/${'1'.repeat(32)}/disable`, undefined, 'key-b')).status, 422);
      assert.equal(JSON.parse((await call('GET', '/endpoints')).text).data.length, 1);
    });

    it('runs one of two simultaneous requests with one key; the other gets 409 or the replay', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const call = webhooks(baseUrl, sandbox.client(baseUrl).web);
      const body = { url: `${baseUrl}/hooks` };
      const answers = await Promise.all([1, 2, 3].map(() => call('POST', '/endpoints', body, 'at-once')));
      const ran = answers.filter((answer) => answer.status === 201 && answer.headers.get('idempotent-replayed') === null);
      assert.equal(ran.length, 1, answers.map((answer) => answer.status).join(', '));
      for (const answer of answers) {
        if (answer === ran[0]) continue;
        if (answer.status === 409) assert.equal(JSON.parse(answer.text).errors[0].message, 'A request with this Idempotency-Key is still in progress. Try again in a few seconds.');
        else assert.deepEqual([answer.status, answer.headers.get('idempotent-replayed'), answer.text], [201, 'true', ran[0]!.text]);
      }
      assert.equal(JSON.parse((await call('GET', '/endpoints')).text).data.length, 1);
    });

    it('answers 409 while the first request runs, and takes over a key whose request stopped answering 120 s ago', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const call = webhooks(baseUrl, sandbox.client(baseUrl).web);
      const body = { url: `${baseUrl}/hooks` };
      assert.equal((await call('POST', '/endpoints', body, 'stuck')).status, 201);
      // As a request that claimed the key and never finished leaves it.
      await app.db.updateTable('idempotency_records').set({ state: 'running', status: null, body_sealed: null, expires_at: Math.floor(Date.now() / 1000) + 60 }).execute();
      assert.equal((await call('POST', '/endpoints', body, 'stuck')).status, 409);
      await app.db.updateTable('idempotency_records').set({ expires_at: Math.floor(Date.now() / 1000) - 1 }).execute();
      const taken = await call('POST', '/endpoints', body, 'stuck');
      assert.equal(taken.status, 201);
      assert.equal(taken.headers.get('idempotent-replayed'), null);
      assert.equal(JSON.parse((await call('GET', '/endpoints')).text).data.length, 2);
    });

    it('stops replaying after 24 hours, and housekeeping removes the expired record', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const call = webhooks(baseUrl, sandbox.client(baseUrl).web);
      const body = { url: `${baseUrl}/hooks` };
      const first = await call('POST', '/endpoints', body, 'a-day');
      const record = await app.db.selectFrom('idempotency_records').select(['state', 'status', 'expires_at', 'body_sealed']).executeTakeFirstOrThrow();
      assert.equal(record.state, 'done');
      assert.equal(record.status, 201);
      const now = Math.floor(Date.now() / 1000);
      assert.ok(Math.abs(Number(record.expires_at) - (now + 86400)) <= 5, 'kept for a day');
      assert.ok(!record.body_sealed!.includes(JSON.parse(first.text).data.signing_secret), 'the answer is stored sealed');

      // A day has passed.
      await app.db.updateTable('idempotency_records').set({ expires_at: now - 1 }).execute();
      const later = await call('POST', '/endpoints', body, 'a-day');
      assert.equal(later.status, 201);
      assert.equal(later.headers.get('idempotent-replayed'), null);
      assert.notEqual(JSON.parse(later.text).data.id, JSON.parse(first.text).data.id);

      await app.db.updateTable('idempotency_records').set({ expires_at: now - 1 }).execute();
      const housekeeping = startHousekeeping({ db: app.db, log: app.server.log, refreshGraceSeconds: 60 });
      t.after(housekeeping.stop);
      await housekeeping.run();
      assert.equal((await app.db.selectFrom('idempotency_records').select('key_hash').execute()).length, 0);
    });

    it('returns 400 for a key that is empty, too long or not printable ASCII, and stores nothing', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const call = webhooks(baseUrl, sandbox.client(baseUrl).web);
      for (const key of ['', 'k'.repeat(256), 'tab\there']) {
        const answer = await call('POST', '/endpoints', { url: `${baseUrl}/hooks` }, key);
        assert.equal(answer.status, 400, `key ${JSON.stringify(key)}`);
        assert.equal(JSON.parse(answer.text).errors[0].message, 'Invalid Idempotency-Key: use 1 to 255 printable ASCII characters.');
      }
      assert.equal((await call('POST', '/endpoints', { url: `${baseUrl}/hooks` }, 'k'.repeat(255))).status, 201);
      assert.equal((await app.db.selectFrom('idempotency_records').select('key_hash').execute()).length, 1);
      assert.equal(JSON.parse((await call('GET', '/endpoints')).text).data.length, 1);
    });

    it('keeps one application\'s key apart from another\'s', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const web = webhooks(baseUrl, sandbox.client(baseUrl).web);
      const firstParty = webhooks(baseUrl, firstPartyClient(baseUrl));
      assert.equal((await web('POST', '/endpoints', { url: `${baseUrl}/web-hooks` }, 'shared')).status, 201);
      const other = await firstParty('POST', '/endpoints', { url: `${baseUrl}/first-party-hooks` }, 'shared');
      assert.equal(other.status, 201);
      assert.equal(other.headers.get('idempotent-replayed'), null);
    });

    it('POST invite: replays an invitation instead of mailing it twice, and keeps one person\'s key apart from another\'s', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const invite = async (token: string, body: unknown, key: string) => {
        const response = await fetch(`${baseUrl}${apiBase}/invite`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        return { status: response.status, replayed: response.headers.get('idempotent-replayed'), text: await response.text() };
      };
      const mails = async () => ((await (await fetch(`${baseUrl}/dev/mailbox`)).text()).match(/<article class="mail">/g) ?? []).length;
      const alex = await firstPartyToken(baseUrl);
      const nora = await firstPartyToken(baseUrl, { email: sandboxPeople.nora.email });
      const before = await mails();
      const lobby = { email_address: 'guest.one@example.com', door_ids: [compactId(sandboxDoors.lobby.id)] };
      const first = await invite(alex, lobby, 'invite-1');
      assert.equal(first.status, 200, first.text);
      const again = await invite(alex, lobby, 'invite-1');
      assert.deepEqual([again.status, again.replayed, again.text], [200, 'true', first.text]);
      assert.equal(await mails(), before + 1, 'one mail');
      // Nora's same key is hers: her own invitation runs.
      const hers = await invite(nora, { email_address: 'guest.two@example.com', door_ids: [compactId(sandboxDoors.neighborGarage.id)] }, 'invite-1');
      assert.equal(hers.status, 200, hers.text);
      assert.equal(hers.replayed, null);
      assert.equal(await mails(), before + 2);
    });
  });
}

describe('Idempotency-Key helper on a bare route', () => {
  it('returns 400 idempotency_key_required without the header when required, runs with one, and keeps no 5xx answer', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'parqex-idem-'));
    const { db, engine } = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'db.sqlite') });
    await migrateToLatest(db, engine);
    const app = Fastify();
    t.after(async () => {
      await app.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });
    app.setErrorHandler(async (error: Error, _request, reply) => {
      const code = error instanceof DomainError ? error.code : 'unexpected';
      return reply.code(error instanceof DomainError ? codeAnswers[error.code].status : 500).send({ errors: [{ message: error.message, code }] });
    });
    let runs = 0;
    app.post('/bookings', { ...idempotent({ db, box: createBox(randomBytes(32)) }, { required: true, owner: () => ({ clientId: 'c1', personId: 'p1' }) }) }, async (_request, reply) => {
      runs += 1;
      return reply.code(201).send({ booking: runs });
    });
    let attempts = 0;
    app.post('/flaky', { ...idempotent({ db, box: createBox(randomBytes(32)) }, { owner: () => ({ clientId: 'c1', personId: 'p1' }) }) }, async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('the provider failed');
      return { attempt: attempts };
    });
    const missing = await app.inject({ method: 'POST', url: '/bookings', payload: {} });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().errors[0].code, 'idempotency_key_required');
    assert.equal(runs, 0);
    const first = await app.inject({ method: 'POST', url: '/bookings', payload: {}, headers: { 'idempotency-key': 'K1' } });
    const again = await app.inject({ method: 'POST', url: '/bookings', payload: {}, headers: { 'idempotency-key': 'K1' } });
    assert.deepEqual([first.statusCode, first.json()], [201, { booking: 1 }]);
    assert.deepEqual([again.statusCode, again.headers['idempotent-replayed'], again.json()], [201, 'true', { booking: 1 }]);
    assert.equal(runs, 1);

    // A 5xx is not kept: the retry runs again.
    const failed = await app.inject({ method: 'POST', url: '/flaky', payload: {}, headers: { 'idempotency-key': 'K2' } });
    assert.equal(failed.statusCode, 500);
    const retried = await app.inject({ method: 'POST', url: '/flaky', payload: {}, headers: { 'idempotency-key': 'K2' } });
    assert.deepEqual([retried.statusCode, retried.headers['idempotent-replayed'], retried.json()], [200, undefined, { attempt: 2 }]);
  });
});
