// Guest passes (phase2.md D.1): who may issue them for which doors, within
// which limits; what each status is; revoking, approving and declining. Each
// change and its event are one transaction; mail goes after the commit.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Clock } from '../../clock.ts';
import { appendEvent } from '../../events/outbox.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { Box } from '../../security/encryption.ts';
import { accountAdmins, findMembership } from '../../store/repositories/accounts.ts';
import type { Database, GuestPassesTable, GuestPassKind } from '../../store/database.ts';
import {
  changePassState, countLivePasses, deleteUnitLinksOf, findGuestPass, freeGuestPin, guestPassDoorIds, guestPolicy, insertGuestPass, listGuestPasses, livePassesOf,
  updateGuestPass, type GuestPassRow,
} from '../../store/repositories/guest-passes.ts';
import { visibleDoors, type Viewer } from '../door-policy.ts';
import { DomainError } from '../errors.ts';
import { compactId, parseId } from '../ids.ts';
import { readEmail } from '../invitation-input.ts';
import { cursorAfter, cursorOf, pageOf, rowLimit, type ListPage } from '../lists.ts';
import { personProfile } from '../people.ts';
import { weeklyHoursProblem, type WeeklyHours } from '../schedules.ts';
import { readTime } from '../share-window.ts';
import { readPlate, readRegion } from '../vehicles.ts';
import { claimNewPin, linkUrl, newLinkToken } from './credentials.ts';
import { passIssuedMail, declinedMail, type PassLetter } from './mail.ts';
import { passStatus, type PassStatus } from './status.ts';

export interface GuestDeps {
  db: Kysely<Database>;
  clock: Clock;
  box: Box;
  pinKey: Buffer;
  mailer: Mailer;
  publicUrl: string;
}

export const guestKinds = ['window', 'recurring', 'one_time'] as const satisfies readonly GuestPassKind[];
export const maxGuestNameLength = 100;
export const maxNoteLength = 500;
export const maxPassDoors = 20;

export interface GuestPass {
  id: string;
  accountId: string;
  issuer: { id: string; firstName: string; lastName: string };
  guest: { name: string; email: string | null; phone: string | null };
  kind: GuestPassKind;
  startsAt: number;
  endsAt: number;
  weeklyHours: WeeklyHours | null;
  /** Dashed ids. */
  doorIds: string[];
  plate: string | null;
  region: string | null;
  linkUrl: string;
  pin: string | null;
  status: PassStatus;
  uses: number;
  note: string;
  unitLinkId: string | null;
  createdAt: number;
}

export interface IssueInput {
  accountId: string;
  /** The issuer; a third-party grant limits the doors it may name. */
  viewer: Viewer;
  guest: { name?: string; email?: string | null; phone?: string | null };
  kind?: string;
  startsAt?: string | null;
  endsAt?: string | null;
  weeklyHours?: unknown;
  doorIds: readonly string[];
  plate?: string | null;
  region?: string | null;
  pin?: boolean;
  note?: string;
  /** false: nothing is mailed to the guest (the issuer passes the link on). */
  send?: boolean;
  /** Asked for through a unit link: `pending` until its owner approves (D.3); the guest is not mailed. */
  pending?: boolean;
  unitLinkId?: string;
}

function readText(field: string, value: string | null | undefined, max: number): string {
  const text = (value ?? '').normalize('NFC').trim();
  if ([...text].length > max) throw new DomainError('invalid', `Invalid ${field}: at most ${max} characters.`);
  if (/\p{Cc}/u.test(text)) throw new DomainError('invalid', `Invalid ${field}: it cannot contain control characters.`);
  return text;
}

function readGuest(guest: IssueInput['guest']): { name: string; email: string | null; phone: string | null } {
  const name = readText('guest.name', guest.name, maxGuestNameLength);
  if (name === '') throw new DomainError('invalid', 'Invalid guest.name: give the guest\'s name.');
  // readEmail trims: a line break inside must still be refused, not folded away.
  if (typeof guest.email === 'string' && /[\r\n]/.test(guest.email)) throw new DomainError('invalid', 'Invalid guest.email: not an email address.');
  const email = guest.email ? readEmail(guest.email, 'guest.email') : null;
  const phone = readText('guest.phone', guest.phone, 32) || null;
  return { name, email, phone };
}

function readKind(value: string | undefined): GuestPassKind {
  const kind = value ?? 'window';
  if (!(guestKinds as readonly string[]).includes(kind)) throw new DomainError('invalid', 'Invalid kind: use window, recurring or one_time.');
  return kind as GuestPassKind;
}

function readDoorIds(values: readonly string[]): string[] {
  const ids = [...new Set(values.map((value) => parseId(value) ?? ''))];
  if (ids.length === 0) throw new DomainError('invalid', 'Invalid door_ids: name at least one door.');
  if (ids.length > maxPassDoors) throw new DomainError('invalid', `Invalid door_ids: at most ${maxPassDoors} doors.`);
  if (ids.includes('')) throw new DomainError('not_found', 'No such door.');
  return ids;
}

type Policy = Awaited<ReturnType<typeof guestPolicy>>;

/** Admin or a User with `guests` while the account lets Users issue; else 403. */
async function requireIssuer(db: Kysely<Database>, accountId: string, personId: string, policy: Policy): Promise<boolean> {
  const member = await findMembership(db, accountId, personId);
  if (!member) throw new DomainError('not_found', 'No such account.');
  if (member.role === 'admin') return true;
  if (member.can_issue_guests !== 1) throw new DomainError('forbidden', 'You may not issue guest passes: ask the account\'s Admin for the guests permission.');
  if (policy.guest_users_may_issue !== 1) throw new DomainError('forbidden', 'The account\'s Admin has turned off guest passes issued by Users.');
  return false;
}

/**
 * The pass's doors: visible to the issuer and of the account (else 404); a
 * User's pass must fit inside their own `door_access` window (400 naming the
 * field). Weekly hours are not compared: each use is intersected with the
 * issuer's access at that instant.
 */
async function passDoors(db: Kysely<Database>, input: { accountId: string; viewer: Viewer }, doorIds: string[], window: { startsAt: number; endsAt: number }, at: Date) {
  const visible = new Map((await visibleDoors(db, input.viewer, at)).map((door) => [door.id, door]));
  const doors = doorIds.map((id) => {
    const door = visible.get(id);
    const granted = !input.viewer.grant || input.viewer.grant.allDoors || input.viewer.grant.doorIds.has(id);
    if (!door || door.row.account_id !== input.accountId || !granted) throw new DomainError('not_found', 'No such door.');
    return door;
  });
  for (const door of doors) {
    if (door.relationship === 'Owner' || !door.window) continue;
    if (door.window.startsAt !== null && window.startsAt < door.window.startsAt) throw new DomainError('invalid', `starts_at is before your own access to ${door.name} starts.`);
    if (door.window.endsAt !== null && window.endsAt > door.window.endsAt) throw new DomainError('invalid', `ends_at is after your own access to ${door.name} ends.`);
  }
  return doors;
}

/** The Admin, or a User with `guests` (whatever the policy: they still manage the passes they issued); else 403, not a member 404. */
async function requireGuestsMember(db: Kysely<Database>, accountId: string, personId: string) {
  const member = await findMembership(db, accountId, personId);
  if (!member) throw new DomainError('not_found', 'No such account.');
  if (member.role !== 'admin' && member.can_issue_guests !== 1) throw new DomainError('forbidden', 'You may not manage guest passes: ask the account\'s Admin for the guests permission.');
  return member;
}

const day = 86_400;

function checkLength(policy: Policy, kind: GuestPassKind, startsAt: number, endsAt: number): void {
  const [field, days] = kind === 'recurring' ? ['guest_max_recurring_days', policy.guest_max_recurring_days] : ['guest_max_days', policy.guest_max_days];
  if (endsAt - startsAt > days * day) throw new DomainError('limit_reached', `The pass is longer than the account allows (${field}: ${days} days).`);
}

export async function issuePass(deps: GuestDeps, input: IssueInput): Promise<GuestPass> {
  const now = Math.floor(deps.clock.now() / 1000);
  const policy = await guestPolicy(deps.db, input.accountId);
  const isAdmin = await requireIssuer(deps.db, input.accountId, input.viewer.personId, policy);
  const guest = readGuest(input.guest);
  const kind = readKind(input.kind);
  const startsAt = readTime('starts_at', input.startsAt) ?? now;
  const endsAt = readTime('ends_at', input.endsAt);
  if (endsAt === null) throw new DomainError('invalid', 'Invalid ends_at: a guest pass needs an end.');
  if (endsAt <= startsAt) throw new DomainError('invalid', 'ends_at must be after starts_at.');
  if (endsAt <= now) throw new DomainError('invalid', 'ends_at must be in the future.');
  let weeklyHours: WeeklyHours | null = null;
  if (kind === 'recurring') {
    const problem = input.weeklyHours === undefined || input.weeklyHours === null ? 'a recurring pass needs them' : weeklyHoursProblem(input.weeklyHours);
    if (problem) throw new DomainError('invalid', `Invalid weekly_hours: ${problem}.`);
    weeklyHours = input.weeklyHours as WeeklyHours;
  } else if (input.weeklyHours !== undefined && input.weeklyHours !== null) {
    throw new DomainError('invalid', 'Invalid weekly_hours: only a recurring pass has weekly hours.');
  }
  const doorIds = readDoorIds(input.doorIds);
  const plate = input.plate ? readPlate(input.plate) : null;
  const region = plate ? readRegion(input.region) || null : null;
  const note = readText('note', input.note, maxNoteLength);
  const doors = await passDoors(deps.db, input, doorIds, { startsAt, endsAt }, new Date(now * 1000));
  checkLength(policy, kind, startsAt, endsAt);

  const id = randomBytes(16).toString('hex');
  const link = newLinkToken(deps.box);
  const issuerId = input.viewer.personId;
  const state = input.pending ? 'pending' as const : 'issued' as const;
  const pin = await deps.db.transaction().execute(async (trx) => {
    // Counted inside the transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
    // issuer's membership row locked), so two passes at once cannot both be the 10th.
    await lockMember(trx, input.accountId, issuerId);
    if (!isAdmin && (await countLivePasses(trx, input.accountId, issuerId, now)) >= policy.guest_max_active_per_issuer) {
      throw new DomainError('limit_reached', `You already have ${policy.guest_max_active_per_issuer} live guest passes, the most the account allows (guest_max_active_per_issuer). Revoke one first.`);
    }
    await insertGuestPass(trx, {
      id, account_id: input.accountId, issuer_id: issuerId, unit_link_id: input.unitLinkId ?? null,
      guest_name: guest.name, guest_email: guest.email, guest_phone: guest.phone, kind, starts_at: startsAt, ends_at: endsAt,
      weekly_hours: weeklyHours ? JSON.stringify(weeklyHours) : null, plate, plate_key: plate, region,
      token_sealed: link.sealed, token_hash: link.hash, pin_sealed: null, pin_lookup: null, state,
      first_used_at: null, arrival_mailed_at: null, reminder_sent_at: null, note, revoked_by: null, created_at: now, updated_at: now,
    }, doorIds);
    const drawn = input.pin ? await claimNewPin(trx, deps, { id, account_id: input.accountId, issuer_id: issuerId }, policy.guest_pin_length) : null;
    if (drawn) await updateGuestPass(trx, id, { pin_sealed: drawn.sealed, pin_lookup: drawn.lookup });
    const row = (await findGuestPass(trx, id))!;
    await announce(trx, input.pending ? 'guest_pass_requested' : 'guest_pass_issued', row, doorIds, now);
    return drawn?.pin ?? null;
  });
  const pass = await presentOne(deps, (await findGuestPass(deps.db, id))!);
  if (state === 'issued' && input.send !== false && guest.email) await deps.mailer.send(passIssuedMail(await letterFor(deps, pass, doors.map((door) => door.name))));
  return { ...pass, pin };
}

async function lockMember(trx: Transaction<Database>, accountId: string, personId: string): Promise<void> {
  await trx.updateTable('account_members').set((eb) => ({ role: eb.ref('role') })).where('account_id', '=', accountId).where('person_id', '=', personId).execute();
}

/** To the issuer and the account's Admin. */
async function announce(trx: Transaction<Database>, type: 'guest_pass_issued' | 'guest_pass_revoked' | 'guest_pass_requested', row: GuestPassRow, doorIds: string[], now: number): Promise<void> {
  const admins = (await accountAdmins(trx, [row.account_id])).map((admin) => admin.person_id);
  await appendEvent(trx, {
    type, accountId: row.account_id, personIds: [...new Set([row.issuer_id, ...admins])], occurredAt: now,
    data: {
      guestPassID: row.id, issuerID: compactId(row.issuer_id), kind: row.kind, doorIDs: doorIds.map(compactId), plate: row.plate ?? '',
      startsAt: isoSeconds(row.starts_at), endsAt: isoSeconds(row.ends_at),
    },
  });
}

function isoSeconds(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

export async function presentOne(deps: Pick<GuestDeps, 'db' | 'clock' | 'box' | 'publicUrl'>, row: GuestPassRow): Promise<GuestPass> {
  return (await present(deps, [row]))[0]!;
}

async function present(deps: Pick<GuestDeps, 'db' | 'clock' | 'box' | 'publicUrl'>, rows: GuestPassRow[]): Promise<GuestPass[]> {
  const doors = await guestPassDoorIds(deps.db, rows.map((row) => row.id));
  const issuers = new Map<string, GuestPass['issuer']>();
  for (const row of rows) {
    if (issuers.has(row.issuer_id)) continue;
    const profile = await personProfile(deps.db, row.issuer_id);
    issuers.set(row.issuer_id, { id: profile.id, firstName: profile.firstName, lastName: profile.lastName });
  }
  const now = Math.floor(deps.clock.now() / 1000);
  return rows.map((row) => ({
    id: row.id, accountId: row.account_id, issuer: issuers.get(row.issuer_id)!,
    guest: { name: row.guest_name, email: row.guest_email, phone: row.guest_phone },
    kind: row.kind, startsAt: Number(row.starts_at), endsAt: Number(row.ends_at),
    weeklyHours: row.weekly_hours ? JSON.parse(row.weekly_hours) as WeeklyHours : null,
    doorIds: doors.get(row.id) ?? [], plate: row.plate, region: row.region,
    linkUrl: linkUrl(deps.publicUrl, deps.box.open(row.token_sealed)), pin: row.pin_sealed ? deps.box.open(row.pin_sealed) : null,
    status: passStatus(row, now), uses: Number(row.uses), note: row.note, unitLinkId: row.unit_link_id, createdAt: Number(row.created_at),
  }));
}

/** The letter the guest gets about a pass, in the account's zone. */
export async function letterFor(deps: Pick<GuestDeps, 'db'>, pass: GuestPass, doorNames?: string[]): Promise<PassLetter> {
  const policy = await guestPolicy(deps.db, pass.accountId);
  const names = doorNames ?? (await deps.db.selectFrom('doors').select('name').where('id', 'in', pass.doorIds).orderBy('name').execute()).map((door) => door.name);
  return {
    to: pass.guest.email ?? '', guestName: pass.guest.name, issuerFirstName: pass.issuer.firstName, accountName: policy.name, timeZone: policy.time_zone,
    doorNames: names, startsAt: pass.startsAt, endsAt: pass.endsAt, linkUrl: pass.linkUrl, pin: pass.pin, plate: pass.plate,
  };
}

/** A pass the viewer may see: its issuer's, or any of the account for its Admin; else 404. */
export async function viewablePass(db: Kysely<Database>, personId: string, passInput: string, accountId?: string): Promise<GuestPassRow> {
  if (accountId) await requireGuestsMember(db, accountId, personId);
  const id = /^[0-9a-f]{32}$/i.test(passInput) ? passInput.toLowerCase() : '';
  const row = id ? await findGuestPass(db, id) : undefined;
  if (!row || (accountId && row.account_id !== accountId)) throw new DomainError('not_found', 'No such guest pass.');
  if (row.issuer_id === personId) return row;
  const member = await findMembership(db, row.account_id, personId);
  if (member?.role !== 'admin') throw new DomainError('not_found', 'No such guest pass.');
  return row;
}

export async function getPass(deps: GuestDeps, personId: string, passId: string, accountId?: string): Promise<GuestPass> {
  return presentOne(deps, await viewablePass(deps.db, personId, passId, accountId));
}

export interface PassListQuery extends ListPage {
  accountId: string;
  personId: string;
  /** me: the viewer's own; all: the account's (its Admin only). Undefined: all for the Admin, own for others. */
  issuer?: 'me' | 'all';
  status?: PassStatus;
  plate?: string;
}

const storedStates: Record<PassStatus, readonly GuestPassRow['state'][]> = {
  pending: ['pending'], scheduled: ['issued'], active: ['issued'], expired: ['issued'], used: ['issued'], revoked: ['revoked'], declined: ['declined'],
};

/** Newest first; statuses that follow from the clock are filtered after the read, page by page. */
export async function listPasses(deps: GuestDeps, query: PassListQuery): Promise<{ items: GuestPass[]; nextCursor: string | null }> {
  const limit = rowLimit(query);
  const member = await requireGuestsMember(deps.db, query.accountId, query.personId);
  const all = (query.issuer ?? (member.role === 'admin' ? 'all' : 'me')) === 'all';
  if (all && member.role !== 'admin') throw new DomainError('forbidden', 'Only the account\'s Admin may list every guest pass (issuer=all).');
  let before = cursorOf(query);
  const plateKey = query.plate ? readPlate(query.plate) : undefined;
  const passes: GuestPass[] = [];
  // A derived status may skip rows: read on until the page is full or the list ends.
  for (;;) {
    const rows = await listGuestPasses(deps.db, {
      accountId: query.accountId, issuerId: all ? undefined : query.personId, plateKey,
      states: query.status ? storedStates[query.status] : undefined,
      before: before && { createdAt: before.at, id: before.id }, limit: limit + 1,
    });
    const presented = await present(deps, rows);
    for (const pass of presented) {
      if (query.status && pass.status !== query.status) continue;
      passes.push(pass);
      if (passes.length > limit) break;
    }
    const last = rows.at(-1);
    if (passes.length > limit || rows.length <= limit || !last) break;
    before = { at: Number(last.created_at), id: last.id };
  }
  return pageOf(passes, limit, query.all, (last) => cursorAfter(last.createdAt, last.id));
}

export interface PassChanges {
  endsAt?: string;
  guest?: IssueInput['guest'];
  note?: string;
}

/** `ends_at` only earlier; the guest and the note. A pass over (revoked, declined, expired, used) is 409 invalid_state. */
export async function updatePass(deps: GuestDeps, personId: string, passId: string, changes: PassChanges, accountId?: string): Promise<GuestPass> {
  const row = await viewablePass(deps.db, personId, passId, accountId);
  const now = Math.floor(deps.clock.now() / 1000);
  const status = passStatus(row, now);
  if (!['pending', 'scheduled', 'active'].includes(status)) throw new DomainError('invalid_state', `The guest pass is ${status}; it can no longer change.`);
  const set: Updateable<GuestPassesTable> = {};
  if (changes.endsAt !== undefined) {
    const endsAt = readTime('ends_at', changes.endsAt);
    if (endsAt === null || endsAt >= Number(row.ends_at)) throw new DomainError('invalid', 'Invalid ends_at: a pass can only end earlier.');
    if (endsAt <= Math.max(now, Number(row.starts_at))) throw new DomainError('invalid', 'Invalid ends_at: it must be after starts_at and in the future.');
    set.ends_at = endsAt;
  }
  if (changes.guest) {
    const guest = readGuest({ name: row.guest_name, email: row.guest_email, phone: row.guest_phone, ...changes.guest });
    Object.assign(set, { guest_name: guest.name, guest_email: guest.email, guest_phone: guest.phone });
  }
  if (changes.note !== undefined) set.note = readText('note', changes.note, maxNoteLength);
  await updateGuestPass(deps.db, row.id, { ...set, updated_at: now });
  return presentOne(deps, (await findGuestPass(deps.db, row.id))!);
}

/** Revoked at once: the link, PIN and plate stop; the PIN's claim is freed. Already over: 409 invalid_state. */
export async function revokePass(deps: GuestDeps, personId: string, passId: string, accountId?: string): Promise<GuestPass> {
  const row = await viewablePass(deps.db, personId, passId, accountId);
  const now = Math.floor(deps.clock.now() / 1000);
  const status = passStatus(row, now);
  if (!['pending', 'scheduled', 'active'].includes(status)) throw new DomainError('invalid_state', `The guest pass is ${status}; there is nothing to revoke.`);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await changePassState(trx, row.id, ['issued', 'pending'], { state: 'revoked', revoked_by: personId, updated_at: now }))) {
      throw new DomainError('invalid_state', 'The guest pass changed meanwhile; it can no longer be revoked.');
    }
    await freeGuestPin(trx, row.id);
    const doors = await guestPassDoorIds(trx, [row.id]);
    await announce(trx, 'guest_pass_revoked', row, doors.get(row.id) ?? [], now);
  });
  return presentOne(deps, (await findGuestPass(deps.db, row.id))!);
}

/** A pending pass (D.3) approved by its owner or the Admin: issued, announced, the guest mailed the link. */
export async function approvePass(deps: GuestDeps, personId: string, passId: string, accountId?: string): Promise<GuestPass> {
  const row = await viewablePass(deps.db, personId, passId, accountId);
  const now = Math.floor(deps.clock.now() / 1000);
  if (row.state !== 'pending') throw new DomainError('invalid_state', `The guest pass is ${passStatus(row, now)}, not pending.`);
  if (Number(row.ends_at) <= now) throw new DomainError('invalid_state', 'The guest pass ended before it was approved.');
  await deps.db.transaction().execute(async (trx) => {
    if (!(await changePassState(trx, row.id, ['pending'], { state: 'issued', updated_at: now }))) throw new DomainError('invalid_state', 'The guest pass was decided meanwhile.');
    const doors = await guestPassDoorIds(trx, [row.id]);
    await announce(trx, 'guest_pass_issued', row, doors.get(row.id) ?? [], now);
  });
  const pass = await presentOne(deps, (await findGuestPass(deps.db, row.id))!);
  if (pass.guest.email) await deps.mailer.send(passIssuedMail(await letterFor(deps, pass)));
  return pass;
}

/** A pending pass declined: it never opens anything; the guest is told. */
export async function declinePass(deps: GuestDeps, personId: string, passId: string, accountId?: string): Promise<GuestPass> {
  const row = await viewablePass(deps.db, personId, passId, accountId);
  const now = Math.floor(deps.clock.now() / 1000);
  if (row.state !== 'pending') throw new DomainError('invalid_state', `The guest pass is ${passStatus(row, now)}, not pending.`);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await changePassState(trx, row.id, ['pending'], { state: 'declined', updated_at: now }))) throw new DomainError('invalid_state', 'The guest pass was decided meanwhile.');
    await freeGuestPin(trx, row.id);
  });
  const pass = await presentOne(deps, (await findGuestPass(deps.db, row.id))!);
  if (pass.guest.email) await deps.mailer.send(declinedMail(await letterFor(deps, pass)));
  return pass;
}

/** Mails the pass (link, PIN) to the guest again. */
export async function sendPass(deps: GuestDeps, personId: string, passId: string, accountId?: string): Promise<GuestPass> {
  const row = await viewablePass(deps.db, personId, passId, accountId);
  const pass = await presentOne(deps, row);
  if (!['scheduled', 'active'].includes(pass.status)) throw new DomainError('invalid_state', `The guest pass is ${pass.status}; there is nothing to send.`);
  if (!pass.guest.email) throw new DomainError('invalid', 'Invalid guest.email: the pass has no email address to send it to.');
  await deps.mailer.send(passIssuedMail(await letterFor(deps, pass)));
  return pass;
}

/** Removing a member (A.7), inside its transaction: their live passes at the account revoked and announced, their unit links gone. */
export async function revokePassesOfLeavingMember(trx: Transaction<Database>, accountId: string, personId: string, adminId: string, now: number): Promise<void> {
  for (const row of await livePassesOf(trx, accountId, personId, now)) {
    await changePassState(trx, row.id, ['issued', 'pending'], { state: 'revoked', revoked_by: adminId, updated_at: now });
    await freeGuestPin(trx, row.id);
    const doors = await guestPassDoorIds(trx, [row.id]);
    await announce(trx, 'guest_pass_revoked', row, doors.get(row.id) ?? [], now);
  }
  await deleteUnitLinksOf(trx, accountId, personId);
}
