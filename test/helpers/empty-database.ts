// An empty database of the engine, unmigrated, removed when the test ends:
// for tests of migrations and of the store below the repositories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openDatabase } from '../../src/store/dialect.ts';
import { freshPostgresUrl } from './build-app.ts';

export async function emptyDatabase(t: TestContext, engine: 'sqlite' | 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-empty-'));
  const postgres = engine === 'postgres' ? await freshPostgresUrl() : undefined;
  const opened = openDatabase({ databaseUrl: postgres?.url, sqlitePath: join(dir, 'db.sqlite') });
  t.after(async () => {
    await opened.db.destroy();
    rmSync(dir, { recursive: true, force: true });
    await postgres?.drop();
  });
  return opened;
}
