// One query layer, two engines: node:sqlite for the embedded default,
// PostgreSQL (pg) when DATABASE_URL is set.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type PostgresPool, type PostgresPoolClient, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import type { Database } from './database.ts';
import { OwnSchemaPostgresDialect } from './own-schema-introspector.ts';
import { statementName } from './prepared.ts';
import { storeFailure } from './unavailable.ts';
import { BACKSTOP_PAGES, startCheckpointer, type Checkpointer } from './wal-checkpointer.ts';

export type Engine = 'sqlite' | 'postgres';

export interface StoreOptions {
  databaseUrl: string | undefined;
  sqlitePath: string;
  database?: {
    /** Connecting, and waiting for a free connection of the pool. */
    connectTimeoutMs: number;
    /** One statement, on the server and (a little later) on the client. */
    statementTimeoutMs: number;
  };
  /** A connection the pool held idle failed (the database restarted, the network dropped it); it is discarded. */
  onIdleConnectionError?: (error: Error) => void;
}

const defaultTimeouts = { connectTimeoutMs: 2000, statementTimeoutMs: 5000 };
// The server cancels a slow statement first; the client gives up only when no answer comes at all.
const CLIENT_GRACE_MS = 500;

export function openDatabase(options: StoreOptions): { db: Kysely<Database>; engine: Engine } {
  if (options.databaseUrl) {
    const timeouts = options.database ?? defaultTimeouts;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      statement_timeout: timeouts.statementTimeoutMs,
      // A frozen network delivers no server-side timeout: only the client's own clock ends the wait.
      query_timeout: timeouts.statementTimeoutMs + CLIENT_GRACE_MS,
      // A transaction whose client vanished without a reset must not hold its row locks for good.
      idle_in_transaction_session_timeout: timeouts.statementTimeoutMs * 2,
      keepAlive: true,
      // Epoch timestamps live in bigint columns; they fit a JS number exactly.
      types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) },
    });
    // Without a listener, an idle connection that drops is an uncaught 'error' that ends the process.
    pool.on('error', (error) => options.onIdleConnectionError?.(error));
    // A connection in use that drops between two queries: its next query fails and says so.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return { db: new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool: discardingFailedConnections(pool) }) }), engine: 'postgres' };
  }
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true });
  const sqlite = new DatabaseSync(options.sqlitePath, { timeout: 5000 });
  sqlite.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
  // Reads come from the OS page cache through a mapping instead of a copy per page, and a
  // larger page cache keeps hot indexes (tokens, doors, history) in memory: every statement
  // here runs on the event loop, so its time is the server's time.
  sqlite.exec('PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;');
  const checkpointer = options.sqlitePath === ':memory:' ? undefined : startCheckpointer(options.sqlitePath);
  if (checkpointer) sqlite.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES};`);
  return { db: new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: asKyselySqlite(sqlite, checkpointer) }) }), engine: 'sqlite' };
}

/**
 * A connection whose query failed for want of the database (a read timeout
 * above all, which pg leaves the connection waiting for a late answer) is not
 * given back to the pool but closed, and its later queries (a transaction's
 * rollback) fail at once instead of queueing behind the lost one.
 */
function discardingFailedConnections(pool: pg.Pool): PostgresPool {
  return {
    options: pool.options,
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let failure: unknown;
      const query = (...args: Parameters<PostgresPoolClient['query']>) => {
        if (failure !== undefined) return Promise.reject(failure);
        const [text, values] = args as unknown as [unknown, unknown[] | undefined];
        const name = typeof text === 'string' ? statementName(text) : undefined;
        const result = name ? client.query({ name, text: text as string, values }) : (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            if (storeFailure(error)?.kind === 'unavailable') failure = error;
            throw error;
          });
        }
        return result;
      };
      return {
        query: query as PostgresPoolClient['query'],
        release: (discard?: boolean) => client.release(discard || failure !== undefined),
        get processID() {
          return (client as { processID?: number }).processID;
        },
      };
    },
  };
}

/**
 * Every SQLite transaction takes the write lock when it begins (phase2.md
 * A.4). Kysely's driver says a plain (deferred) `begin`: such a transaction
 * reads under a snapshot, and when it then writes after another process
 * committed, SQLite answers "database is locked" at once, without waiting.
 * Taken up front, the lock is waited for (the busy timeout) like any write.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Kysely's SQLite dialect speaks the better-sqlite3 interface; node:sqlite differs only in argument spreading. */
function asKyselySqlite(sqlite: DatabaseSync, checkpointer: Checkpointer | undefined): SqliteDatabase {
  // Kysely prepares every query it runs; the same few hundred SQL texts come back on every request.
  const statements = new LRUCache<string, ReturnType<SqliteDatabase['prepare']>>({ max: STATEMENT_CACHE_SIZE });
  return {
    close: () => {
      void checkpointer?.stop();
      sqlite.close();
    },
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached) return cached;
      const statement = sqlite.prepare(sql);
      const columns = statement.columns().map((column) => column.name);
      // node:sqlite builds each row as a null-prototype object in dictionary mode, so every
      // property read on it downstream is a hash lookup. Rows come back as arrays instead and
      // become objects of one fixed shape per statement: a person's doors 18.0 → 14.7 µs a call,
      // and bearer sync 10.4k → 12.4k requests/s, the reads downstream no longer being hash lookups.
      if (columns.length > 0) statement.setReturnArrays(true);
      const toRow = rowBuilder(columns);
      const prepared = {
        reader: columns.length > 0,
        all: (parameters: readonly unknown[]) => (statement.all(...(parameters as never[])) as unknown as unknown[][]).map(toRow),
        run: (parameters: readonly unknown[]) => statement.run(...(parameters as never[])),
        *iterate(parameters: readonly unknown[]) {
          for (const row of statement.iterate(...(parameters as never[])) as Iterable<unknown[]>) yield toRow(row);
        },
      };
      statements.set(sql, prepared);
      return prepared;
    },
  };
}

/** An object literal with the statement's column names, compiled once: a later column of the same name wins, as in node:sqlite. */
function rowBuilder(columns: readonly string[]): (values: readonly unknown[]) => Record<string, unknown> {
  const fields = columns.map((name, index) => `${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: values[${index}]`);
  return new Function('values', `return { ${fields.join(', ')} };`) as (values: readonly unknown[]) => Record<string, unknown>;
}

const STATEMENT_CACHE_SIZE = 1000;
