// What a patroller asks of a plate (phase2.md C.1): may it be here, and what
// is known of it. Every look-up is recorded (plate_lookups: who, through which
// application, when; in real time) and a person makes at most 60 a minute:
// the record is the counter, so every server process shares it.
import type { Kysely } from 'kysely';
import { systemClock } from '../../clock.ts';
import type { Database } from '../../store/database.ts';
import * as store from '../../store/repositories/enforcer.ts';
import { noticesOf } from '../../store/repositories/enforcer-notices.ts';
import { allGuestPassesOfPlate, guestPassesOfPlate, type GuestPassRow } from '../../store/repositories/guest-passes.ts';
import { insertPlateLookup } from '../../store/repositories/lpr.ts';
import { DomainError } from '../errors.ts';
import { passEnd, passStatus, type PassStatus } from '../guests/status.ts';
import { readPlateKey } from '../lpr-exclusions.ts';
import { accountVehicleAdmission } from '../lpr-admission.ts';
import { lookAlikeKey, platesMatch } from '../plates.ts';
import { readTime } from '../share-window.ts';
import { readRegion } from '../vehicles.ts';
import { activeAllowancesFor, maxActiveAllowances, presentAllowance, type Allowance } from './allowances.ts';
import { enforcerRole, newId, seconds, type EnforcerActor, type EnforcerDeps } from './common.ts';
import { openStatuses, presentNotice, type Notice } from './notices.ts';

export const statusLookupsPerMinute = 60;
/** A basis that ended this recently makes the plate "recently_expired". */
export const recentlyExpiredSeconds = 24 * 3600;

/** In the order the status is chosen by (bookings join when they exist). */
export type PlateStatus = 'allowance' | 'guest' | 'member_vehicle' | 'recently_expired' | 'unknown';

export interface Basis {
  kind: 'allowance' | 'guest_pass' | 'member_vehicle';
  id: string;
  /** Unix seconds; null: unbounded (a member vehicle follows its member's own windows, door by door). */
  validFrom: number | null;
  validUntil: number | null;
}

const statusOfBasis: Record<Basis['kind'], PlateStatus> = { allowance: 'allowance', guest_pass: 'guest', member_vehicle: 'member_vehicle' };

function passBasis(row: GuestPassRow): Basis {
  return { kind: 'guest_pass', id: row.id, validFrom: Number(row.starts_at), validUntil: passEnd(row) };
}

/** The account's passes for the plate (exact match) that began by `at` and ended within `recentlyExpiredSeconds` before it, or later. */
async function passesOfPlate(db: Kysely<Database>, accountId: string, plate: { key: string; region: string | null }, at: number): Promise<GuestPassRow[]> {
  return (await guestPassesOfPlate(db, accountId, plate.key, at, at - recentlyExpiredSeconds)).filter((row) => platesMatch({ key: row.plate_key!, region: row.region }, plate));
}

/** What lets the plate stay at `at`, exact matches only; near matches never count. In the order of C.1's statuses. */
export async function basesOf(db: Kysely<Database>, accountId: string, plate: { key: string; region: string | null }, at: number): Promise<Basis[]> {
  const allowances = await activeAllowancesFor(db, accountId, plate, at);
  // The guest lane says whether a pass is usable (its status at `at`), so a used-up one_time pass does not count.
  const passes = (await passesOfPlate(db, accountId, plate, at)).filter((row) => passStatus(row, at) === 'active');
  const vehicles = (await accountVehicleAdmission(db, accountId)).filter((vehicle) => vehicle.admitted && platesMatch({ key: vehicle.plate, region: vehicle.region }, plate));
  return [
    ...allowances.map((allowance): Basis => ({ kind: 'allowance', id: allowance.id, validFrom: allowance.startsAt, validUntil: allowance.endsAt })),
    ...passes.map(passBasis),
    ...vehicles.map((vehicle): Basis => ({ kind: 'member_vehicle', id: vehicle.vehicleId, validFrom: null, validUntil: null })),
  ];
}

/** Allowances and passes for the plate that ended within 24 h before `at`. */
async function endedBasesOf(db: Kysely<Database>, accountId: string, plate: { key: string; region: string | null }, at: number): Promise<Basis[]> {
  const since = at - recentlyExpiredSeconds;
  const allowances = (await store.allowancesEndedBetween(db, accountId, plate.key, since, at)).map(presentAllowance)
    .filter((allowance) => platesMatch({ key: allowance.plate, region: allowance.region }, plate));
  const passes = (await passesOfPlate(db, accountId, plate, at)).filter((row) => {
    const status = passStatus(row, at);
    return (status === 'expired' || status === 'used') && passEnd(row) >= since;
  });
  return [
    ...allowances.map((allowance): Basis => ({ kind: 'allowance', id: allowance.id, validFrom: allowance.startsAt, validUntil: allowance.endsAt })),
    ...passes.map(passBasis),
  ];
}

export interface PlateStatusAnswer {
  plate: string;
  status: PlateStatus;
  bases: Basis[];
  watchlisted: boolean;
  /** Plate keys of the account's vehicles and allowances a camera or an eye could confuse with it: a hint, never a basis. */
  nearMatches: string[];
  openNotices: Notice[];
  lastRead: { id: string; doorId: string | null; doorName: string | null; decision: string; direction: string; occurredAt: number } | null;
}

async function recordLookup(db: Kysely<Database>, actor: EnforcerActor, plateKey: string, purpose: 'status' | 'search'): Promise<void> {
  const now = Math.floor(systemClock.now() / 1000);
  if (purpose === 'status' && (await store.countLookupsSince(db, actor.personId, 'status', now - 60)) >= statusLookupsPerMinute) {
    throw new DomainError('rate_limited', `At most ${statusLookupsPerMinute} plate look-ups a minute. Try again shortly.`, { retryAfter: 60 });
  }
  await insertPlateLookup(db, { id: newId(), account_id: actor.accountId, person_id: actor.personId, client_id: actor.clientId ?? null, plate_key: plateKey, purpose, at: now });
}

/** `at`: ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC; by default now. */
export async function plateStatus(deps: EnforcerDeps, actor: EnforcerActor, input: { plate?: string; region?: string | null; at?: string }): Promise<PlateStatusAnswer> {
  const { db } = deps;
  await enforcerRole(db, actor);
  const key = readPlateKey(input.plate);
  const region = readRegion(input.region) || null;
  const at = readTime('at', input.at) ?? seconds(deps.clock);
  await recordLookup(db, actor, key, 'status');
  const bases = await basesOf(db, actor.accountId, { key, region }, at);
  const ended = bases.length > 0 ? [] : await endedBasesOf(db, actor.accountId, { key, region }, at);
  const status: PlateStatus = bases[0] ? statusOfBasis[bases[0].kind] : ended.length > 0 ? 'recently_expired' : 'unknown';
  const [watched, vehicles, allowances, notices, lastRead] = await Promise.all([
    store.findWatchlisted(db, actor.accountId, key),
    accountVehicleAdmission(db, actor.accountId),
    store.allowancesOf(db, { accountId: actor.accountId, activeAt: at }, maxActiveAllowances),
    noticesOf(db, { accountId: actor.accountId, plateKey: key }, 200),
    store.lastReadOfPlate(db, actor.accountId, key),
  ]);
  const lookAlike = lookAlikeKey(key);
  const known = [...vehicles.map((vehicle) => vehicle.plate), ...allowances.map((row) => row.plate_key)];
  return {
    plate: key, status,
    bases: status === 'recently_expired' ? ended : bases,
    watchlisted: watched !== undefined,
    nearMatches: [...new Set(known.filter((plate) => plate !== key && lookAlikeKey(plate) === lookAlike))].sort(),
    openNotices: notices.filter((row) => openStatuses.includes(row.status as never)).map(presentNotice),
    lastRead: lastRead ? { id: lastRead.id, doorId: lastRead.door_id, doorName: lastRead.door_name, decision: lastRead.decision, direction: lastRead.direction, occurredAt: Number(lastRead.occurred_at) } : null,
  };
}

export interface PlateSearchAnswer {
  plate: string;
  notices: Notice[];
  allowances: Allowance[];
  guestPasses: PlateGuestPass[];
}

/** A pass as a patroller sees it: who, when, and its status now; never its link or PIN. */
export interface PlateGuestPass {
  id: string;
  guestName: string;
  kind: string;
  plate: string;
  region: string | null;
  status: PassStatus;
  startsAt: number;
  endsAt: number;
}

/** Everything the account holds on a plate (recorded as a look-up). */
export async function plateSearch(deps: EnforcerDeps, actor: EnforcerActor, input: { plate?: string }): Promise<PlateSearchAnswer> {
  const { db } = deps;
  await enforcerRole(db, actor);
  const key = readPlateKey(input.plate);
  await recordLookup(db, actor, key, 'search');
  const now = seconds(deps.clock);
  const [notices, allowances, passes] = await Promise.all([
    noticesOf(db, { accountId: actor.accountId, plateKey: key }, 1000),
    store.allowancesOf(db, { accountId: actor.accountId, plateKey: key }, 1000),
    allGuestPassesOfPlate(db, actor.accountId, key, 1000),
  ]);
  const guestPasses = passes.map((row): PlateGuestPass => ({
    id: row.id, guestName: row.guest_name, kind: row.kind, plate: row.plate ?? key, region: row.region, status: passStatus(row, now), startsAt: Number(row.starts_at), endsAt: passEnd(row),
  }));
  return { plate: key, notices: notices.map(presentNotice), allowances: allowances.map(presentAllowance), guestPasses };
}
