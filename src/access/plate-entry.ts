// A licence plate read at a controller's camera: it opens the door for a
// member of the controller's account with a vehicle of that plate, when that
// member may open it now (the toggle's own checks); an unknown plate is a
// refused attempt.
import type { ToggleDeps } from './toggle-door.ts';
import { openFor } from './open-at-door.ts';
import { refusedAtDoor } from './refused-at-door.ts';
import { normalizePlate } from './vehicles.ts';
import { membersByPlate } from '../store/repositories/devices.ts';

export async function plateEntry(toggle: ToggleDeps, door: { id: string; deviceId: string }, read: { plate: string; occurredAt: number }): Promise<void> {
  const members = await membersByPlate(toggle.db, door.deviceId, normalizePlate(read.plate));
  if (members.length === 0) {
    await refusedAtDoor(toggle.db, { doorId: door.id, deviceId: door.deviceId, channel: 'LPR', reason: 'unknown plate', occurredAt: read.occurredAt });
    return;
  }
  await openFor(toggle, members[0]!.person_id, door.id, 'LPR');
}
