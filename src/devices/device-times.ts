// Times a controller reports (when a door changed, when something happened at
// it) are trusted only near the server's clock. A controller whose clock was
// never set reports 1970; a broken or hostile one can send 1e300, which no date
// can hold and which made every answer showing that door fail. Such a time is
// replaced by the server's, which is when the platform heard of it.
import type { DeviceEvent, StateReport } from './protocol.ts';

/** Before this no controller of ours ran: a clock that says so was never set. */
export const earliestDeviceTime = Date.UTC(2000, 0, 1);
/** A controller's clock may run ahead by this much (time zones set wrongly, drift) before it is not believed. */
export const maxDeviceClockAheadMs = 24 * 60 * 60 * 1000;

export function isSaneDeviceTime(ms: number, nowMs: number): boolean {
  return Number.isFinite(ms) && ms >= earliestDeviceTime && ms <= nowMs + maxDeviceClockAheadMs;
}

/** The report with every out-of-range `changed_at` replaced by `nowMs`; `replaced` counts them. */
export function saneStateTimes(report: StateReport, nowMs: number): { report: StateReport; replaced: number } {
  let replaced = 0;
  const doors = report.doors.map((door) => {
    if (door.changed_at === undefined || isSaneDeviceTime(door.changed_at, nowMs)) return door;
    replaced += 1;
    return { ...door, changed_at: nowMs };
  });
  return { report: { ...report, doors }, replaced };
}

/** The event with its `at` replaced by `nowMs` when out of range. */
export function saneEventTime(event: DeviceEvent, nowMs: number): { event: DeviceEvent; replaced: number } {
  return isSaneDeviceTime(event.at, nowMs) ? { event, replaced: 0 } : { event: { ...event, at: nowMs }, replaced: 1 };
}
