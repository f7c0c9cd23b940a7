// A person's doors (read by every sync and toggle) are found through the
// person's own rows, never by reading every door on the server: SQLite's plan
// for the statement searches doors and controllers by index and scans neither.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompiledQuery } from 'kysely';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { doorsOfPerson } from '../../src/store/repositories/doors.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

describe('a person\'s doors statement', () => {
  it('searches doors and controllers by index, for every door and for one', async (t) => {
    const db = await sandboxDatabase(t);
    for (const doorId of [undefined, '5a0d0000-0000-4000-8000-0000000000e2']) {
      let statement: CompiledQuery | undefined;
      const executeQuery = db.executeQuery.bind(db);
      t.mock.method(db, 'executeQuery', (query: CompiledQuery) => {
        statement ??= query;
        return executeQuery(query);
      });
      const rows = await doorsOfPerson(db, sandboxPeople.sam.id, doorId);
      t.mock.restoreAll();
      assert.ok(rows.length > 0);
      const plan = await executeQuery<{ detail: string }>({ ...statement!, sql: `explain query plan ${statement!.sql}` });
      const details = plan.rows.map((row) => row.detail);
      assert.deepEqual(details.filter((detail) => /^SCAN (doors|devices)\b/.test(detail)), [], details.join('\n'));
    }
  });
});
