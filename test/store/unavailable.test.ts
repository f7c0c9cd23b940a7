// The one question every edge asks of an error: is this the store being
// unavailable? Asked of real errors, made by the real drivers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { DomainError } from '../../src/access/errors.ts';
import { StoreUnavailable, storeFailure } from '../../src/store/unavailable.ts';
import { freePort, postgresSkipReason } from '../helpers/build-app.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  assert.fail('expected a failure');
}

/** A client of the test database through a proxy the test can break. */
async function proxiedClient(t: TestContext, config: pg.ClientConfig = {}) {
  const target = new URL(process.env.DATABASE_URL!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  t.after(() => proxy.close());
  const url = new URL(target);
  url.host = `127.0.0.1:${proxy.port}`;
  const client = new pg.Client({ connectionString: url.toString(), ...config });
  client.on('error', () => undefined);
  await client.connect();
  t.after(() => client.end().catch(() => undefined));
  return { client, proxy };
}

describe('store failure classification', () => {
  it('calls SQLite\'s "database is locked" past the busy timeout busy, with Retry-After 1', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'parqex-busy-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const holder = new DatabaseSync(join(dir, 'db.sqlite'));
    const waiter = new DatabaseSync(join(dir, 'db.sqlite'), { timeout: 20 });
    t.after(() => {
      holder.close();
      waiter.close();
    });
    holder.exec('create table t (x integer); begin immediate; insert into t values (1);');
    let error: unknown;
    try {
      waiter.exec('begin immediate');
    } catch (caught) {
      error = caught;
    }
    assert.deepEqual(storeFailure(error), { kind: 'busy', retryAfterSeconds: 1 });
  });

  it('calls a refused connection unavailable, with Retry-After 5', async () => {
    const port = await freePort();
    const error = await rejection(() => new pg.Client({ host: '127.0.0.1', port, user: 'x', database: 'x' }).connect());
    assert.equal((error as { code?: string }).code, 'ECONNREFUSED');
    assert.deepEqual(storeFailure(error), { kind: 'unavailable', retryAfterSeconds: 5 });
  });

  it('calls a give-up of our own (readiness, toggle deadline) unavailable', () => {
    assert.equal(storeFailure(new StoreUnavailable('no answer within 1000 ms'))?.kind, 'unavailable');
  });

  it('does not call bugs, refusals or domain errors store failures', () => {
    for (const error of [new TypeError('x is undefined'), new DomainError('not_found', 'No such door.'), new Error('boom'), undefined, 'ECONNRESET', { code: 'ECONNRESET' }]) {
      assert.equal(storeFailure(error), undefined, String(error));
    }
  });

  it('calls SQLite\'s other errors (a constraint) not a store failure', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('create table t (x integer primary key)');
    db.exec('insert into t values (1)');
    let error: unknown;
    try {
      db.exec('insert into t values (1)');
    } catch (caught) {
      error = caught;
    }
    db.close();
    assert.ok(error);
    assert.equal(storeFailure(error), undefined);
  });

  describe('[postgres]', { skip: postgresSkipReason }, () => {
    it('calls a connection dropped under a query unavailable', async (t) => {
      const { client, proxy } = await proxiedClient(t);
      const query = client.query('select pg_sleep(2)');
      setTimeout(() => proxy.cut(), 100);
      const error = await rejection(() => query);
      assert.match((error as Error).message, /Connection terminated/);
      assert.equal(storeFailure(error)?.kind, 'unavailable');
      // And the client is no longer queryable: that is a store failure too.
      assert.equal(storeFailure(await rejection(() => client.query('select 1')))?.kind, 'unavailable');
    });

    it('calls no answer on a frozen connection (query_timeout) unavailable', async (t) => {
      const { client, proxy } = await proxiedClient(t, { query_timeout: 200 });
      proxy.freeze();
      const error = await rejection(() => client.query('select 1'));
      assert.equal((error as Error).message, 'Query read timeout');
      assert.equal(storeFailure(error)?.kind, 'unavailable');
      proxy.restore();
    });

    it('calls a connect timeout and a pool checkout timeout unavailable', async (t) => {
      const target = new URL(process.env.DATABASE_URL!);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      t.after(() => proxy.close());
      proxy.freeze();
      const frozen = { host: '127.0.0.1', port: proxy.port, user: 'postgres', database: 'test', connectionTimeoutMillis: 200 };
      const connect = await rejection(() => new pg.Client(frozen).connect());
      assert.equal(storeFailure(connect)?.kind, 'unavailable', (connect as Error).message);
      const frozenPool = new pg.Pool(frozen);
      t.after(() => frozenPool.end());
      const poolConnect = await rejection(() => frozenPool.connect());
      assert.equal(storeFailure(poolConnect)?.kind, 'unavailable', (poolConnect as Error).message);

      const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1, connectionTimeoutMillis: 200 });
      t.after(() => pool.end());
      const held = await pool.connect();
      const checkout = await rejection(() => pool.connect());
      held.release();
      assert.equal((checkout as Error).message, 'timeout exceeded when trying to connect');
      assert.equal(storeFailure(checkout)?.kind, 'unavailable');
    });

    it('calls a statement timeout (57014) busy', async (t) => {
      const { client } = await proxiedClient(t, { statement_timeout: 100 });
      const timedOut = await rejection(() => client.query('select pg_sleep(2)'));
      assert.equal((timedOut as { code?: string }).code, '57014');
      assert.equal(storeFailure(timedOut)?.kind, 'busy');
    });

    it('calls pg_terminate_backend (57P01) unavailable', async (t) => {
      const { client } = await proxiedClient(t);
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const terminated = rejection(() => client.query('select pg_sleep(2)'));
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
      const error = await terminated;
      assert.equal(storeFailure(error)?.kind, 'unavailable', `${(error as { code?: string }).code} ${(error as Error).message}`);
    });

    it('does not call a syntax error or a division by zero a store failure', async (t) => {
      const { client } = await proxiedClient(t);
      assert.equal(storeFailure(await rejection(() => client.query('selec 1'))), undefined);
      assert.equal(storeFailure(await rejection(() => client.query('select 1/0'))), undefined);
    });
  });
});
