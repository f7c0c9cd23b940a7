// Allowances, the "DO NOT TOW" list (phase2.md C.1): a plate the account lets
// stay for a while. Notices refuse it; it opens only the doors the Admin
// listed, as the system: "do not tow" is not "let in".
import type { Kysely, Transaction } from 'kysely';
import { utcSeconds, utcSecondsOrNull } from '../../events/time.ts';
import type { AllowanceCategory, Database } from '../../store/database.ts';
import { doorsOfAccount } from '../../store/repositories/doors.ts';
import * as store from '../../store/repositories/enforcer.ts';
import { requireAdmin } from '../accounts.ts';
import { DomainError } from '../errors.ts';
import { parseId } from '../ids.ts';
import { cursorAfter, cursorOf, maxExportRows, pageOf, rowLimit, type ListPage } from '../lists.ts';
import { readPlateKey } from '../lpr-exclusions.ts';
import { platesMatch, regionCode } from '../plates.ts';
import { readTime } from '../share-window.ts';
import { readRegion } from '../vehicles.ts';
import { announce, enforcerRole, newId, readChoice, readId, readText, seconds, type EnforcerActor, type EnforcerDeps } from './common.ts';

export const allowanceCategories: readonly AllowanceCategory[] = ['resident', 'employee', 'vendor', 'guest', 'service', 'other'];
/** Unended allowances an account may hold. */
export const maxActiveAllowances = 500;
export const maxAllowanceText = { holder_name: 100, unit: 40, note: 500 } as const;

export interface Allowance {
  id: string;
  plate: string;
  region: string | null;
  category: AllowanceCategory;
  holderName: string;
  unit: string;
  note: string;
  /** Unix seconds; endsAt null: ongoing. */
  startsAt: number;
  endsAt: number | null;
  admitDoorIds: string[];
  createdAt: number;
}

export interface AllowanceInput {
  plate?: string;
  region?: string | null;
  category?: string;
  holder_name?: string;
  unit?: string;
  note?: string;
  /** ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC; starts_at by default now. */
  starts_at?: string | null;
  ends_at?: string | null;
  admit_door_ids?: string[];
}

type Row = Database['allowances'];

export function presentAllowance(row: Row): Allowance {
  return {
    id: row.id, plate: row.plate_key, region: row.region, category: row.category, holderName: row.holder_name, unit: row.unit, note: row.note,
    startsAt: Number(row.starts_at), endsAt: row.ends_at === null ? null : Number(row.ends_at), admitDoorIds: JSON.parse(row.admit_door_ids) as string[], createdAt: Number(row.created_at),
  };
}

/** Valid at `at` (seconds). */
export function allowanceActive(allowance: Pick<Allowance, 'startsAt' | 'endsAt'>, at: number): boolean {
  return allowance.startsAt <= at && (allowance.endsAt === null || allowance.endsAt > at);
}

async function readDoorIds(db: Kysely<Database>, accountId: string, value: string[] | undefined): Promise<string[]> {
  if (value === undefined) return [];
  const doors = new Set((await doorsOfAccount(db, accountId)).map((door) => door.id));
  const ids = value.map((input) => parseId(input));
  if (ids.some((id) => !id || !doors.has(id))) throw new DomainError('not_found', 'No such door.');
  return [...new Set(ids as string[])];
}

function readWindow(input: AllowanceInput, before: { startsAt: number; endsAt: number | null } | undefined, now: number): { startsAt: number; endsAt: number | null } {
  const startsAt = input.starts_at === undefined ? before?.startsAt ?? now : readTime('starts_at', input.starts_at) ?? now;
  const endsAt = input.ends_at === undefined ? before?.endsAt ?? null : readTime('ends_at', input.ends_at);
  if (endsAt !== null && endsAt <= startsAt) throw new DomainError('invalid', 'Invalid ends_at: it must be after starts_at.');
  if (!before && endsAt !== null && endsAt <= now) throw new DomainError('invalid', 'Invalid ends_at: it is in the past.');
  return { startsAt, endsAt };
}

function overlaps(a: { startsAt: number; endsAt: number | null }, b: { startsAt: number; endsAt: number | null }): boolean {
  return (a.endsAt === null || b.startsAt < a.endsAt) && (b.endsAt === null || a.startsAt < b.endsAt);
}

async function refuseOverlap(db: Kysely<Database>, accountId: string, candidate: { id?: string; plate: string; region: string | null; startsAt: number; endsAt: number | null }, now: number): Promise<void> {
  const others = (await store.unendedAllowancesOfPlate(db, accountId, candidate.plate, now)).map(presentAllowance).filter((other) => other.id !== candidate.id);
  const clash = others.find((other) => platesMatch({ key: other.plate, region: other.region }, { key: candidate.plate, region: candidate.region }) && overlaps(other, candidate));
  if (clash) throw new DomainError('duplicate', `The plate ${candidate.plate} already has an allowance for that time.`);
}

function allowanceEvent(allowance: Allowance) {
  return { allowanceID: allowance.id, plate: allowance.plate, category: allowance.category, startsAt: utcSeconds(allowance.startsAt), endsAt: utcSecondsOrNull(allowance.endsAt) };
}

/** The Admin adds an allowance; announced as allowance_added. */
export async function addAllowance(deps: EnforcerDeps, actor: EnforcerActor, input: AllowanceInput): Promise<Allowance> {
  const { db } = deps;
  await requireAdmin(db, actor.personId, actor.accountId);
  const plate = readPlateKey(input.plate);
  const region = readRegion(input.region) || null;
  const category = readChoice('category', input.category, allowanceCategories);
  const text = {
    holder_name: readText('holder_name', input.holder_name, maxAllowanceText.holder_name),
    unit: readText('unit', input.unit, maxAllowanceText.unit),
    note: readText('note', input.note, maxAllowanceText.note, { multiline: true }),
  };
  const admitDoorIds = await readDoorIds(db, actor.accountId, input.admit_door_ids);
  const now = seconds(deps.clock);
  const window = readWindow(input, undefined, now);
  return db.transaction().execute(async (trx) => {
    await refuseOverlap(trx, actor.accountId, { plate, region, ...window }, now);
    if (await store.countUnendedAllowances(trx, actor.accountId, now) >= maxActiveAllowances) {
      throw new DomainError('limit_reached', `The account already has ${maxActiveAllowances} allowances that have not ended, the most it can hold. End one first.`);
    }
    const row: Row = {
      id: newId(), account_id: actor.accountId, property_id: null, plate_key: plate, region, category, ...text,
      starts_at: window.startsAt, ends_at: window.endsAt, admit_door_ids: JSON.stringify(admitDoorIds), created_by: actor.personId, created_at: now,
    };
    await store.insertAllowance(trx, row);
    const allowance = presentAllowance(row);
    await announce(trx, 'allowance_added', actor.accountId, allowanceEvent(allowance), now);
    return allowance;
  });
}

/** The Admin's change to one of the account's allowances, in one transaction. */
async function withAllowance<T>(deps: EnforcerDeps, actor: EnforcerActor, allowanceId: string, run: (trx: Transaction<Database>, row: Row, now: number) => Promise<T>): Promise<T> {
  await requireAdmin(deps.db, actor.personId, actor.accountId);
  const id = readId(allowanceId, 'allowance');
  const now = seconds(deps.clock);
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.findAllowance(trx, actor.accountId, id);
    if (!row) throw new DomainError('not_found', 'No such allowance.');
    return run(trx, row, now);
  });
}

/** The Admin changes an allowance (not its plate); a window that comes to overlap another is a duplicate. */
export async function changeAllowance(deps: EnforcerDeps, actor: EnforcerActor, allowanceId: string, input: Omit<AllowanceInput, 'plate' | 'region'>): Promise<Allowance> {
  return withAllowance(deps, actor, allowanceId, async (trx, row, now) => {
    const id = row.id;
    const before = presentAllowance(row);
    const changes: Partial<Row> = {};
    if (input.category !== undefined) changes.category = readChoice('category', input.category, allowanceCategories);
    for (const field of ['holder_name', 'unit', 'note'] as const) {
      if (input[field] !== undefined) changes[field] = readText(field, input[field], maxAllowanceText[field], { multiline: field === 'note' });
    }
    if (input.admit_door_ids !== undefined) changes.admit_door_ids = JSON.stringify(await readDoorIds(trx, actor.accountId, input.admit_door_ids));
    const window = readWindow(input, before, now);
    await refuseOverlap(trx, actor.accountId, { id, plate: before.plate, region: before.region, ...window }, now);
    await store.updateAllowance(trx, actor.accountId, id, { ...changes, starts_at: window.startsAt, ends_at: window.endsAt });
    return presentAllowance({ ...row, ...changes, starts_at: window.startsAt, ends_at: window.endsAt });
  });
}

/** The Admin ends an allowance now; one already ended is 409 invalid_state. Announced as allowance_ended. */
export async function endAllowance(deps: EnforcerDeps, actor: EnforcerActor, allowanceId: string): Promise<Allowance> {
  return withAllowance(deps, actor, allowanceId, async (trx, row, now) => {
    const id = row.id;
    if (row.ends_at !== null && Number(row.ends_at) <= now) throw new DomainError('invalid_state', 'The allowance has already ended.');
    // One that has not started yet ends before it begins: its window stays well formed.
    const endsAt = Math.max(now, Number(row.starts_at) + 1);
    await store.updateAllowance(trx, actor.accountId, id, { ends_at: endsAt });
    const allowance = presentAllowance({ ...row, ends_at: endsAt });
    await announce(trx, 'allowance_ended', actor.accountId, allowanceEvent(allowance), now);
    return allowance;
  });
}

export interface AllowanceSearch extends ListPage {
  plate?: string;
  /** true: only those valid now; false: only those not valid now. */
  active?: boolean;
}

/** The Admin's and enforcement members' list, newest first. */
export async function listAllowances(deps: EnforcerDeps, actor: EnforcerActor, search: AllowanceSearch): Promise<{ items: Allowance[]; nextCursor: string | null }> {
  await enforcerRole(deps.db, actor);
  const limit = rowLimit(search);
  const now = seconds(deps.clock);
  const filter: store.AllowanceFilter = { accountId: actor.accountId };
  if (search.plate !== undefined) filter.plateKey = readPlateKey(search.plate);
  if (search.active === true) filter.activeAt = now;
  const before = cursorOf(search);
  if (before) filter.before = { createdAt: before.at, id: before.id };
  // Inactive ones are filtered here: "not valid now" is two ranges, and the list is small (at most 500 unended).
  const rows = (await store.allowancesOf(deps.db, filter, search.active === false ? maxExportRows + 1 : limit + 1)).map(presentAllowance)
    .filter((allowance) => search.active !== false || !allowanceActive(allowance, now));
  return pageOf(rows, limit, search.all, (last) => cursorAfter(last.createdAt, last.id));
}

/** The allowances matching a read plate that are valid now (the plate reader's and the notices' check). */
export async function activeAllowancesFor(db: Kysely<Database>, accountId: string, plate: { key: string; region: string | null }, at: number): Promise<Allowance[]> {
  const rows = await store.allowancesOf(db, { accountId, plateKey: plate.key, activeAt: at }, maxActiveAllowances);
  return rows.map(presentAllowance).filter((allowance) => platesMatch({ key: allowance.plate, region: allowance.region }, { key: plate.key, region: regionCode(plate.region) }));
}

/** The allowance that lets a read plate through this door now (plate-entry.ts): valid, and listing the door. */
export async function allowanceAdmitting(db: Kysely<Database>, accountId: string, plate: { key: string; region: string | null }, doorId: string, at: number): Promise<Allowance | undefined> {
  return (await activeAllowancesFor(db, accountId, plate, at)).find((allowance) => allowance.admitDoorIds.includes(doorId));
}
