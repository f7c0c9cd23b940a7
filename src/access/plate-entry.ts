// A licence plate read at a controller entity (phase2.md B.4). One
// transaction holds the reader's row, so two processes hearing reads of one
// car take turns: the second finds the first's grant and is a repeat. In it
// the read is decided and kept (plate_reads), with a refusal's history row
// and event; after it commits, a grant opens the door (B.5) and is announced.
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { nobody } from '../events/types.ts';
import type { Database, ReadBasis, ReadDecision } from '../store/database.ts';
import { doorByEntity, findDevice } from '../store/repositories/devices.ts';
import { findDoor } from '../store/repositories/doors.ts';
import * as reads from '../store/repositories/lpr-reads.ts';
import type { RefusalReason } from './access-union.ts';
import { decide } from './decide.ts';
import type { PlateRead } from './door-side-port.ts';
import { DomainError } from './errors.ts';
import { recordAccessEvent } from './history.ts';
import { compactId } from './ids.ts';
import { guestPassForPlate, guestPlateUsed } from './guests/use.ts';
import { accountVehicleAdmission, type VehicleAdmission } from './lpr-admission.ts';
import { readerDefaults } from './lpr-readers.ts';
import { alertsOfRead } from './enforcer/alerts.ts';
import { allowanceAdmitting } from './enforcer/allowances.ts';
import { lookAlikeKey, plateKey, platesMatch, regionCode } from './plates.ts';
import { completeToggle, startDecidedToggle, type ToggleDeps } from './toggle-door.ts';

/** A stay: a granted entry this recent, with no exit since, lets the plate out at a `both` reader. */
export const STAY_SECONDS = 24 * 3600;

export type ReadOutcome =
  /** A disabled reader: nothing recorded, nothing opened. */
  | { decision: 'disabled' }
  /** A read id the controller sent before: already decided. */
  | { decision: 'ignored' }
  | { decision: ReadDecision; readId: string; reason: string | null; toggleId?: string };

interface Decided {
  decision: ReadDecision;
  direction: 'entry' | 'exit';
  reason?: string;
  basis?: ReadBasis;
  basisId?: string;
  personId?: string | null;
  nearMatches?: string[];
}

const refusalReasons: Record<RefusalReason, string> = { no_access: 'no access', outside_hours: 'outside hours', not_started: 'not started', ended: 'ended' };

export async function plateEntry(toggle: ToggleDeps, deviceId: string, read: PlateRead): Promise<ReadOutcome> {
  const { db, clock } = toggle;
  const device = await findDevice(db, deviceId);
  // Told to the log (once a minute per controller) by the device side: nothing here to record.
  if (!device?.account_id) throw new DomainError('not_found', 'a plate read from a controller no account has claimed, ignored');
  if (read.entityNumber > device.number_of_entities_controlled) throw new DomainError('not_found', `a plate read at entity ${read.entityNumber}, which the controller does not have, ignored`);
  const accountId = device.account_id;

  const recorded = await db.transaction().execute(async (trx): Promise<{ decision: 'disabled' | 'ignored' } | { row: Database['plate_reads']; doorId: string }> => {
    const now = seconds(clock.now());
    const reader = await reads.lockReader(trx, {
      device_id: deviceId, entity_number: read.entityNumber, door_id: readerDefaults.doorId, direction: readerDefaults.direction,
      min_confidence: readerDefaults.minConfidence, repeat_window_s: readerDefaults.repeatWindowS, enabled: readerDefaults.enabled ? 1 : 0, updated_at: now,
    });
    if (reader.enabled !== 1) return { decision: 'disabled' as const };
    if (read.readId !== undefined && (await reads.knownReadId(trx, deviceId, read.readId))) return { decision: 'ignored' as const };
    const door = reader.door_id ? await findDoor(trx, reader.door_id) : await doorByEntity(trx, deviceId, read.entityNumber);
    if (!door) throw new DomainError('not_found', `a plate read at entity ${read.entityNumber}, which has no door and no reader door, ignored`);

    const key = plateKey(read.plate);
    const region = regionCode(read.region);
    const confidence = read.confidence ?? 1;
    const byMembers = await decideRead(trx, toggle, { accountId, deviceId, doorId: door.id, reader, key, region, confidence, now });
    // An allowance listing this door lets in what the members' windows did not, as the system (phase2.md C.1).
    const allowance = byMembers.decision === 'refused' ? await allowanceAdmitting(trx, accountId, { key: key!, region }, door.id, now) : undefined;
    const decided: Decided = allowance ? { ...byMembers, decision: 'granted', reason: undefined, basis: 'allowance', basisId: allowance.id, personId: null } : byMembers;
    const row: Database['plate_reads'] = {
      id: randomBytes(16).toString('hex'),
      account_id: accountId,
      device_id: deviceId,
      entity_number: read.entityNumber,
      door_id: door.id,
      read_id: read.readId ?? null,
      plate: read.plate,
      plate_key: key,
      region,
      confidence,
      candidates: JSON.stringify(read.candidates ?? []),
      direction: decided.direction,
      decision: decided.decision,
      reason: decided.reason ?? null,
      basis: decided.basis ?? null,
      basis_id: decided.basisId ?? null,
      person_id: decided.personId ?? null,
      toggle_id: null,
      near_matches: JSON.stringify(decided.nearMatches ?? []),
      occurred_at: seconds(read.at),
      received_at: now,
    };
    // The same read id raced in at another entity of this controller: that one decides it.
    if (!(await reads.insertPlateRead(trx, row))) return { decision: 'ignored' as const };
    await alertsOfRead(trx, { accountId, doorId: door.id, plateKey: key, readId: row.id, decision: row.decision, at: now });
    if (decided.decision === 'refused') {
      await recordAccessEvent(trx, { doorId: door.id, deviceId, personId: null, channel: 'LPR', doorState: 'OPEN', wasSuccess: false, occurredAt: row.occurred_at });
      // To the people who watch the account's readers, not to everyone who can see the gate.
      await appendEvent(trx, {
        type: 'unauthorized_attempt', accountId, personIds: await reads.readWatchers(trx, accountId), occurredAt: now,
        data: { doorID: compactId(door.id), deviceID: compactId(deviceId), channel: 'LPR', reason: row.reason!, userThatToggled: nobody, plate: key!, readID: row.id },
      });
    }
    return { row, doorId: door.id };
  });
  if (!('row' in recorded)) return recorded;
  const { row, doorId } = recorded;
  const outcome = { decision: row.decision, readId: row.id, reason: row.reason };
  if (row.decision !== 'granted') return outcome;
  return { ...outcome, toggleId: await open(toggle, row, doorId) };
}

interface ReadContext {
  accountId: string;
  deviceId: string;
  doorId: string;
  reader: Database['lpr_readers'];
  key: string | null;
  region: string | null;
  confidence: number;
  /** Seconds, the clock's. */
  now: number;
}

async function decideRead(trx: Transaction<Database>, toggle: ToggleDeps, read: ReadContext): Promise<Decided> {
  const { reader, key } = read;
  const readerDirection = reader.direction === 'exit' ? 'exit' : 'entry';
  if (key === null) return { decision: 'unreadable', direction: readerDirection };
  if (read.confidence < reader.min_confidence) return { decision: 'low_confidence', direction: readerDirection };
  if (reader.repeat_window_s > 0) {
    const earlier = await reads.grantedAtReaderSince(trx, { deviceId: read.deviceId, entityNumber: reader.entity_number }, key, read.now - reader.repeat_window_s);
    if (earlier) return { decision: 'repeat', direction: readerDirection, personId: earlier.person_id };
  }
  const vehicles = await accountVehicleAdmission(trx, read.accountId);
  const nearMatches = [...new Set(vehicles.filter((vehicle) => vehicle.plate !== key && lookAlikeKey(vehicle.plate) === lookAlikeKey(key)).map((vehicle) => vehicle.plate))];
  const latest = reader.direction === 'entry' ? undefined : await reads.latestGrantedOfPlate(trx, read.accountId, key, read.now - STAY_SECONDS);
  const stay = latest?.direction === 'entry' ? latest : undefined;
  const direction = reader.direction === 'exit' || stay ? 'exit' : 'entry';
  if (direction === 'exit' && stay) return { decision: 'granted', direction, basis: 'stay', basisId: stay.id, personId: stay.person_id, nearMatches };
  // A guest pass ranks before a member vehicle (A.2); it opens for its issuer.
  const guest = await guestPassForPlate(trx, toggle.clock, { doorId: read.doorId, key, region: read.region, now: read.now });
  if (guest) return { decision: 'granted', direction, basis: 'guest_pass', basisId: guest.id, personId: guest.issuer_id, nearMatches };

  const holders = vehicles.filter((vehicle) => platesMatch({ key: vehicle.plate, region: regionCode(vehicle.region) }, { key, region: read.region }));
  const refused = (reason: string): Decided => ({ decision: 'refused', direction, reason, nearMatches });
  if (holders.length === 0) return refused('unknown plate');
  const admitted = holders.filter((vehicle) => vehicle.admitted);
  if (admitted.length === 0) return refused(holders.some((vehicle) => vehicle.reason === 'excluded') ? 'excluded' : 'over vehicle cap');
  let firstRefusal: RefusalReason | undefined;
  for (const vehicle of admitted) {
    const answer = await decide(trx, toggle.clock, { subject: { personId: vehicle.personId }, doorId: read.doorId, at: new Date(toggle.clock.now()) });
    // Nobody is kept in for the time of day: hours never refuse an exit.
    if (answer.allowed || (direction === 'exit' && answer.reason === 'outside_hours')) return granted(vehicle, direction, nearMatches);
    firstRefusal ??= answer.reason;
  }
  return refused(refusalReasons[firstRefusal!]);
}

function granted(vehicle: VehicleAdmission, direction: 'entry' | 'exit', nearMatches: string[]): Decided {
  return { decision: 'granted', direction, basis: 'member', basisId: vehicle.vehicleId, personId: vehicle.personId, nearMatches };
}

/**
 * After the decision is committed (no controller wait inside it): the door
 * opens for the basis person, or for nobody; the read keeps the command's id
 * and the grant is announced. Returns the command's id, or undefined when the
 * door could not be asked (offline, busy: its history row says so).
 */
async function open(toggle: ToggleDeps, row: Database['plate_reads'], doorId: string): Promise<string | undefined> {
  const actor = row.person_id ? { personId: row.person_id } : 'system' as const;
  const pending = await startDecidedToggle(toggle, actor, { doorId, state: 'OPEN', channel: 'LPR' }).catch((error: unknown) => {
    if (error instanceof DomainError) return undefined;
    throw error;
  });
  await toggle.db.transaction().execute(async (trx) => {
    if (pending) await reads.setReadToggle(trx, row.id, pending.toggleId);
    await appendEvent(trx, {
      type: 'vehicle_admitted', accountId: row.account_id, personIds: await reads.readWatchers(trx, row.account_id), occurredAt: row.received_at,
      data: {
        readID: row.id, doorID: compactId(doorId), plate: row.plate_key!, basis: row.basis!, basisID: compactId(row.basis_id!),
        personID: row.person_id ? compactId(row.person_id) : '', toggleID: pending?.toggleId ?? '',
      },
    });
  });
  if (!pending) return undefined;
  // The outcome (moved, failed, no answer) is the command's own record.
  const guestPassId = row.basis === 'guest_pass' ? row.basis_id! : undefined;
  const done = await completeToggle(toggle, { personId: row.person_id, guestPassId }, pending, 'LPR').catch((error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
  });
  if (done && guestPassId) await guestPlateUsed(toggle, guestPassId, doorId, pending.toggleId);
  return pending.toggleId;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
