// SQLite transactions across processes (phase2.md A.4, acceptance A.3): every
// transaction takes the write lock when it begins, so a read-then-write in one
// process never fails because another process wrote in between; a lock held
// past the busy timeout is a 503 with Retry-After, not a 500.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { openDatabase } from '../../src/store/dialect.ts';
import { flashCookieOf, signedInBrowser } from '../helpers/account-page.ts';
import { startServer } from '../helpers/build-app.ts';
import { csrfToken } from '../helpers/browser.ts';
import { baseEnv, repoRoot } from '../helpers/cli.ts';
import { sandbox } from '../helpers/oauth.ts';
import { basic, webhooksApi } from '../helpers/webhooks-api.ts';

const writer = join(repoRoot, 'test', 'helpers', 'sqlite-writer.ts');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child process; `started` resolves once it printed `line` (when given). */
function child(t: TestContext, args: string[], env: NodeJS.ProcessEnv = process.env, line?: string) {
  const process_ = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (process_.exitCode === null) process_.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  let signal: () => void = () => undefined;
  const started = new Promise<void>((resolve) => { signal = resolve; });
  process_.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (line && stdout.includes(line)) signal();
  });
  process_.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<Exit>((resolve) => process_.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { started, exited };
}

describe('SQLite transactions across processes', () => {
  it('counts to 100 when two processes each run 50 read-then-increment transactions on one file', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'parqex-sqlite-tx-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'counter.sqlite');
    const { db } = openDatabase({ databaseUrl: undefined, sqlitePath: file });
    await sql`create table test_counter (id integer primary key, n integer not null)`.execute(db);
    await sql`insert into test_counter (id, n) values (1, 0)`.execute(db);

    // Both start at the same instant, after their imports.
    const startAt = String(Date.now() + 3000);
    const runs = [1, 2].map(() => child(t, [writer, 'counter', file, '50', startAt]).exited);
    for (const run of await Promise.all(runs)) {
      assert.equal(run.code, 0, `a writer failed: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /database is locked/);
    }
    const { rows } = await sql<{ n: number }>`select n from test_counter where id = 1`.execute(db);
    assert.equal(rows[0]!.n, 100);
    await db.destroy();
  });

  it('answers an API write 503 with Retry-After: 1 while another process holds the write lock past the busy timeout', async (t) => {
    const server = await startServer(t, 'sqlite');
    // node:sqlite waits out the busy timeout (5 s) synchronously: a background loop's write may wait
    // first and the request's after it, so the lock is held past two timeouts, not one.
    const holder = child(t, [writer, 'hold', server.app.config.sqlitePath, '12000'], process.env, 'locked');
    await holder.started;
    const client = sandbox.client(server.baseUrl).web;
    const call = webhooksApi(server.baseUrl, basic(client.client_id, client.client_secret));
    const answer = await call('POST', '/endpoints', { url: `${server.baseUrl}/hooks` });
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get('retry-after'), '1');
    assert.equal(typeof answer.body.errors[0].message, 'string');
    assert.equal((await holder.exited).code, 0);
    // Once the lock is let go, the same write goes through.
    assert.equal((await call('POST', '/endpoints', { url: `${server.baseUrl}/hooks` })).status, 201);
  });

  it('never fails with "database is locked" when CLI writes collide with the server\'s read-then-write transactions', async (t) => {
    const server = await startServer(t, 'sqlite');
    // The server side: the Settings page's preferences form, a transaction that reads the settings, then writes them.
    const browser = await signedInBrowser(server.baseUrl, sandboxPeople.alex.email);
    const csrf = csrfToken((await browser.request('/account/settings')).body);
    // Every form answers 303, a refusal too: what it did rides in the flash cookie.
    const answers: string[] = [];
    let cliDone = false;
    const poster = async () => {
      for (let i = 0; !cliDone; i += 1) {
        const tone = i % 2 === 0 ? 'chime' : 'bell';
        const answer = await browser.request('/account/settings/preferences', { form: { _csrf: csrf, notifications: 'on', tone, time_zone: 'America/New_York', share_pin: 'on' } });
        const flash = flashCookieOf(answer);
        answers.push(answer.status === 303 && answer.location === '/account/settings' && flash?.info === 'Settings saved.' && flash.error === undefined ? 'saved' : `${answer.status} ${JSON.stringify(flash)}`);
      }
    };
    const posters = Array.from({ length: 6 }, poster);

    // The CLI side: `parqex clients create`, a real write of another process on the same file, again and again.
    const env = { ...baseEnv(), PARQEX_DATA_DIR: server.app.config.dataDir, PARQEX_SANDBOX: 'false', PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url'), PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const cliRuns: Exit[] = [];
    const cliLane = async (lane: number) => {
      for (let i = 0; i < 6; i += 1) {
        const args = ['src/main.ts', 'clients', 'create', '--name', `Collider ${lane}.${i}`, '--redirect-uri', 'https://example.com/callback', '--json'];
        cliRuns.push(await child(t, args, env).exited);
      }
    };
    await Promise.all([cliLane(1), cliLane(2), cliLane(3)]);
    cliDone = true;
    await Promise.all(posters);

    for (const run of cliRuns) assert.equal(run.code, 0, `parqex clients create failed: ${run.stderr}`);
    const refused = answers.filter((outcome) => outcome !== 'saved');
    assert.ok(answers.length > 50, `the server wrote ${answers.length} times`);
    assert.deepEqual(refused, [], `${refused.length} of ${answers.length} settings writes failed`);
    assert.doesNotMatch(server.logs(), /database is locked/);
  });
});
