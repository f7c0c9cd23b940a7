// A partial index defined on a constant makes SQLite re-plan every statement
// that binds a value for that column (store/partial-index-values.ts): each
// such constant must be one the queries write into their text.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import * as constants from '../../src/store/partial-index-values.ts';
import { emptyDatabase } from '../helpers/empty-database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';

it('every constant a partial index is defined on is written into the SQL by partial-index-values.ts', async (t) => {
  const { db } = await emptyDatabase(t, 'sqlite');
  await migrateToLatest(db, 'sqlite');
  const indexes = (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and sql like '% where %'`.execute(db)).rows;
  const onConstants = indexes.flatMap((index) => [...index.sql.matchAll(/"(\w+)" = '([^']*)'/g)].map((match) => `${match[1]} = '${match[2]}'`));
  assert.ok(onConstants.length > 0, 'the migrations define partial indexes on constants');
  const written = Object.values(constants).map((constant) => constant.compile(db).sql);
  for (const condition of onConstants) {
    const value = condition.slice(condition.indexOf("'"));
    assert.ok(written.includes(value), `a partial index is defined on ${condition}: export that value from store/partial-index-values.ts and use it in the queries`);
  }
});
