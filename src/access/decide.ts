// The one answer to "may this subject operate this door at this instant,
// on what basis, and until when" (spec A.2). Every path that opens a door or
// shows whether it may be opened asks here; visibility stays in door-policy.ts.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database } from '../store/database.ts';
import { accessSources, basisKinds, type AccessSource, type Basis, type Subject } from './access-sources.ts';
import { unionAt, type RankedWindow, type RefusalReason } from './access-union.ts';

/** `until` and `next` are epoch ms: the first instant after `at` when none / one allows; null beyond 8 days. */
export type Decision =
  | { allowed: true; until: number | null; basis: Basis }
  | { allowed: false; reason: RefusalReason; next: number | null };

export interface DecideRequest {
  subject: Subject;
  doorId: string;
  /** Defaults to the clock's now. */
  at?: Date;
}

export interface DecideManyRequest {
  subject: Subject;
  /** Every door the subject holds any window on, when undefined. */
  doorIds?: readonly string[];
  at?: Date;
}

export async function decide(db: Kysely<Database>, clock: Clock, request: DecideRequest, sources: readonly AccessSource[] = accessSources): Promise<Decision> {
  const decisions = await decideMany(db, clock, { subject: request.subject, doorIds: [request.doorId], at: request.at }, sources);
  return decisions.get(request.doorId) ?? { allowed: false, reason: 'no_access', next: null };
}

/** One read per source for many doors (sync, consent, webhook fan-out). Doors without any window are absent: `no_access`. */
export async function decideMany(db: Kysely<Database>, clock: Clock, request: DecideManyRequest, sources: readonly AccessSource[] = accessSources): Promise<Map<string, Decision>> {
  const at = request.at?.getTime() ?? clock.now();
  const found = await Promise.all(sources.map((source) => source.windows(db, request.subject, request.doorIds)));
  const byDoor = new Map<string, RankedWindow<Basis>[]>();
  for (const window of found.flat()) {
    const list = byDoor.get(window.doorId) ?? byDoor.set(window.doorId, []).get(window.doorId)!;
    list.push({ basis: window.basis, rank: basisKinds.indexOf(window.basis.kind), window: window.window, timeZone: window.timeZone });
  }
  return new Map([...byDoor].map(([doorId, windows]) => [doorId, unionAt(windows, at)]));
}

/** The 403 sentence a refusal gives, with the person's name for the door. */
export function refusalMessage(doorName: string, reason: RefusalReason): string {
  switch (reason) {
    case 'not_started': return `Your access to ${doorName} has not started yet.`;
    case 'ended': return `Your access to ${doorName} has ended.`;
    case 'outside_hours': return `You may not operate ${doorName} at this time of day.`;
    case 'no_access': return `You have no access to ${doorName}.`;
  }
}
