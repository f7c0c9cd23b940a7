// The hot statements' plans on SQLite. A person's doors (read by every sync and
// toggle) are found through the person's own rows, never by reading every door
// on the server; a history page of one door reads its rows in order from an
// index and stops at the page's end, never sorting the whole date window.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { CompiledQuery, Kysely } from 'kysely';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import type { Database } from '../../src/store/database.ts';
import { findAccessEvents } from '../../src/store/repositories/access-events.ts';
import { doorsOfPerson } from '../../src/store/repositories/doors.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

/** SQLite's plan of the first statement `run` sends. */
async function planOf(t: TestContext, db: Kysely<Database>, run: () => Promise<unknown>): Promise<string[]> {
  const executor = db.getExecutor();
  const executeQuery = executor.executeQuery.bind(executor);
  let statement: CompiledQuery | undefined;
  t.mock.method(executor, 'executeQuery', (query: CompiledQuery, queryId: never) => {
    statement ??= query;
    return executeQuery(query, queryId);
  });
  await run();
  t.mock.restoreAll();
  const plan = await executeQuery<{ detail: string }>({ ...statement!, sql: `explain query plan ${statement!.sql}` }, { queryId: 'plan' } as never);
  return plan.rows.map((row) => row.detail);
}

describe('query plans', () => {
  it('searches doors and controllers by index for a person\'s doors, every door and one', async (t) => {
    const db = await sandboxDatabase(t);
    for (const doorId of [undefined, sandboxDoors.gate.id]) {
      const details = await planOf(t, db, () => doorsOfPerson(db, sandboxPeople.sam.id, doorId));
      assert.deepEqual(details.filter((detail) => /^SCAN (doors|devices)\b/.test(detail)), [], details.join('\n'));
    }
  });

  it('reads a history page of one door from an index in its order, with no sort', async (t) => {
    const db = await sandboxDatabase(t);
    const details = await planOf(t, db, () => findAccessEvents(db, { allEventsOf: [sandboxDoors.gate.id], ownEventsOf: [], personId: sandboxPeople.alex.id, from: 0, to: 2_000_000_000, limit: 50 }));
    assert.ok(details.some((detail) => /^SEARCH access_events USING INDEX/.test(detail)), details.join('\n'));
    assert.deepEqual(details.filter((detail) => /TEMP B-TREE/.test(detail)), [], details.join('\n'));
  });
});
