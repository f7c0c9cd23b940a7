import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../store/database.ts';
import { openDatabase, type Engine } from '../store/dialect.ts';
import { migrateToLatest } from '../store/migrate.ts';

/** Runs one CLI command's work on a migrated database, and closes it whatever happens. */
export async function withDatabase(config: Config, work: (db: Kysely<Database>, engine: Engine) => Promise<void>): Promise<number> {
  const { db, engine } = openDatabase(config);
  try {
    await migrateToLatest(db, engine);
    await work(db, engine);
    return 0;
  } finally {
    await db.destroy();
  }
}
