// A sandbox database with its controllers online, and a toggle whose
// controller side is the door-commands port answering "ok" (what a controller
// that did it says), for door-side rules tested without MQTT (test/access/).
import type { TestContext } from 'node:test';
import type { DoorCommand } from '../../src/access/door-commands.ts';
import type { ToggleDeps } from '../../src/access/toggle-door.ts';
import { ManualClock } from '../../src/clock.ts';
import { sandboxDatabase } from './sandbox-db.ts';

export async function doorSideDatabase(t: TestContext, engine: 'sqlite' | 'postgres', domainStart: number) {
  const db = await sandboxDatabase(t, engine);
  await db.updateTable('devices').set({ online: 1 }).execute();
  const sent: DoorCommand[] = [];
  const toggle: ToggleDeps = {
    db, clock: new ManualClock(domainStart), deadlineMs: 8000, travelDeadlineMs: 60_000,
    commands: { execute: async (command) => (sent.push(command), { answered: true, result: 'ok', state: 'OPEN' }) },
  };
  const rows = async (doorId: string) => (await db.selectFrom('access_events').select(['channel', 'person_id', 'was_success', 'occurred_at']).where('door_id', '=', doorId).execute())
    .map((row) => [row.channel, row.person_id, row.was_success, Number(row.occurred_at)]);
  const refusals = async () => (await db.selectFrom('outbox_events').select('data').where('type', '=', 'unauthorized_attempt').execute()).map((row) => JSON.parse(row.data).reason);
  return { db, toggle, sent, rows, refusals };
}

