// Checkpoints run in a worker thread (store/wal-checkpointer.ts), not in the
// commit that crosses the log's limit on the event loop.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/dialect.ts';
import { BACKSTOP_PAGES } from '../../src/store/wal-checkpointer.ts';

it('copies committed pages into the database file from a worker while the server connection stays under its own limit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-wal-'));
  const path = join(dir, 'db.sqlite');
  const { db } = openDatabase({ databaseUrl: undefined, sqlitePath: path });
  t.after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  await sql`create table filler (id integer primary key, body text not null)`.execute(db);
  const before = statSync(path).size;
  // About 2 MB: some 500 pages, far below the server connection's own limit.
  for (let batch = 0; batch < 20; batch += 1) {
    await db.insertInto('filler' as never).values(Array.from({ length: 50 }, (_, i) => ({ id: batch * 50 + i, body: 'x'.repeat(2000) })) as never).execute();
  }
  const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count);
  assert.ok(pages > 400 && pages < BACKSTOP_PAGES, `${pages} pages written`);
  const deadline = Date.now() + 5000;
  while (statSync(path).size < pages * 4096 && Date.now() < deadline) await sleep(50);
  assert.ok(statSync(path).size >= pages * 4096, `the database file holds the pages (${before} → ${statSync(path).size} bytes for ${pages} pages)`);
});
