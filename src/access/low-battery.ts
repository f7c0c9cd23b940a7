// A door sensor's battery running low, told once per fall below the threshold
// (a report still below it says nothing new; a recharge and a new fall does).
import type { Transaction } from 'kysely';
import { compactId } from './ids.ts';
import { appendEvent } from '../events/outbox.ts';
import type { EventFields } from '../events/types.ts';
import type { Database } from '../store/database.ts';
import { claimBatteryLow } from '../store/repositories/door-alerts.ts';

/** Below this (percent) a sensor battery is low. */
export const LOW_BATTERY_PERCENT = 20;

/**
 * Announces a reported level that takes the stored one from at or above the
 * threshold to below it, in the transaction that stores the report.
 *
 * Only a fall counts, so a door whose first report is already low is not
 * announced: before any report the stored level is the column's default 0,
 * which cannot be told from a real reading of 0, and doors without a sensor
 * report 0 every time (treating 0 as "not reported yet" would announce those
 * on every report). Such a level still shows in GET sync, and the next fall
 * after a battery change is announced.
 */
export async function noticeLowBattery(trx: Transaction<Database>, door: { doorId: string; deviceId: string }, level: number, at: number): Promise<void> {
  if (level >= LOW_BATTERY_PERCENT) return;
  // Conditional: of two processes handling the same report, one announces it.
  if (!(await claimBatteryLow(trx, door.doorId, level, LOW_BATTERY_PERCENT))) return;
  const data: EventFields['sensor_battery_low'] = { doorID: compactId(door.doorId), deviceID: compactId(door.deviceId), batteryLevel: level, threshold: LOW_BATTERY_PERCENT };
  await appendEvent(trx, { type: 'sensor_battery_low', doorId: door.doorId, deviceId: door.deviceId, occurredAt: at, data });
}
