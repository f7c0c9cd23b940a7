// Drives the real `parqex` command as a child process, against SQLite in a
// fresh data dir per test.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const production = { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://api.example.com' };
const noStackTrace = /at .*\.ts:\d+/;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Cli {
  dataDir: string;
  /** Runs `parqex ...args`; `env` entries set to undefined are removed. */
  run(args: string[], env?: Record<string, string | undefined>): Run;
  /** Runs with `--json`, asserts exit 0 and an empty stderr, and parses stdout. */
  json<T = Record<string, unknown>>(args: string[], env?: Record<string, string | undefined>): T;
}

/** The parent's environment without any setting that would change what the child does. */
export function baseEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('PARQEX_') || name.startsWith('NODE_TEST') || name.startsWith('MQTT_')
      || ['DATABASE_URL', 'PORT', 'HOST', 'LOG_LEVEL'].includes(name)) delete env[name];
  }
  return env;
}

function childEnv(overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = { ...baseEnv(), ...overrides };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env as Record<string, string>;
}

export function cli(t: TestContext): Cli {
  const dataDir = mkdtempSync(join(tmpdir(), 'parqex-cli-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const secrets = { PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url'), PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  const run = (args: string[], overrides: Record<string, string | undefined> = {}): Run => {
    const env = childEnv({ PARQEX_DATA_DIR: dataDir, ...secrets, PARQEX_SANDBOX: 'false', ...overrides });
    const result = spawnSync(process.execPath, ['src/main.ts', ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 30_000 });
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const json = <T>(args: string[], overrides?: Record<string, string | undefined>): T => {
    const result = run([...args, '--json'], overrides);
    assert.equal(result.status, 0, `parqex ${args.join(' ')} failed: ${result.stderr}`);
    assert.equal(result.stderr, '');
    return JSON.parse(result.stdout) as T;
  };
  return { dataDir, run, json };
}

/** A long-running `parqex` (simulate): its output so far, and a way to stop it and learn its exit code. */
export interface Background {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

export function runInBackground(t: TestContext, args: string[], overrides: Record<string, string | undefined>): Background {
  const child = spawn(process.execPath, ['src/main.ts', ...args], { cwd: repoRoot, env: childEnv(overrides) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Asserts a refusal: the exit code, a one-line message on stderr, no stack trace, nothing on stdout. */
export function assertRefused(result: Run, status: number, message?: RegExp): void {
  assert.equal(result.status, status, `expected exit ${status}, got ${result.status}; stderr: ${result.stderr}`);
  assert.match(result.stderr, /^parqex: /);
  if (message) assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, noStackTrace);
  assert.equal(result.stdout, '');
}

/** Every byte SQLite wrote for the data dir: the database and its WAL, if any. */
export function databaseBytes(dataDir: string): Buffer {
  const file = join(dataDir, 'parqex.sqlite');
  assert.ok(existsSync(file), 'the SQLite database was created in the data dir');
  const parts = [readFileSync(file)];
  if (existsSync(`${file}-wal`)) parts.push(readFileSync(`${file}-wal`));
  return Buffer.concat(parts);
}
