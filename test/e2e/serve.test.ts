// `parqex serve` as a real process: what `npm start` runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { freePort } from '../helpers/build-app.ts';
import { sandboxTokens } from '../helpers/oauth.ts';
import { sandboxDoors } from '../../src/sandbox/seed.ts';

const root = new URL('../../', import.meta.url).pathname;

function baseEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PARQEX_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.PARQEX_ENV;
  return env;
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts the server and resolves with everything it printed once the banner is out. */
function serve(t: TestContext, env: NodeJS.ProcessEnv): Promise<{ output: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['src/main.ts', 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner after 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('OpenAPI:')) {
        clearTimeout(timer);
        resolve({ output, stop: async () => { child.kill('SIGTERM'); return exited; } });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${output}`)); });
  });
}

describe('parqex serve', () => {
  it('starts on a fresh data directory with the sandbox, prints how to use it, answers, and stops on SIGTERM', async (t) => {
    const port = await freePort();
    const server = await serve(t, baseEnv(tempDir(t), port));
    assert.match(server.output, /client_id\s+100000000000000001\.localhost/);
    assert.match(server.output, /client_secret\s+parqex-sandbox-client-secret-0001/);
    assert.match(server.output, /alex\.admin@sandbox\.parqex\.test/);
    assert.match(server.output, new RegExp(`http://localhost:${port}/oauth/v2/endpoints/authorization/\\?response_type=code`));
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.deepEqual(await ready.json(), { status: 'ok' });
    // The sandbox controllers run in the simulator: a toggle really reaches one and is acknowledged.
    const base = `http://localhost:${port}`;
    const { access_token } = await sandboxTokens(base);
    const toggled = await fetch(`${base}/oauth/v1/endpoints/toggle`, {
      method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ door_id: sandboxDoors.lobby.id, door_state: 'OPEN' }),
    });
    assert.equal(toggled.status, 200, await toggled.clone().text());
    assert.equal((await toggled.json() as { message: string }).message, '200');
    assert.equal(await server.stop(), 0);
  });

  it('explains a taken port in one line, naming PORT', async (t) => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const { port } = blocker.address() as { port: number };
    const result = spawnSync(process.execPath, ['src/main.ts', 'serve'], { cwd: root, env: baseEnv(tempDir(t), port), encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`port ${port} .* already in use; set PORT`));
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('refuses to start in production while the database holds sandbox people', async (t) => {
    const dir = tempDir(t);
    const seeded = spawnSync(process.execPath, ['src/main.ts', 'seed'], { cwd: root, env: baseEnv(dir, 1), encoding: 'utf8' });
    assert.equal(seeded.status, 0, seeded.stderr);
    const env = {
      ...baseEnv(dir, await freePort()),
      PARQEX_ENV: 'production',
      PARQEX_PUBLIC_URL: 'https://parqex.example.com',
      PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url'),
      PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HOST: '127.0.0.1',
    };
    const result = spawnSync(process.execPath, ['src/main.ts', 'serve'], { cwd: root, env, encoding: 'utf8', timeout: 20_000 });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /refusing to start in production: the database holds sandbox data/);
  });

  it('refuses to start in production without its secrets, listing each missing one', async (t) => {
    const env = { ...baseEnv(tempDir(t), 1), PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://parqex.example.com' };
    const result = spawnSync(process.execPath, ['src/main.ts', 'serve'], { cwd: root, env, encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /PARQEX_COOKIE_SECRETS: required in production/);
    assert.match(result.stderr, /PARQEX_ENCRYPTION_KEY: required in production/);
  });
});
