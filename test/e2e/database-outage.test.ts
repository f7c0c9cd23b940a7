// The database going away under a running server: cut (every connection
// dropped, new ones refused) and frozen (nothing answers, nothing closes).
// The short version of test/chaos/postgres-outage.chaos.ts.
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import pg from 'pg';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { Browser } from '../helpers/browser.ts';
import { postgresSkipReason, startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { authorizationQuery, authorize, postToken, sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { brokerAnswers, serverBehindProxy, timed } from '../helpers/postgres-proxy.ts';

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('PostgreSQL outage [postgres]', { skip: postgresSkipReason }, () => {
  it('answers 503 with Retry-After in each surface\'s shape while the database is cut, stays up, and recovers by itself', async (t) => {
    const { baseUrl, app, proxy, logs } = await serverBehindProxy(t);
    const client = sandbox.client(baseUrl).web;
    const tokens = await sandboxTokens(baseUrl);
    const browser = new Browser(baseUrl);
    await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const refresh = () => postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id, client_secret: client.client_secret });
    assert.equal((await get(`${baseUrl}/readyz`)).status, 200);

    proxy.cut();

    const api = await timed(() => get(`${baseUrl}/oauth/v1/endpoints/user-info`, bearer));
    assert.equal(api.value.status, 503, api.value.text);
    assert.ok(Number(api.value.headers.get('retry-after')) > 0);
    assert.equal(JSON.parse(api.value.text).errors.length, 1);
    assert.equal(typeof JSON.parse(api.value.text).errors[0].message, 'string');
    assert.ok(api.ms < 3000, `API answered in ${api.ms} ms`);

    const token = await timed(refresh);
    assert.equal(token.value.status, 503, JSON.stringify(token.value.body));
    assert.equal(token.value.body.error, 'temporarily_unavailable');
    assert.ok(Number(token.value.headers.get('retry-after')) > 0);
    assert.ok(token.ms < 3000, `token endpoint answered in ${token.ms} ms`);

    const page = await timed(() => browser.request('/account'));
    assert.equal(page.value.status, 503);
    assert.match(page.value.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.value.body, /temporarily unavailable/i);
    assert.ok(Number(page.value.headers.get('retry-after')) > 0);
    assert.ok(page.ms < 3000, `page answered in ${page.ms} ms`);

    // The authorization request, a browser step: the provider's error page, not a redirect it cannot check.
    const authorization = await timed(() => get(`${baseUrl}/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`, { accept: 'text/html' }));
    assert.equal(authorization.value.status, 503, authorization.value.text.slice(0, 300));
    assert.match(authorization.value.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(authorization.value.text, /temporarily_unavailable/);
    assert.ok(Number(authorization.value.headers.get('retry-after')) > 0);
    assert.ok(authorization.ms < 3000, `authorization answered in ${authorization.ms} ms`);

    const ready = await get(`${baseUrl}/readyz`);
    assert.equal(ready.status, 503);
    assert.ok(await brokerAnswers(app.brokerUrl), 'the embedded broker answers');
    assert.match(logs(), /controller sign-in not checked: the database did not answer/);

    proxy.restore();
    await until(async () => (await get(`${baseUrl}/readyz`)).status === 200, 15_000);
    assert.equal((await get(`${baseUrl}/oauth/v1/endpoints/user-info`, bearer)).status, 200);
    const renewed = await refresh();
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    const account = await browser.request('/account');
    assert.equal(account.status, 200);
    assert.ok(account.body.includes(sandboxPeople.alex.first_name));
  });

  it('survives pg_terminate_backend of every connection it holds, idle or busy', async (t) => {
    const { baseUrl, applicationName } = await serverBehindProxy(t);
    const tokens = await sandboxTokens(baseUrl);
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    // Fill the pool with connections, then end them all from the server side.
    await Promise.all(Array.from({ length: 12 }, () => get(`${baseUrl}/oauth/v1/endpoints/user-info`, bearer)));
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    t.after(() => admin.end());
    const inFlight = Promise.all(Array.from({ length: 6 }, () => get(`${baseUrl}/oauth/v1/endpoints/user-info`, bearer)));
    const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [applicationName]);
    assert.ok((rowCount ?? 0) > 0, 'some connections were terminated');
    for (const answer of await inFlight) assert.ok([200, 503].includes(answer.status), `answered ${answer.status}: ${answer.text}`);

    await until(async () => (await get(`${baseUrl}/readyz`)).status === 200, 15_000);
    assert.equal((await get(`${baseUrl}/oauth/v1/endpoints/user-info`, bearer)).status, 200);
  });

  it('answers while the database is frozen: /readyz 503 at once, a toggle by its deadline', async (t) => {
    const { baseUrl, app, proxy } = await serverBehindProxy(t, { PARQEX_TOGGLE_DEADLINE_MS: '1500' });
    await sandboxController(t, app, 'a');
    const tokens = await sandboxTokens(baseUrl);

    proxy.freeze();

    const ready = await timed(() => get(`${baseUrl}/readyz`));
    assert.equal(ready.value.status, 503);
    // Its own timeout is 1 s; the rest is room for a loaded machine.
    assert.ok(ready.ms < 2000, `/readyz answered in ${ready.ms} ms`);

    const toggle = await timed(() => fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ door_id: compactId(sandboxDoors.garage.id), door_state: 'OPEN' }),
    }));
    const body = await toggle.value.json() as { success: boolean; message: string };
    assert.ok([503, 504].includes(toggle.value.status), `toggle answered ${toggle.value.status}`);
    assert.equal(body.success, false);
    assert.ok(toggle.ms < 1500 + 250, `toggle answered in ${toggle.ms} ms`);

    proxy.restore();
    await until(async () => (await get(`${baseUrl}/readyz`)).status === 200, 15_000);
  });
});

describe('a toggle carried out while the database is away [postgres]', { skip: postgresSkipReason }, () => {
  it('answers 503 by its deadline, and records the success once the database is back', async (t) => {
    const { baseUrl, app, proxy } = await serverBehindProxy(t, { PARQEX_TOGGLE_DEADLINE_MS: '4000' });
    const controller = await sandboxController(t, app, 'a');
    const tokens = await sandboxTokens(baseUrl);
    // The controller takes its time: the database goes away between the command and its ack.
    controller.failures.slowMs = 1500;
    const executed: string[] = [];
    controller.onCommand = (command, ack, repeated) => {
      if (!repeated && ack.result === 'ok') executed.push(command.command_id);
    };
    const answer = timed(() => fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ door_id: compactId(sandboxDoors.garage.id), door_state: 'OPEN' }),
    }));
    const pending = async () => app.db.selectFrom('door_commands').select('id').where('door_id', '=', sandboxDoors.garage.id).where('status', '=', 'pending').executeTakeFirst();
    await until(async () => (await pending()) !== undefined);
    const toggleId = (await pending())!.id;
    proxy.cut();

    const { ms, value } = await answer;
    assert.equal(value.status, 503, await value.clone().text());
    assert.equal((await value.json() as { success: boolean }).success, false);
    assert.ok(ms < 4000 + 250, `answered in ${ms} ms`);
    assert.deepEqual(executed, [toggleId], 'the controller carried it out');

    proxy.restore();
    await until(async () => (await app.db.selectFrom('door_commands').select('status').where('id', '=', toggleId).executeTakeFirst().catch(() => undefined))?.status === 'succeeded', 15_000);
    const history = await app.db.selectFrom('access_events').select(['was_success', 'door_state']).where('door_id', '=', sandboxDoors.garage.id).where('person_id', '=', sandboxPeople.alex.id).execute();
    assert.deepEqual(history.map((row) => [row.was_success, row.door_state]), [[1, 'OPEN']]);
  });
});

describe('SQLite locked past its wait [sqlite]', () => {
  it('answers 503 with Retry-After: 1 (store_busy) in the API envelope, then 200 once the lock is gone', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const tokens = await sandboxTokens(baseUrl);
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    // Another writer (a CLI command, say) holds the write lock longer than the server's 5 s wait.
    const other = new DatabaseSync(app.config.sqlitePath);
    t.after(() => other.close());
    other.exec('begin immediate');
    // A token's first use records it (authorizations.last_used_at): a write.
    const locked = await get(`${baseUrl}/oauth/v1/endpoints/user-info`, bearer);
    other.exec('rollback');
    assert.equal(locked.status, 503, locked.text);
    assert.equal(locked.headers.get('retry-after'), '1');
    assert.equal(JSON.parse(locked.text).errors.length, 1);
    assert.equal((await get(`${baseUrl}/oauth/v1/endpoints/user-info`, bearer)).status, 200);
  });
});
