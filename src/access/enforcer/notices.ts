// Parking notices (phase2.md C.2): numbered PN-000001 onward per account,
// refused for a plate that may be there (unless the Admin overrides, saying
// why), moved through a fixed set of statuses. The status log, remarks and
// evidence are append-only: nothing here changes them, and the database's
// triggers refuse it anyway.
import type { Kysely, Transaction } from 'kysely';
import type { Database, NoticeKind } from '../../store/database.ts';
import * as store from '../../store/repositories/enforcer-notices.ts';
import { DomainError } from '../errors.ts';
import { cursorAfter, cursorOf, pageOf, rowLimit, type ListPage } from '../lists.ts';
import { readPlateKey } from '../lpr-exclusions.ts';
import { readTime, readTimeRange } from '../share-window.ts';
import { readRegion } from '../vehicles.ts';
import { announce, enforcerRole, newId, readChoice, readText, seconds, type EnforcerActor, type EnforcerDeps } from './common.ts';
import { basesOf, type Basis } from './plate-status.ts';

export const noticeKinds: readonly NoticeKind[] = ['warning', 'violation', 'tow_authorization'];
export const openStatuses = ['issued', 'notified', 'appealed', 'tow_requested', 'towed'] as const;
export const finalStatuses = ['resolved', 'paid', 'released', 'dismissed', 'voided'] as const;
/** What `POST …/status` may set: every status but `issued`, which only issuing sets. */
export const settableStatuses = [...openStatuses.slice(1), ...finalStatuses] as const;
/** The Admin's alone, and only with a note. */
export const adminStatuses = ['dismissed', 'voided'] as const;
export type NoticeStatus = (typeof openStatuses)[number] | (typeof finalStatuses)[number];

export const maxNoticeText = { location: 200, description: 2000, make: 40, model: 40, color: 40, note: 2000, override_reason: 500, remark: 2000 } as const;

export interface Notice {
  id: string;
  /** "PN-000001". */
  number: string;
  kind: NoticeKind;
  plate: string;
  region: string | null;
  make: string;
  model: string;
  color: string;
  location: string;
  description: string;
  /** Unix seconds. */
  observedAt: number;
  issuedBy: string | null;
  status: NoticeStatus;
  /** Minor units; only recorded. */
  amount: number | null;
  alertId: string | null;
  overrideReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NoticeDetail extends Notice {
  statusLog: { id: string; status: string; previousStatus: string | null; note: string; person: PersonRef | null; at: number }[];
  remarks: { id: string; text: string; person: PersonRef | null; at: number }[];
  evidence: { id: string; contentType: string; filename: string; size: number; sha256: string; personId: string | null; at: number }[];
}

export interface PersonRef { id: string; firstName: string; lastName: string }

export interface NoticeInput {
  kind?: string;
  plate?: string;
  region?: string | null;
  make?: string;
  model?: string;
  color?: string;
  location?: string;
  description?: string;
  /** ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC; by default now. */
  observed_at?: string;
  amount?: number | null;
  /** The Admin's reason to issue a notice to a plate that may be there. */
  override_reason?: string;
}

const basisWords: Record<Basis['kind'], string> = { allowance: 'an allowance', guest_pass: 'a guest pass', member_vehicle: 'a member\'s vehicle' };

export function noticeNumber(number: number): string {
  return `PN-${String(number).padStart(6, '0')}`;
}

export function presentNotice(row: Database['notices']): Notice {
  return {
    id: row.id, number: noticeNumber(Number(row.number)), kind: row.kind, plate: row.plate_key, region: row.region, make: row.make, model: row.model, color: row.color,
    location: row.location, description: row.description, observedAt: Number(row.observed_at), issuedBy: row.issued_by, status: row.status as NoticeStatus,
    amount: row.amount === null ? null : Number(row.amount), alertId: row.alert_id, overrideReason: row.override_reason, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}

function readAmount(value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw new DomainError('invalid', 'Invalid amount: a whole number of the currency\'s minor unit (cents), 0 or more.');
  return value;
}

/** Checks the input and issues the notice in `trx` (issueNotice, and accepting an alert). */
export async function issueInTransaction(trx: Transaction<Database>, actor: EnforcerActor & { admin: boolean }, input: NoticeInput, now: number, alertId: string | null): Promise<Notice> {
  const kind = readChoice('kind', input.kind, noticeKinds);
  const plate = readPlateKey(input.plate);
  const region = readRegion(input.region) || null;
  const text = {
    make: readText('make', input.make, maxNoticeText.make), model: readText('model', input.model, maxNoticeText.model), color: readText('color', input.color, maxNoticeText.color),
    location: readText('location', input.location, maxNoticeText.location), description: readText('description', input.description, maxNoticeText.description, { multiline: true }),
  };
  const observedAt = readTime('observed_at', input.observed_at) ?? now;
  if (observedAt > now) throw new DomainError('invalid', 'Invalid observed_at: it is ahead of now.');
  const amount = readAmount(input.amount);
  const overrideReason = readText('override_reason', input.override_reason, maxNoticeText.override_reason, { multiline: true }) || null;
  if (overrideReason !== null && !actor.admin) throw new DomainError('forbidden', 'Only the account\'s Admin can issue a notice to a plate that may be there.');
  const bases = await basesOf(trx, actor.accountId, { key: plate, region }, observedAt);
  if (bases.length > 0 && overrideReason === null) {
    throw new DomainError('vehicle_authorized', `The plate ${plate} may be here (${basisWords[bases[0]!.kind]}): no notice was issued.`, { field: 'plate' });
  }
  const number = await store.takeNoticeNumber(trx, actor.accountId);
  const row: Database['notices'] = {
    id: newId(), account_id: actor.accountId, property_id: null, number, kind, plate_key: plate, region, ...text,
    observed_at: observedAt, issued_by: actor.personId, status: 'issued', amount, alert_id: alertId,
    // Kept only when it overrode something: that is what the Admin answers for.
    override_reason: bases.length > 0 ? overrideReason : null, created_at: now, updated_at: now,
  };
  await store.insertNotice(trx, row);
  await store.appendStatus(trx, { id: newId(), notice_id: row.id, status: 'issued', previous_status: null, note: row.override_reason ?? '', person_id: actor.personId, at: now });
  const notice = presentNotice(row);
  await announce(trx, 'parking_notice_issued', actor.accountId, { noticeID: notice.id, number: notice.number, kind, plate, status: 'issued' }, now);
  return notice;
}

/** 201 issued; announced as parking_notice_issued. */
export async function issueNotice(deps: EnforcerDeps, actor: EnforcerActor, input: NoticeInput): Promise<Notice> {
  const { admin } = await enforcerRole(deps.db, actor);
  const now = seconds(deps.clock);
  return deps.db.transaction().execute((trx) => issueInTransaction(trx, { ...actor, admin }, input, now, null));
}

/** A notice of the account by its id or its number (PN-000001); anything else, another account's included, is not found. */
export async function resolveNotice(db: Kysely<Database>, accountId: string, reference: string): Promise<Database['notices']> {
  const byNumber = /^PN-?(\d{1,9})$/i.exec(reference.trim());
  const row = byNumber
    ? await db.selectFrom('notices').selectAll().where('account_id', '=', accountId).where('number', '=', Number(byNumber[1])).executeTakeFirst()
    : /^[0-9a-f]{32}$/.test(reference) ? await store.findNotice(db, accountId, reference) : undefined;
  if (!row) throw new DomainError('not_found', 'No such notice.');
  return row;
}

export interface NoticeSearch extends ListPage {
  status?: string;
  plate?: string;
  /** observed_at from (inclusive) and to (exclusive). */
  from?: string;
  to?: string;
}

export async function listNotices(deps: EnforcerDeps, actor: EnforcerActor, search: NoticeSearch): Promise<{ items: Notice[]; nextCursor: string | null }> {
  await enforcerRole(deps.db, actor);
  const filter: store.NoticeFilter = { accountId: actor.accountId };
  if (search.status !== undefined) filter.status = readChoice('status', search.status, [...openStatuses, ...finalStatuses]);
  if (search.plate !== undefined) filter.plateKey = readPlateKey(search.plate);
  ({ from: filter.from, to: filter.to } = readTimeRange(search));
  const before = cursorOf(search);
  if (before) filter.before = { createdAt: before.at, id: before.id };
  const limit = rowLimit(search);
  const rows = await store.noticesOf(deps.db, filter, limit + 1);
  return pageOf(rows.map(presentNotice), limit, search.all, (last) => cursorAfter(last.createdAt, last.id));
}

const person = (row: { person_id: string | null; first_name: string | null; last_name: string | null }): PersonRef | null =>
  row.person_id === null ? null : { id: row.person_id, firstName: row.first_name ?? '', lastName: row.last_name ?? '' };

/** The notice with its status log, remarks and evidence (metadata; the bytes through readEvidence). */
export async function getNotice(deps: EnforcerDeps, actor: EnforcerActor, reference: string): Promise<NoticeDetail> {
  await enforcerRole(deps.db, actor);
  const row = await resolveNotice(deps.db, actor.accountId, reference);
  const [log, remarks, evidence] = await Promise.all([store.statusLogOf(deps.db, row.id), store.remarksOf(deps.db, row.id), store.evidenceOf(deps.db, row.id)]);
  return {
    ...presentNotice(row),
    statusLog: log.map((entry) => ({ id: entry.id, status: entry.status, previousStatus: entry.previous_status, note: entry.note, person: person(entry), at: Number(entry.at) })),
    remarks: remarks.map((remark) => ({ id: remark.id, text: remark.text, person: person(remark), at: Number(remark.at) })),
    evidence: evidence.map((item) => ({ id: item.id, contentType: item.content_type, filename: item.filename, size: Number(item.size), sha256: item.sha256, personId: item.person_id, at: Number(item.at) })),
  };
}

/**
 * Members set the open statuses and resolved, paid, released; dismissed and
 * voided are the Admin's, with a note (else 403, 400). A final status is
 * final (409 invalid_state), as is moving to the status it has.
 */
export async function changeNoticeStatus(deps: EnforcerDeps, actor: EnforcerActor, reference: string, input: { status?: string; note?: string }): Promise<Notice> {
  const { admin } = await enforcerRole(deps.db, actor);
  const status = readChoice('status', input.status, settableStatuses);
  const note = readText('note', input.note, maxNoticeText.note, { multiline: true });
  if ((adminStatuses as readonly string[]).includes(status)) {
    if (!admin) throw new DomainError('forbidden', `Only the account's Admin can mark a notice ${status}.`);
    if (note === '') throw new DomainError('invalid', `Invalid note: say why the notice is ${status}.`);
  }
  const now = seconds(deps.clock);
  return deps.db.transaction().execute(async (trx) => {
    const found = await resolveNotice(trx, actor.accountId, reference);
    const row = (await store.lockNotice(trx, actor.accountId, found.id))!;
    if ((finalStatuses as readonly string[]).includes(row.status)) throw new DomainError('invalid_state', `Notice ${noticeNumber(Number(row.number))} is ${row.status}, a final status: it cannot change.`);
    if (row.status === status) throw new DomainError('invalid_state', `Notice ${noticeNumber(Number(row.number))} is ${status} already.`);
    await store.setNoticeStatus(trx, row.id, status, now);
    await store.appendStatus(trx, { id: newId(), notice_id: row.id, status, previous_status: row.status, note, person_id: actor.personId, at: now });
    const notice = presentNotice({ ...row, status, updated_at: now });
    await announce(trx, 'parking_notice_status_changed', actor.accountId, { noticeID: notice.id, number: notice.number, status, previousStatus: row.status }, now);
    return notice;
  });
}

export async function addRemark(deps: EnforcerDeps, actor: EnforcerActor, reference: string, input: { text?: string }): Promise<{ id: string; noticeId: string; text: string; personId: string; at: number }> {
  await enforcerRole(deps.db, actor);
  const text = readText('text', input.text, maxNoticeText.remark, { multiline: true, required: true });
  const row = await resolveNotice(deps.db, actor.accountId, reference);
  const remark = { id: newId(), notice_id: row.id, text, person_id: actor.personId, at: seconds(deps.clock) };
  await store.appendRemark(deps.db, remark);
  return { id: remark.id, noticeId: row.id, text, personId: actor.personId, at: remark.at };
}
