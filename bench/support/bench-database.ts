// A database of its own for the figures on generated data: a data dir (SQLite)
// or a fresh PostgreSQL schema, with the secrets the server and `parqex`
// commands share, so `parqex seed` and `parqex bench-data` fill what the
// server then serves.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresUrl } from '../../test/helpers/build-app.ts';
import { baseEnv, repoRoot } from '../../test/helpers/cli.ts';

export interface BenchDatabase {
  /** Environment entries for the server process (PARQEX_DATA_DIR, secrets, DATABASE_URL). */
  env: Record<string, string>;
  /** Runs `parqex ...args` on this database; its output, parsed when JSON (`--json`). */
  parqex(args: string[]): Promise<Record<string, unknown>>;
  drop(): Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parqex-bench-'));
  const postgres = process.env.DATABASE_URL ? await freshPostgresUrl() : undefined;
  const env: Record<string, string> = {
    PARQEX_DATA_DIR: dataDir,
    PARQEX_COOKIE_SECRETS: randomBytes(32).toString('base64url'),
    PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  };
  return {
    env,
    async parqex(args) {
      const child = spawn(process.execPath, ['src/main.ts', ...args], { cwd: repoRoot, env: { ...baseEnv(), ...env } as Record<string, string>, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
      const code = await new Promise((resolve) => child.once('exit', resolve));
      if (code !== 0) throw new Error(`parqex ${args.join(' ')} exited with ${code}`);
      return out.trim().startsWith('{') ? JSON.parse(out) as Record<string, unknown> : {};
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      await postgres?.drop();
    },
  };
}
