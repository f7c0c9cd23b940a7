// Kysely builds and compiles a query on every call. On the hottest paths that
// costs several times what SQLite takes to run it (profiled: about 300 µs of
// 400 µs for a person's doors), so those queries are compiled once per
// database (its dialect adapter, which its transactions share) with stand-in
// values, and each call only puts its values in. A handle with plugins
// (`withPlugin`) compiles differently: prepared queries must not run on one.
import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './database.ts';

// PostgreSQL parses and plans every unnamed statement it is sent: for a
// person's doors (a union of two seven-way joins) planning was most of the
// statement's time. These texts are few and fixed, so each is sent as a named
// statement, prepared once per connection (dialect.ts asks here for the name).
const statementNames = new Map<string, string>();

/** The server-side name of a prepared query's SQL, or undefined for any other statement. */
export function statementName(sql: string): string | undefined {
  return statementNames.get(sql);
}

const standIn = (index: number) => `\u0000prepared-value-${index}\u0000`;

/** `build` must use each argument only as a bound value (never in arithmetic, `sql.lit` or a branch). */
export function prepared<Args extends readonly (string | number | null)[], Row>(build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>) {
  const run = compiledOnce(build);
  return async (db: Kysely<Database>, ...args: Args): Promise<Row[]> => (await run(db, args)).rows;
}

/** The same for a write: it answers how many rows it changed (an insert that met a conflict and did nothing: 0). */
export function preparedWrite<Args extends readonly (string | number | null)[]>(build: (db: Kysely<Database>, ...args: Args) => Compilable<unknown>) {
  const run = compiledOnce(build);
  return async (db: Kysely<Database>, ...args: Args): Promise<number> => Number((await run(db, args)).numAffectedRows ?? 0n);
}

function compiledOnce<Args extends readonly (string | number | null)[], Row>(build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>) {
  // Keyed by the dialect's adapter, which a database handle shares with its transactions.
  const compiledFor = new WeakMap<object, { query: CompiledQuery<Row>; slots: Array<number | undefined> }>();
  const compile = (db: Kysely<Database>) => {
    const standIns = Array.from({ length: build.length - 1 }, (_, index) => standIn(index));
    const query = build(db, ...(standIns as unknown as Args)).compile();
    if (standIns.some((value) => query.sql.includes(value))) throw new Error('a prepared query inlined an argument into its SQL');
    const slots = query.parameters.map((value) => (typeof value === 'string' ? standIns.indexOf(value) : -1)).map((index) => (index >= 0 ? index : undefined));
    statementNames.set(query.sql, `parqex_${createHash('sha256').update(query.sql).digest('hex').slice(0, 16)}`);
    const entry = { query, slots };
    compiledFor.set(db.getExecutor().adapter, entry);
    return entry;
  };
  return (db: Kysely<Database>, args: Args): Promise<QueryResult<Row>> => {
    const { query, slots } = compiledFor.get(db.getExecutor().adapter) ?? compile(db);
    const parameters = query.parameters.map((value, index) => {
      const slot = slots[index];
      return slot === undefined ? value : args[slot];
    });
    return db.executeQuery<Row>({ ...query, parameters });
  };
}
