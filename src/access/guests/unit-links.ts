// Unit links (phase2.md D.3): a resident's self-registration link. Visitors
// who open it register themselves; the pass is issued in the owner's name
// (auto_approve) or waits as `pending` for the owner. The token is 256 random
// bits, sealed so the owner sees the url again and hashed for the look-up;
// it is never stored or logged in the clear.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import { generateSecret, hashSecret } from '../../security/secrets.ts';
import type { Database } from '../../store/database.ts';
import { findAccount, findMembership } from '../../store/repositories/accounts.ts';
import { findPersonById } from '../../store/repositories/people.ts';
import { doorsOfAccount } from '../../store/repositories/doors.ts';
import { oneLine, type MailMessage } from '../../mail/mailer.ts';
import { zonedTime } from '../hours-text.ts';
import { localWindow } from '../local-window.ts';
import { requestedMail } from './mail.ts';
import { issuePass, type GuestDeps, type GuestPass } from './passes.ts';
import {
  deleteUnitLinkRow, findUnitLink, issuingMemberships, findUnitLinkByTokenHash, insertUnitLink, registrationsSince, unitLinksOfAccount, updateUnitLinkRow, type UnitLinkWithDoors,
} from '../../store/repositories/unit-links.ts';
import { actingAccount } from '../acting-account.ts';
import { visibleDoors, type Viewer } from '../door-policy.ts';
import { DomainError } from '../errors.ts';
import { compactId, parseId } from '../ids.ts';

export const maxLabelLength = 100;
export const defaultMaxHours = 24;
export const maxMaxHours = 168;
export const maxLinkDoors = 20;
/** Registrations a link takes in an hour; more is 429 (the owner's mailbox is what it protects). */
export const registrationsPerHour = 10;

export type UnitLinkDeps = Pick<GuestDeps, 'db' | 'clock' | 'box' | 'publicUrl'>;

export interface UnitLink {
  id: string;
  accountId: string;
  ownerId: string;
  label: string;
  doorIds: string[];
  maxHours: number;
  autoApprove: boolean;
  active: boolean;
  url: string;
  createdAt: number;
}

export interface UnitLinkInput {
  label?: string;
  door_ids?: string[];
  max_hours?: number;
  auto_approve?: boolean;
  active?: boolean;
}

function present(deps: Pick<UnitLinkDeps, 'box' | 'publicUrl'>, row: UnitLinkWithDoors): UnitLink {
  return {
    id: row.id, accountId: row.account_id, ownerId: row.owner_id, label: row.label, doorIds: row.door_ids,
    maxHours: row.max_hours, autoApprove: row.auto_approve === 1, active: row.active === 1,
    url: `${deps.publicUrl}/u/${deps.box.open(row.token_sealed)}`, createdAt: row.created_at,
  };
}

/** The Admin, or a User with `guests` while the account lets Users issue; a non-member is not found. */
async function requireGuestIssuer(db: Kysely<Database>, accountId: string, personId: string): Promise<{ admin: boolean }> {
  const membership = await findMembership(db, accountId, personId);
  if (!membership) throw new DomainError('not_found', 'No such account.');
  const issuing = (await issuingMemberships(db, personId)).find((row) => row.id === accountId);
  if (!issuing) throw new DomainError('forbidden', 'You may not issue guest passes at this account.');
  return { admin: issuing.role === 'admin' };
}

function readLabel(value: unknown): string {
  const label = typeof value === 'string' ? value.trim() : '';
  if (label === '' || [...label].length > maxLabelLength) throw new DomainError('invalid', `Invalid label: 1 to ${maxLabelLength} characters.`);
  // It is quoted in mails and shown on the visitor's page: one line.
  if (/\p{Cc}/u.test(label)) throw new DomainError('invalid', 'Invalid label: it cannot contain control characters or line breaks.');
  return label;
}

function readMaxHours(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > maxMaxHours) throw new DomainError('invalid', `Invalid max_hours: a whole number of hours from 1 to ${maxMaxHours}.`);
  return value as number;
}

/** The link's doors: 1 to 20 of the account's doors the owner sees (another's or unknown: 404), each once. */
async function readLinkDoors(db: Kysely<Database>, viewer: Viewer, accountId: string, value: unknown, at: Date): Promise<string[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > maxLinkDoors) throw new DomainError('invalid', `Invalid door_ids: 1 to ${maxLinkDoors} doors.`);
  const visible = new Set((await visibleDoors(db, viewer, at)).filter((door) => door.row.account_id === accountId).map((door) => door.id));
  const ids = value.map((input) => parseId(input));
  for (const id of ids) if (!id || !visible.has(id)) throw new DomainError('not_found', 'No such door.');
  return [...new Set(ids as string[])];
}

export async function createUnitLink(deps: UnitLinkDeps, viewer: Viewer, accountId: string, input: UnitLinkInput): Promise<UnitLink> {
  await requireGuestIssuer(deps.db, accountId, viewer.personId);
  const now = Math.floor(deps.clock.now() / 1000);
  const label = readLabel(input.label);
  const doorIds = await readLinkDoors(deps.db, viewer, accountId, input.door_ids, new Date(deps.clock.now()));
  const maxHours = input.max_hours === undefined ? defaultMaxHours : readMaxHours(input.max_hours);
  const token = generateSecret(32);
  const row = {
    id: randomBytes(16).toString('hex'), account_id: accountId, owner_id: viewer.personId, label, max_hours: maxHours,
    auto_approve: input.auto_approve ? 1 : 0, active: input.active === false ? 0 : 1,
    token_hash: hashSecret(token), token_sealed: deps.box.seal(token), created_at: now, updated_at: now,
  };
  await deps.db.transaction().execute((trx) => insertUnitLink(trx, row, doorIds));
  return present(deps, { ...row, door_ids: doorIds });
}

/** The owner's links; the Admin's: every link of the account. */
export async function listUnitLinks(deps: UnitLinkDeps, viewer: Viewer, accountId: string): Promise<UnitLink[]> {
  const { admin } = await requireGuestIssuer(deps.db, accountId, viewer.personId);
  return (await unitLinksOfAccount(deps.db, accountId, admin ? undefined : viewer.personId)).map((row) => present(deps, row));
}

/** A link its owner or the account's Admin may change; anyone else's is not found. */
async function manageableLink(db: Kysely<Database>, viewer: Viewer, idInput: string): Promise<UnitLinkWithDoors> {
  const id = /^[0-9a-f]{32}$/i.test(idInput.replace(/-/g, '')) ? compactId(idInput) : undefined;
  const row = id === undefined ? undefined : await findUnitLink(db, id);
  if (!row) throw new DomainError('not_found', 'No such unit link.');
  // Not a member, or an application the account shut out: not found, like any account route.
  await actingAccount(db, viewer, row.account_id);
  const { admin } = await requireGuestIssuer(db, row.account_id, viewer.personId);
  if (row.owner_id !== viewer.personId && !admin) throw new DomainError('not_found', 'No such unit link.');
  return row;
}

export async function updateUnitLink(deps: UnitLinkDeps, viewer: Viewer, id: string, input: UnitLinkInput): Promise<UnitLink> {
  const row = await manageableLink(deps.db, viewer, id);
  const changes = {
    ...(input.label !== undefined ? { label: readLabel(input.label) } : {}),
    ...(input.max_hours !== undefined ? { max_hours: readMaxHours(input.max_hours) } : {}),
    ...(input.auto_approve !== undefined ? { auto_approve: input.auto_approve ? 1 : 0 } : {}),
    ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
    updated_at: Math.floor(deps.clock.now() / 1000),
  };
  // The owner's doors, also when the Admin changes the link: the page issues in the owner's name.
  const doorIds = input.door_ids === undefined ? undefined : await readLinkDoors(deps.db, { personId: row.owner_id, grant: viewer.grant }, row.account_id, input.door_ids, new Date(deps.clock.now()));
  // Deleted by another request since it was read: its doors would have no link to belong to.
  if (!(await deps.db.transaction().execute((trx) => updateUnitLinkRow(trx, row.id, changes, doorIds)))) throw new DomainError('not_found', 'No such unit link.');
  return present(deps, { ...row, ...changes, door_ids: doorIds ?? row.door_ids });
}

export async function deleteUnitLink(deps: UnitLinkDeps, viewer: Viewer, id: string): Promise<UnitLink> {
  const row = await manageableLink(deps.db, viewer, id);
  await deleteUnitLinkRow(deps.db, row.id);
  return present(deps, row);
}

/** The link behind a token as its page shows it: unknown is not found; an inactive link is returned so the page can say so. */
export async function unitLinkOfToken(db: Kysely<Database>, token: string): Promise<UnitLinkWithDoors> {
  const row = token.length > 0 && token.length <= 100 ? await findUnitLinkByTokenHash(db, hashSecret(token)) : undefined;
  if (!row) throw new DomainError('not_found', 'This link is not valid. Check that it was copied whole.');
  return row;
}

/** 429 once the link took its registrations of the last hour (app clock, so every process counts the same). */
export async function requireRegistrationRoom(db: Kysely<Database>, link: UnitLinkWithDoors, now: number): Promise<void> {
  if (await registrationsSince(db, link.id, now - 3600) >= registrationsPerHour) {
    throw new DomainError('rate_limited', 'This link took as many registrations as it can in an hour. Try again later.', { retryAfter: 3600 });
  }
}

/** "This evening" for a visit: 19:00 today in the zone while still ahead, else the next full hour; as long as allowed, at most 2 hours. */
export function defaultVisit(now: number, timeZone: string, maxHours: number): { startsAt: number; endsAt: number } {
  const local = DateTime.fromSeconds(now, { zone: timeZone });
  const evening = local.set({ hour: 19, minute: 0, second: 0, millisecond: 0 });
  const startsAt = evening > local ? Math.floor(evening.toSeconds()) : Math.floor(local.startOf('hour').plus({ hours: 1 }).toSeconds());
  return { startsAt, endsAt: startsAt + Math.min(maxHours, 2) * 3600 };
}

export interface UnitLinkPage {
  label: string;
  active: boolean;
  autoApprove: boolean;
  maxHours: number;
  ownerFirstName: string;
  doorNames: string[];
  timeZone: string;
}

/** What the registration page tells a visitor: whose link, which doors, in which zone. */
export async function unitLinkPage(deps: Pick<UnitLinkDeps, 'db'>, token: string): Promise<UnitLinkPage> {
  const link = await unitLinkOfToken(deps.db, token);
  const [owner, account, doors] = await Promise.all([findPersonById(deps.db, link.owner_id), findAccount(deps.db, link.account_id), doorsOfAccount(deps.db, link.account_id)]);
  return {
    label: link.label, active: link.active === 1, autoApprove: link.auto_approve === 1, maxHours: link.max_hours,
    ownerFirstName: owner!.first_name, timeZone: account!.time_zone,
    doorNames: doors.filter((door) => link.door_ids.includes(door.id)).map((door) => door.name),
  };
}

export interface RegistrationForm {
  name?: string;
  email?: string;
  plate?: string;
  /** "YYYY-MM-DDTHH:MM" in the account's zone. */
  starts_at?: string;
  ends_at?: string;
}

export interface Registration {
  status: 'pending' | 'issued';
  email: string;
  ownerFirstName: string;
}

/**
 * A visitor's registration: a `window` pass on the link's doors in the owner's
 * name, within max_hours and the account's policy; pending (the owner mailed,
 * the visitor told it waits) unless the link approves at once (the visitor
 * mailed the pass). The owner's own rules apply as if they issued it.
 */
export async function registerAtUnitLink(deps: GuestDeps, link: UnitLinkWithDoors, form: RegistrationForm): Promise<Registration> {
  const now = Math.floor(deps.clock.now() / 1000);
  await requireRegistrationRoom(deps.db, link, now);
  const account = (await findAccount(deps.db, link.account_id))!;
  const email = form.email?.trim() ?? '';
  if (email === '') throw new DomainError('invalid', 'Invalid email: give your email address; the pass is sent there.');
  const window = localWindow({ starts_at: form.starts_at, ends_at: form.ends_at }, account.time_zone);
  if (!window.starts_at || !window.ends_at) throw new DomainError('invalid', 'Invalid starts_at: give the times of your visit.');
  if (Date.parse(window.ends_at) - Date.parse(window.starts_at) > link.max_hours * 3_600_000) {
    throw new DomainError('invalid', `Invalid ends_at: a visit here lasts at most ${link.max_hours} ${link.max_hours === 1 ? 'hour' : 'hours'}.`);
  }
  const pending = link.auto_approve !== 1;
  const pass = await issuePass(deps, {
    accountId: link.account_id, viewer: { personId: link.owner_id }, guest: { name: form.name, email }, kind: 'window',
    startsAt: window.starts_at, endsAt: window.ends_at, doorIds: link.door_ids, plate: form.plate?.trim() || null, pending, unitLinkId: link.id,
  });
  const owner = (await findPersonById(deps.db, link.owner_id))!;
  if (pending) {
    await deps.mailer.send(requestedMail(owner.email, pass.guest.name, link.label, pass.startsAt, pass.endsAt, account.time_zone, `${deps.publicUrl}/account/guests`));
    await deps.mailer.send(requestReceivedMail(pass, owner.first_name, link.label, account.time_zone));
  }
  return { status: pending ? 'pending' : 'issued', email: pass.guest.email!, ownerFirstName: owner.first_name };
}

/** The visitor's "it waits for approval"; the pass itself is mailed once approved. */
function requestReceivedMail(pass: GuestPass, ownerFirstName: string, label: string, timeZone: string): MailMessage {
  const lines = [
    `Hello ${oneLine(pass.guest.name)},`, '',
    `${oneLine(ownerFirstName)} was asked to approve your visit (${oneLine(label)}):`,
    `from ${zonedTime(pass.startsAt, timeZone)} until ${zonedTime(pass.endsAt, timeZone)}.`, '',
    'We will email you the guest pass once it is approved, or tell you if it is declined.',
  ];
  return { to: pass.guest.email!, subject: 'Your visit is waiting for approval', text: `${lines.join('\n')}\n` };
}

export interface GuestAccount {
  id: string;
  name: string;
  timeZone: string;
  admin: boolean;
}

/** The accounts where the person may issue passes (the Guests section and its navigation). */
export async function guestAccountsOf(db: Kysely<Database>, personId: string): Promise<GuestAccount[]> {
  const rows = await issuingMemberships(db, personId);
  return rows.map((row) => ({ id: row.id, name: row.name, timeZone: row.time_zone, admin: row.role === 'admin' }));
}
