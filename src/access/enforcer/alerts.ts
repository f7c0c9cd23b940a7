// Enforcement alerts (phase2.md C.3). Doors and readers open them in the
// transaction that records what happened; a repeat (same trigger, and the same
// plate or, without one, the same door) within an hour of the alert's last
// occurrence raises its occurrences instead of opening another. A person
// accepts one (optionally issuing a notice in the same transaction) or
// rejects it with a reason; a resolved alert stays resolved.
import type { Transaction } from 'kysely';
import type { AlertState, AlertTrigger, Database } from '../../store/database.ts';
import * as store from '../../store/repositories/enforcer-alerts.ts';
import { findDevice } from '../../store/repositories/devices.ts';
import { findWatchlisted } from '../../store/repositories/enforcer.ts';
import { DomainError } from '../errors.ts';
import { compactId } from '../ids.ts';
import { cursorAfter, cursorOf, pageOf, rowLimit, type ListPage } from '../lists.ts';
import { announce, enforcerRole, newId, readChoice, readId, readText, seconds, type EnforcerActor, type EnforcerDeps } from './common.ts';
import { issueInTransaction, type Notice, type NoticeInput } from './notices.ts';

export const alertStates: readonly AlertState[] = ['open', 'accepted', 'rejected'];
export const rejectReasons = ['authorized_vehicle', 'misread', 'duplicate', 'left', 'other'] as const;
export type RejectReason = (typeof rejectReasons)[number];
export const repeatWindowSeconds = 3600;
export const maxAlertNote = 2000;

export interface Alert {
  id: string;
  trigger: AlertTrigger;
  door: { id: string; name: string } | null;
  plate: string | null;
  readId: string | null;
  state: AlertState;
  occurrences: number;
  openedAt: number;
  lastAt: number;
  resolvedBy: string | null;
  resolvedAt: number | null;
  reason: string | null;
  note: string;
  noticeId: string | null;
}

type AlertRow = Database['enforcement_alerts'] & { door_name: string | null };

function present(row: AlertRow): Alert {
  return {
    id: row.id, trigger: row.trigger, door: row.door_id === null ? null : { id: row.door_id, name: row.door_name ?? '' }, plate: row.plate_key, readId: row.read_id,
    state: row.state, occurrences: Number(row.occurrences), openedAt: Number(row.opened_at), lastAt: Number(row.last_at), resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at), reason: row.reason, note: row.note, noticeId: row.notice_id,
  };
}

export interface Occurrence {
  accountId: string;
  trigger: AlertTrigger;
  doorId: string | null;
  plateKey: string | null;
  readId?: string | null;
  /** Unix seconds. */
  at: number;
}

/** Opens an alert, or raises the open one it repeats; announced only when opened. */
export async function raiseAlert(trx: Transaction<Database>, occurrence: Occurrence): Promise<void> {
  const { accountId, trigger, doorId, plateKey, at } = occurrence;
  const earlier = await store.openAlertToJoin(trx, accountId, trigger, { plateKey, doorId }, at - repeatWindowSeconds);
  if (earlier) return store.raiseOccurrence(trx, earlier.id, at);
  const id = newId();
  await store.insertAlert(trx, {
    id, account_id: accountId, trigger, door_id: doorId, plate_key: plateKey, read_id: occurrence.readId ?? null, state: 'open', occurrences: 1,
    opened_at: at, last_at: at, resolved_by: null, resolved_at: null, reason: null, note: '', notice_id: null,
  });
  await announce(trx, 'enforcement_alert_opened', accountId, { alertID: id, trigger, doorID: doorId === null ? '' : compactId(doorId), plate: plateKey ?? '' }, at);
}

/** A plate read's alerts (plate-entry.ts): a refused read is an unauthorized vehicle; a watchlisted plate is a hit whatever was decided. */
export async function alertsOfRead(trx: Transaction<Database>, read: { accountId: string; doorId: string; plateKey: string | null; readId: string; decision: string; at: number }): Promise<void> {
  const occurrence = { accountId: read.accountId, doorId: read.doorId, plateKey: read.plateKey, readId: read.readId, at: read.at };
  if (read.decision === 'refused') await raiseAlert(trx, { ...occurrence, trigger: 'unauthorized_vehicle' });
  if (read.plateKey !== null && (await findWatchlisted(trx, read.accountId, read.plateKey))) await raiseAlert(trx, { ...occurrence, trigger: 'watchlist_hit' });
}

export interface AlertSearch extends ListPage {
  state?: string;
}

export async function listAlerts(deps: EnforcerDeps, actor: EnforcerActor, search: AlertSearch): Promise<{ items: Alert[]; nextCursor: string | null }> {
  await enforcerRole(deps.db, actor);
  const filter: store.AlertFilter = { accountId: actor.accountId };
  if (search.state !== undefined) filter.state = readChoice('state', search.state, alertStates);
  const before = cursorOf(search);
  if (before) filter.before = { openedAt: before.at, id: before.id };
  const limit = rowLimit(search);
  const rows = await store.alertsOf(deps.db, filter, limit + 1);
  return pageOf(rows.map(present), limit, search.all, (last) => cursorAfter(last.openedAt, last.id));
}

export async function getAlert(deps: EnforcerDeps, actor: EnforcerActor, alertId: string): Promise<Alert> {
  await enforcerRole(deps.db, actor);
  const row = await store.findAlert(deps.db, actor.accountId, readId(alertId, 'alert'));
  if (!row) throw new DomainError('not_found', 'No such alert.');
  return present(row);
}

async function resolve(deps: EnforcerDeps, actor: EnforcerActor, alertId: string, run: (trx: Transaction<Database>, row: AlertRow, now: number) => Promise<{ state: 'accepted' | 'rejected'; reason: RejectReason | null; note: string; notice: Notice | null }>): Promise<{ alert: Alert; notice: Notice | null }> {
  const id = readId(alertId, 'alert');
  const now = seconds(deps.clock);
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.findAlert(trx, actor.accountId, id);
    if (!row) throw new DomainError('not_found', 'No such alert.');
    if (row.state !== 'open') throw new DomainError('invalid_state', `The alert was ${row.state} already.`);
    const outcome = await run(trx, row, now);
    const changes = { state: outcome.state, resolved_by: actor.personId, resolved_at: now, reason: outcome.reason, note: outcome.note, notice_id: outcome.notice?.id ?? null };
    if (!(await store.resolveAlert(trx, id, changes))) throw new DomainError('invalid_state', 'The alert was resolved by someone else meanwhile.');
    await announce(trx, 'enforcement_alert_resolved', actor.accountId, { alertID: id, state: outcome.state, reason: outcome.reason ?? '', noticeID: outcome.notice?.id ?? '' }, now);
    return { alert: present({ ...row, ...changes }), notice: outcome.notice };
  });
}

/** Accepts an open alert; with `issueNotice`, the notice (its plate by default the alert's) is issued in the same transaction, or neither happens. */
export async function acceptAlert(deps: EnforcerDeps, actor: EnforcerActor, alertId: string, input: { note?: string; issueNotice?: NoticeInput }): Promise<{ alert: Alert; notice: Notice | null }> {
  const { admin } = await enforcerRole(deps.db, actor);
  const note = readText('note', input.note, maxAlertNote, { multiline: true });
  return resolve(deps, actor, alertId, async (trx, row, now) => {
    const notice = input.issueNotice
      ? await issueInTransaction(trx, { ...actor, admin }, { ...input.issueNotice, plate: input.issueNotice.plate ?? row.plate_key ?? undefined }, now, row.id)
      : null;
    return { state: 'accepted', reason: null, note, notice };
  });
}

/** Rejects an open alert with a reason and a note. */
export async function rejectAlert(deps: EnforcerDeps, actor: EnforcerActor, alertId: string, input: { reason?: string; note?: string }): Promise<Alert> {
  await enforcerRole(deps.db, actor);
  const reason = readChoice('reason', input.reason, rejectReasons);
  const note = readText('note', input.note, maxAlertNote, { multiline: true, required: true });
  return (await resolve(deps, actor, alertId, async () => ({ state: 'rejected', reason, note, notice: null }))).alert;
}

/** A door's alert (refused-at-door.ts): the keypad's guess limit tripped, or the door was forced open; nothing for a controller no account holds. */
export async function alertAtDoor(trx: Transaction<Database>, trigger: 'wrong_pin' | 'forced_open', door: { doorId: string; deviceId: string; occurredAt: number }): Promise<void> {
  const device = await findDevice(trx, door.deviceId);
  if (device?.account_id) await raiseAlert(trx, { accountId: device.account_id, trigger, doorId: door.doorId, plateKey: null, at: door.occurredAt });
}
