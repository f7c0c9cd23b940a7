// The history figure at the store: a page of 50 events of one door in a 30-day
// window (the statement GET toggle-history runs for an Admin), against a
// primary-key lookup on the same table; one at a time, random doors, windows
// and ids, on a database filled by `parqex bench-data`.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.ts';
import { openDatabase } from '../../src/store/dialect.ts';
import { findAccessEvents } from '../../src/store/repositories/access-events.ts';
import { benchDoorId, benchEventId, benchDoorLayout } from '../../src/store/repositories/bench-data.ts';
import { percentile, type Sample, type Subject } from './load.ts';

export function openBenchDatabase(env: Record<string, string>): Kysely<Database> {
  return openDatabase({ databaseUrl: env.DATABASE_URL, sqlitePath: join(env.PARQEX_DATA_DIR!, 'parqex.sqlite') }).db;
}

async function timed(seconds: number, once: () => Promise<unknown>): Promise<Sample> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const began = performance.now();
    await once();
    latencies.push(performance.now() - began);
  }
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { rps: Math.round(latencies.length / seconds), p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), errors: 0 };
}

/** `controllers`, `events`, `days`: as given to bench-data (seed 1). */
export function historySubjects(db: Kysely<Database>, shape: { controllers: number; events: number; days: number }): [Subject, Subject] {
  const doors = shape.controllers * benchDoorLayout.length;
  const now = Math.floor(Date.now() / 1000);
  const pick = (n: number) => Math.floor(Math.random() * n);
  return [
    {
      name: 'primary-key lookup in access_events',
      run: (seconds) => timed(seconds, () => db.selectFrom('access_events').selectAll().where('id', '=', benchEventId(1, pick(shape.events))).executeTakeFirstOrThrow()),
    },
    {
      name: 'history page: 50 events of one door, 30-day window',
      run: (seconds) => timed(seconds, () => {
        const door = pick(doors);
        const to = now - pick(Math.max(1, shape.days - 30)) * 86400;
        return findAccessEvents(db, {
          allEventsOf: [benchDoorId(1, Math.floor(door / benchDoorLayout.length), (door % benchDoorLayout.length) + 1)],
          ownEventsOf: [], personId: '', from: to - 30 * 86400, to, limit: 50,
        });
      }),
    },
  ];
}
