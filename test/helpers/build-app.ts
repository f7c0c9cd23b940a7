// Starts the real server on a free loopback port, against SQLite (always) or
// PostgreSQL (when DATABASE_URL is set, in a schema of its own), and closes it
// when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Engine } from '../../src/store/dialect.ts';

export function engines(): Engine[] {
  return process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export const postgresSkipReason = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set; PostgreSQL cases run in CI';

export interface TestServer {
  app: App;
  baseUrl: string;
  /** Everything the server logged so far. */
  logs(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function onPostgres(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL! });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL URL whose connections use a fresh schema, so suites never share rows. */
export async function freshPostgresUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await onPostgres(`create schema ${schema}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  // Dropped at the end even in CI: every schema left behind is more catalog for
  // the suites still running to share.
  return { url: url.toString(), drop: () => onPostgres(`drop schema if exists ${schema} cascade`) };
}

export async function testEnv(engine: Engine, overrides: Record<string, string> = {}): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parqex-test-'));
  const port = await freePort();
  const postgres = engine === 'postgres' && !overrides.DATABASE_URL ? await freshPostgresUrl() : undefined;
  const env: Record<string, string> = {
    PORT: String(port),
    PARQEX_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PARQEX_DATA_DIR: dataDir,
    PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url'),
    PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    // A broker of its own on a free port; suites start the simulated controllers they need.
    MQTT_PORT: '0',
    PARQEX_SIMULATOR: 'false',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...overrides,
  };
  return {
    env,
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await postgres?.drop();
    },
  };
}

export async function startServer(t: TestContext, engine: Engine, overrides: Record<string, string> = {}): Promise<TestServer> {
  // A free port can be taken by another suite between the probe and the listen: draw again.
  for (let attempt = 1; ; attempt += 1) {
    const { env, cleanup } = await testEnv(engine, overrides);
    try {
      const server = await startServerOnEnv(env);
      t.after(async () => {
        await server.close();
        await cleanup();
      });
      return server;
    } catch (error) {
      await cleanup();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || overrides.PORT !== undefined || attempt === 5) throw error;
    }
  }
}

/** A server on an environment from `testEnv`, closed by the caller: tests that restart a server on the same data. */
export async function startServerOnEnv(env: Record<string, string>): Promise<TestServer & { close(): Promise<void> }> {
  const config = loadConfig(env);
  let captured = '';
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      captured += chunk.toString();
      done();
    },
  });
  const app = await buildApp(config, { logStream });
  await app.server.listen({ host: '127.0.0.1', port: config.port }).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  let closed: Promise<void> | undefined;
  return { app, baseUrl: config.publicUrl, logs: () => captured, close: () => (closed ??= app.close()) };
}
