// A migrated, seeded sandbox database without the HTTP server, for rules
// tested on their own (test/access/). SQLite in a temporary directory, or
// PostgreSQL in a fresh schema; removed when the test ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { seedSandbox } from '../../src/sandbox/seed.ts';
import { createBox, deriveKey } from '../../src/security/encryption.ts';
import type { Database } from '../../src/store/database.ts';
import { openDatabase, type Engine } from '../../src/store/dialect.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { freshPostgresUrl } from './build-app.ts';

export async function sandboxDatabase(t: TestContext, engine: Engine = 'sqlite'): Promise<Kysely<Database>> {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-db-'));
  const postgres = engine === 'postgres' ? await freshPostgresUrl() : undefined;
  const { db } = openDatabase({ databaseUrl: postgres?.url, sqlitePath: join(dir, 'parqex.sqlite') });
  t.after(async () => {
    await db.destroy();
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  await migrateToLatest(db, engine);
  const key = randomBytes(32);
  await seedSandbox(db, { apiHost: 'localhost', production: false }, { db, box: createBox(key), pinKey: deriveKey(key, 'pin lookup') });
  return db;
}
