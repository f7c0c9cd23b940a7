// A pass's status (phase2.md D.1) follows from what people decided (state)
// and the clock: no job moves a pass from scheduled to active to expired.
import type { GuestPassRow } from '../../store/repositories/guest-passes.ts';
import type { AccessWindow } from '../schedules.ts';

export const passStatuses = ['pending', 'scheduled', 'active', 'expired', 'used', 'revoked', 'declined'] as const;
export type PassStatus = (typeof passStatuses)[number];

/** A one_time pass lasts this long after its first use (never past ends_at). */
export const oneTimeSeconds = 15 * 60;

type StatusFields = Pick<GuestPassRow, 'state' | 'kind' | 'starts_at' | 'ends_at' | 'first_used_at'>;

/** The instant the pass stops (epoch s): ends_at, or 15 minutes after a one_time pass's first use. */
export function passEnd(row: StatusFields): number {
  const endsAt = Number(row.ends_at);
  return row.kind === 'one_time' && row.first_used_at !== null ? Math.min(endsAt, Number(row.first_used_at) + oneTimeSeconds) : endsAt;
}

export function passStatus(row: StatusFields, now: number): PassStatus {
  if (row.state !== 'issued') return row.state;
  if (now >= passEnd(row)) return row.kind === 'one_time' && row.first_used_at !== null ? 'used' : 'expired';
  return now < Number(row.starts_at) ? 'scheduled' : 'active';
}

/** When the pass itself lets its guest in (before the issuer's own access is intersected). */
export function passWindow(row: StatusFields & Pick<GuestPassRow, 'weekly_hours'>): AccessWindow {
  return { startsAt: Number(row.starts_at), endsAt: passEnd(row), weeklyHours: row.weekly_hours ? JSON.parse(row.weekly_hours) : null };
}
