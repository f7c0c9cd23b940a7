// Several windows on one door (an Admin's implicit access, a door_access row,
// later a booking or a guest pass) answer as one: allowed while any allows.
// Pure: the windows are data, the instant is given, nothing is read.
import { CHANGE_HORIZON_MS, checkSchedule, nextChange, type AccessWindow } from './schedules.ts';

export type RefusalReason = 'no_access' | 'not_started' | 'ended' | 'outside_hours';

export interface RankedWindow<B> {
  basis: B;
  /** Lower wins when several windows allow at once (spec A.2: booking, guest pass, Admin, door_access, ...). */
  rank: number;
  window: AccessWindow;
  /** The zone its weekly hours are read in. */
  timeZone: string;
}

/** `until` and `next` are epoch ms, or null when beyond the horizon (8 days). */
export type UnionVerdict<B> =
  | { allowed: true; until: number | null; basis: B }
  | { allowed: false; reason: RefusalReason; next: number | null };

/** No start, no end, no hours: an Admin's implicit access. */
export const alwaysOpen: AccessWindow = Object.freeze({ startsAt: null, endsAt: null, weeklyHours: null });

// When no window opens soon, the reason of the one a person can most hope for.
const reasonOrder = ['outside_hours', 'not_started', 'ended'] as const;

export function unionAt<B>(windows: readonly RankedWindow<B>[], at: number, horizonMs = CHANGE_HORIZON_MS): UnionVerdict<B> {
  if (windows.length === 0) return { allowed: false, reason: 'no_access', next: null };
  const limit = at + horizonMs;
  const states = windows.map((candidate) => {
    const verdict = checkSchedule(candidate.window, new Date(at), candidate.timeZone);
    return { candidate, verdict, change: nextChange(candidate.window, new Date(at), candidate.timeZone, horizonMs) };
  });
  const change = firstUnionChange(states.map((state) => ({ ...state, allowed: state.verdict.allowed })), limit);
  const allowing = states.filter((state) => state.verdict.allowed);
  if (allowing.length > 0) {
    // The first allowing kind, then the window that lasts longest (null: beyond the horizon).
    const last = (value: number | null) => value ?? Number.POSITIVE_INFINITY;
    allowing.sort((a, b) => a.candidate.rank - b.candidate.rank || last(b.change) - last(a.change));
    return { allowed: true, until: change, basis: allowing[0]!.candidate.basis };
  }
  const refused = states.map((state) => ({ change: state.change, reason: state.verdict.allowed ? 'outside_hours' : state.verdict.reason }));
  refused.sort((a, b) => (a.change ?? Number.POSITIVE_INFINITY) - (b.change ?? Number.POSITIVE_INFINITY) || reasonOrder.indexOf(a.reason) - reasonOrder.indexOf(b.reason));
  return { allowed: false, reason: refused[0]!.reason, next: change };
}

/**
 * Walks the windows' own changes in time order until the union's answer
 * flips: a window closing while another stays open changes nothing.
 */
function firstUnionChange<B>(states: { candidate: RankedWindow<B>; allowed: boolean; change: number | null }[], limit: number): number | null {
  const unionNow = states.some((state) => state.allowed);
  for (;;) {
    const at = Math.min(...states.map((state) => state.change ?? Number.POSITIVE_INFINITY));
    if (!Number.isFinite(at) || at > limit) return null;
    for (const state of states) {
      if (state.change !== at) continue;
      const { window, timeZone } = state.candidate;
      state.allowed = checkSchedule(window, new Date(at), timeZone).allowed;
      state.change = nextChange(window, new Date(at), timeZone, limit - at);
    }
    if (states.some((state) => state.allowed) !== unionNow) return at;
  }
}
