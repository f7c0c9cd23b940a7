// One query layer, two engines: node:sqlite for the embedded default,
// PostgreSQL (pg) when DATABASE_URL is set.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

export type Engine = 'sqlite' | 'postgres';

export interface StoreOptions {
  databaseUrl: string | undefined;
  sqlitePath: string;
}

export function openDatabase(options: StoreOptions): { db: Kysely<Database>; engine: Engine } {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      // Epoch timestamps live in bigint columns; they fit a JS number exactly.
      types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) },
    });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), engine: 'postgres' };
  }
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true });
  const sqlite = new DatabaseSync(options.sqlitePath, { timeout: 5000 });
  sqlite.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: asKyselySqlite(sqlite) }) }), engine: 'sqlite' };
}

/** Kysely's SQLite dialect speaks the better-sqlite3 interface; node:sqlite differs only in argument spreading. */
function asKyselySqlite(sqlite: DatabaseSync): SqliteDatabase {
  // Kysely prepares every query it runs; the same few hundred SQL texts come back on every request.
  const statements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached) return cached;
      const statement = sqlite.prepare(sql);
      const prepared = {
        reader: statement.columns().length > 0,
        all: (parameters: readonly unknown[]) => statement.all(...(parameters as never[])),
        run: (parameters: readonly unknown[]) => statement.run(...(parameters as never[])),
        iterate: (parameters: readonly unknown[]) => statement.iterate(...(parameters as never[])),
      };
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statements.set(sql, prepared);
      return prepared;
    },
  };
}

const STATEMENT_CACHE_SIZE = 1000;
