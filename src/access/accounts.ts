// What an account's Admin manages on the account itself.
import type { Kysely } from 'kysely';
import { secretMatches } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findMembership, renameAccount } from '../store/repositories/accounts.ts';
import { assignDevice, findDeviceByBlackbox } from '../store/repositories/doors.ts';
import { setAccountTimeZone, setThirdPartyAccessFlag } from '../store/repositories/accounts.ts';
import { readPolicyChanges, setGuestPolicy, type GuestPolicy } from './guests/policy.ts';
import { DomainError } from './errors.ts';
import { readVehicleCap, setVehicleCap } from './lpr-cap.ts';
import { canonicalTimeZone } from './schedules.ts';

/** Phase 2 section 0: an account the person is not a member of is not found; a member who is not its Admin is forbidden. */
export async function requireAdmin(db: Kysely<Database>, personId: string, accountId: string): Promise<void> {
  const membership = await findMembership(db, accountId, personId);
  if (!membership) throw new DomainError('not_found', 'No such account.');
  if (membership.role !== 'admin') throw new DomainError('forbidden', 'Only the account\'s Admin can do this.');
}

export const maxAccountNameLength = 100;

/** The account's name as everyone in it sees it; trimmed, 1 to 100 characters. */
function readAccountName(value: string): string {
  const name = value.trim();
  if (name === '') throw new DomainError('invalid', 'Invalid name: enter the account\'s name.');
  if (name.length > maxAccountNameLength) throw new DomainError('invalid', `Invalid name: at most ${maxAccountNameLength} characters.`);
  return name;
}

function readAccountTimeZone(value: string): string {
  if (value.trim() === '') throw new DomainError('invalid', 'Invalid time_zone: enter a time zone, such as America/New_York.');
  const timeZone = canonicalTimeZone(value);
  if (!timeZone) throw new DomainError('invalid', `Invalid time_zone: unknown time zone ${value.trim()}. Use an IANA name such as America/New_York.`);
  return timeZone;
}

export interface AccountChanges {
  name?: string;
  time_zone?: string;
  /** null removes the cap (phase2.md B.2). */
  lpr_vehicle_cap?: number | null;
  guest_policy?: Partial<GuestPolicy>;
}

/** The Admin changes the account's name, zone and vehicle cap; all are checked before any is written. */
export async function updateAccount(db: Kysely<Database>, personId: string, accountId: string, changes: AccountChanges): Promise<void> {
  await requireAdmin(db, personId, accountId);
  const name = changes.name === undefined ? undefined : readAccountName(changes.name);
  const timeZone = changes.time_zone === undefined ? undefined : readAccountTimeZone(changes.time_zone);
  const cap = changes.lpr_vehicle_cap === undefined ? undefined : readVehicleCap(changes.lpr_vehicle_cap);
  const policy = readPolicyChanges(changes.guest_policy ?? {});
  await db.transaction().execute(async (trx) => {
    if (name !== undefined) await renameAccount(trx, accountId, name);
    if (timeZone !== undefined) await setAccountTimeZone(trx, accountId, timeZone);
    if (cap !== undefined) await setVehicleCap(trx, accountId, cap);
    await setGuestPolicy(trx, accountId, policy);
  });
}

/** Spec 3: an Admin can switch third-party access off; the account's doors then vanish from every application. */
export async function setThirdPartyAccess(db: Kysely<Database>, personId: string, accountId: string, enabled: boolean): Promise<void> {
  await requireAdmin(db, personId, accountId);
  await setThirdPartyAccessFlag(db, accountId, enabled);
}

/** The zone the account's access hours are read in; only its Admin sets it (issue 9: a person's own zone must not move hours). */
export async function changeAccountTimeZone(db: Kysely<Database>, personId: string, accountId: string, value: string): Promise<string> {
  await requireAdmin(db, personId, accountId);
  if (value.trim() === '') throw new DomainError('invalid', 'Enter a time zone, such as America/New_York.');
  const timeZone = canonicalTimeZone(value);
  if (!timeZone) throw new DomainError('invalid', `Unknown time zone: ${value.trim()}. Use an IANA name such as America/New_York.`);
  await setAccountTimeZone(db, accountId, timeZone);
  return timeZone;
}

/**
 * Spec 2: the serial printed on a controller is public, so claiming one also
 * needs the claim code that ships inside its box. Both failures read the same.
 */
export async function claimController(db: Kysely<Database>, personId: string, accountId: string, blackboxCode: string, claimCode: string): Promise<string> {
  await requireAdmin(db, personId, accountId);
  const serial = blackboxCode.trim().toLowerCase();
  const device = /^[0-9a-f]{16}$/.test(serial) ? await findDeviceByBlackbox(db, serial) : undefined;
  const refused = new DomainError('invalid', 'That serial number and claim code do not match a controller that can be claimed.');
  if (!device || !secretMatches(claimCode.trim(), device.claim_code_hash)) throw refused;
  if (device.account_id !== null || !(await assignDevice(db, device.id, accountId))) throw refused;
  return device.id;
}

