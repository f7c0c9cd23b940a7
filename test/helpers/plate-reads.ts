// plate_reads rows as the readers' decision writes them (src/access/plate-entry.ts),
// inserted directly so the lists and searches can be tested on their own.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
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
