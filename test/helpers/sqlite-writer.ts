// A second process writing to a test's SQLite file, run as a child:
//   counter FILE N START_AT_MS  N read-then-increment transactions through the
//                               store's own dialect, from the given instant
//   hold FILE MS                takes the write lock, prints "locked", keeps it MS
import { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/dialect.ts';

const [mode, file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: sqlite-writer.ts counter|hold FILE ...');

if (mode === 'counter') {
  const [count, startAt] = rest.map(Number) as [number, number];
  const { db } = openDatabase({ databaseUrl: undefined, sqlitePath: file });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  for (let i = 0; i < count; i += 1) {
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ n: number }>`select n from test_counter where id = 1`.execute(trx);
      // Some work between the read and the write, as a real read-then-write has.
      await new Promise((resolve) => setTimeout(resolve, 2));
      await sql`update test_counter set n = ${rows[0]!.n + 1} where id = 1`.execute(trx);
    });
  }
  await db.destroy();
} else if (mode === 'hold') {
  const database = new DatabaseSync(file, { timeout: 5000 });
  database.exec('begin immediate');
  database.exec('create table if not exists test_lock_holder (at integer)');
  process.stdout.write('locked\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(rest[0]));
  database.exec('commit');
  database.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
