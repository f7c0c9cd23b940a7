// The reads an account's plate readers sent, for its Admin and its
// enforcement members (phase2.md B.6). Looking a plate up is itself recorded
// (plate_lookups: who, through which application, when): a plate is personal
// data, and the account must be able to say who searched for one; in real
// time, since it records what a person did rather than what a door decided.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { systemClock } from '../clock.ts';
import type { Database, ReadBasis, ReadDecision } from '../store/database.ts';
import { findMembership } from '../store/repositories/accounts.ts';
import { doorsOfAccount } from '../store/repositories/doors.ts';
import { insertPlateLookup, plateReadsOf, type ReadFilter } from '../store/repositories/lpr.ts';
import { DomainError } from './errors.ts';
import { parseId } from './ids.ts';
import { cursorAfter, cursorOf, pageOf, rowLimit, type ListPage } from './lists.ts';
import { readPlateKey } from './lpr-exclusions.ts';
import { readTimeRange } from './share-window.ts';

export const readDecisions: readonly ReadDecision[] = ['granted', 'refused', 'low_confidence', 'repeat', 'unreadable'];

/** The Admin and members with the `enforcement` permission; anyone else at the account is forbidden, a stranger finds no account. */
export async function requireEnforcer(db: Kysely<Database>, personId: string, accountId: string): Promise<void> {
  const membership = await findMembership(db, accountId, personId);
  if (!membership) throw new DomainError('not_found', 'No such account.');
  if (membership.role !== 'admin' && membership.can_enforce !== 1) throw new DomainError('forbidden', 'Only the account\'s Admin and members with the enforcement permission can do this.');
}

export interface PlateRead {
  id: string;
  deviceId: string;
  entityNumber: number;
  door: { id: string; name: string } | null;
  /** As the reader sent it. */
  plate: string;
  /** null when unreadable. */
  plateKey: string | null;
  region: string | null;
  confidence: number;
  candidates: { plate: string; confidence: number }[];
  direction: 'entry' | 'exit';
  decision: ReadDecision;
  reason: string | null;
  basis: ReadBasis | null;
  basisId: string | null;
  person: { id: string; firstName: string; lastName: string } | null;
  nearMatches: string[];
  /** Unix seconds. */
  occurredAt: number;
}

export interface ReadSearch extends ListPage {
  accountId: string;
  doorId?: string;
  plate?: string;
  decision?: string;
  /** ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC; `to` is exclusive. */
  from?: string;
  to?: string;
}

/** A page of the account's reads, newest first. */
export async function searchReads(db: Kysely<Database>, viewer: { personId: string; clientId?: string }, search: ReadSearch): Promise<{ items: PlateRead[]; nextCursor: string | null }> {
  await requireEnforcer(db, viewer.personId, search.accountId);
  const filter = await readFilter(db, search);
  const limit = rowLimit(search);
  if (filter.plateKey !== undefined) {
    await insertPlateLookup(db, {
      id: randomBytes(16).toString('hex'), account_id: search.accountId, person_id: viewer.personId, client_id: viewer.clientId ?? null,
      plate_key: filter.plateKey, purpose: 'reads', at: Math.floor(systemClock.now() / 1000),
    });
  }
  const rows = await plateReadsOf(db, filter, limit + 1);
  const page = pageOf(rows, limit, search.all, (last) => cursorAfter(last.occurred_at, last.id));
  return { items: page.items.map(presentRead), nextCursor: page.nextCursor };
}

async function readFilter(db: Kysely<Database>, search: ReadSearch): Promise<ReadFilter> {
  const filter: ReadFilter = { accountId: search.accountId };
  if (search.doorId !== undefined) {
    const doorId = parseId(search.doorId);
    if (!doorId || !(await doorsOfAccount(db, search.accountId)).some((door) => door.id === doorId)) throw new DomainError('not_found', 'No such door.');
    filter.doorId = doorId;
  }
  if (search.plate !== undefined) filter.plateKey = readPlateKey(search.plate);
  if (search.decision !== undefined) {
    if (!readDecisions.includes(search.decision as ReadDecision)) throw new DomainError('invalid', `Invalid decision: use ${readDecisions.join(', ')}.`);
    filter.decision = search.decision;
  }
  ({ from: filter.from, to: filter.to } = readTimeRange(search));
  const before = cursorOf(search);
  if (before) filter.before = { occurredAt: before.at, id: before.id };
  return filter;
}

type ReadRow = Awaited<ReturnType<typeof plateReadsOf>>[number];

function presentRead(row: ReadRow): PlateRead {
  return {
    id: row.id, deviceId: row.device_id, entityNumber: row.entity_number,
    door: row.door_id !== null ? { id: row.door_id, name: row.door_name ?? '' } : null,
    plate: row.plate, plateKey: row.plate_key, region: row.region, confidence: row.confidence,
    candidates: JSON.parse(row.candidates) as PlateRead['candidates'],
    direction: row.direction, decision: row.decision, reason: row.reason, basis: row.basis, basisId: row.basis_id,
    person: row.person_id !== null ? { id: row.person_id, firstName: row.first_name ?? '', lastName: row.last_name ?? '' } : null,
    nearMatches: JSON.parse(row.near_matches) as string[],
    occurredAt: row.occurred_at,
  };
}
