// Claims behind the door alerts (left open, low battery): several platform
// processes may notice the same thing, so each claim is a conditional update
// and only the caller whose update changed the row announces it.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Open doors whose current opening has lasted past their controller's alert time and was not announced yet. */
export function doorsLeftOpen(db: Kysely<Database>, now: number) {
  return db.selectFrom('doors').innerJoin('devices', 'devices.id', 'doors.device_id')
    .select(['doors.id', 'doors.device_id', 'doors.last_toggled', 'devices.time_before_door_open_alert'])
    .where('doors.state', '=', 'OPEN')
    .where('doors.active', '=', 1)
    .where('devices.active', '=', 1)
    .where('doors.last_toggled', 'is not', null)
    .where((eb) => eb(eb('doors.last_toggled', '+', eb.ref('devices.time_before_door_open_alert')), '<=', now))
    .whereRef('doors.open_alert_for', 'is distinct from', 'doors.last_toggled')
    .orderBy('doors.last_toggled')
    .$narrowType<{ last_toggled: number }>()
    .execute();
}

/** Marks the opening that began at `openedAt` announced; true only if it is still the door's opening and nobody marked it first. */
export async function claimOpenAlert(db: Kysely<Database>, doorId: string, openedAt: number): Promise<boolean> {
  const result = await db.updateTable('doors').set({ open_alert_for: openedAt })
    .where('id', '=', doorId).where('state', '=', 'OPEN').where('last_toggled', '=', openedAt)
    .where('open_alert_for', 'is distinct from', openedAt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Stores a battery level below `threshold`; true only for the caller that took it there from at or above it. */
export async function claimBatteryLow(db: Kysely<Database>, doorId: string, level: number, threshold: number): Promise<boolean> {
  const result = await db.updateTable('doors').set({ sensor_battery_level: level })
    .where('id', '=', doorId).where('sensor_battery_level', '>=', threshold)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
