// plate_reads rows as the readers' decision writes them (src/access/plate-entry.ts),
// inserted directly so the lists and searches can be tested on their own; and
// reads through the engine itself at a running server's Driveway Gate.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { plateEntry } from '../../src/access/plate-entry.ts';
import type { ToggleDeps } from '../../src/access/toggle-door.ts';
import type { App } from '../../src/app.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import type { Database } from '../../src/store/database.ts';

export type PlateReadRow = Database['plate_reads'];

export async function insertPlateRead(db: Kysely<Database>, fields: Partial<PlateReadRow> = {}): Promise<PlateReadRow> {
  const occurredAt = fields.occurred_at ?? Date.UTC(2026, 2, 4, 15, 0, 0) / 1000;
  const row: PlateReadRow = {
    id: randomBytes(16).toString('hex'), account_id: sandboxAccounts.residence.id, device_id: sandboxDevices.a.id, entity_number: 2,
    door_id: sandboxDoors.gate.id, read_id: null, plate: 'PQX 1001', plate_key: 'PQX1001', region: 'us-ny', confidence: 0.93, candidates: '[]',
    direction: 'entry', decision: 'granted', reason: null, basis: 'member', basis_id: null, person_id: null, toggle_id: null, near_matches: '[]',
    occurred_at: occurredAt, received_at: occurredAt, ...fields,
  };
  await db.insertInto('plate_reads').values(row).execute();
  return row;
}

/** Reads at the Driveway Gate (a reader for both directions) through the engine, the door's controller answering "ok". */
export async function gateReader(app: App) {
  await app.db.updateTable('devices').set({ online: 1 }).execute();
  const toggle: ToggleDeps = {
    db: app.db, clock: app.clock, deadlineMs: 8000, travelDeadlineMs: 60_000,
    commands: { execute: async () => ({ answered: true, result: 'ok', state: 'OPEN' }) },
  };
  return (plate: string) => plateEntry(toggle, sandboxDevices.a.id, { entityNumber: sandboxDoors.gate.entity_number, plate, at: app.clock.now() });
}
