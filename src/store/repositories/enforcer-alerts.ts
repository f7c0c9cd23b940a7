// Enforcement alerts (phase2.md C.3): opened by doors and readers, raised again
// within an hour instead of repeated, resolved by a person.
import type { Kysely, Transaction } from 'kysely';
import type { AlertState, AlertTrigger, Database } from '../database.ts';

/** The open alert a repeat joins: same trigger, and the same plate (or, without one, the same door), last raised since `since`. */
export function openAlertToJoin(trx: Transaction<Database>, accountId: string, trigger: AlertTrigger, key: { plateKey: string | null; doorId: string | null }, since: number) {
  let query = trx.selectFrom('enforcement_alerts').selectAll().where('account_id', '=', accountId).where('trigger', '=', trigger)
    .where('state', '=', 'open').where('last_at', '>=', since);
  query = key.plateKey !== null ? query.where('plate_key', '=', key.plateKey) : query.where('plate_key', 'is', null).where('door_id', '=', key.doorId ?? '');
  return query.orderBy('last_at', 'desc').limit(1).executeTakeFirst();
}

export async function raiseOccurrence(trx: Transaction<Database>, id: string, at: number): Promise<void> {
  await trx.updateTable('enforcement_alerts').set((eb) => ({ occurrences: eb('occurrences', '+', 1), last_at: at })).where('id', '=', id).execute();
}

export async function insertAlert(trx: Transaction<Database>, row: Database['enforcement_alerts']): Promise<void> {
  await trx.insertInto('enforcement_alerts').values(row).execute();
}

export interface AlertFilter {
  accountId: string;
  state?: AlertState;
  before?: { openedAt: number; id: string };
}

export function alertsOf(db: Kysely<Database>, filter: AlertFilter, limit: number) {
  let query = db.selectFrom('enforcement_alerts').leftJoin('doors', 'doors.id', 'enforcement_alerts.door_id')
    .selectAll('enforcement_alerts').select('doors.name as door_name').where('enforcement_alerts.account_id', '=', filter.accountId);
  if (filter.state !== undefined) query = query.where('enforcement_alerts.state', '=', filter.state);
  if (filter.before) {
    const { openedAt, id } = filter.before;
    query = query.where((eb) => eb.or([eb('enforcement_alerts.opened_at', '<', openedAt), eb.and([eb('enforcement_alerts.opened_at', '=', openedAt), eb('enforcement_alerts.id', '<', id)])]));
  }
  return query.orderBy('enforcement_alerts.opened_at', 'desc').orderBy('enforcement_alerts.id', 'desc').limit(limit).execute();
}

export function findAlert(db: Kysely<Database>, accountId: string, id: string) {
  return db.selectFrom('enforcement_alerts').leftJoin('doors', 'doors.id', 'enforcement_alerts.door_id')
    .selectAll('enforcement_alerts').select('doors.name as door_name')
    .where('enforcement_alerts.account_id', '=', accountId).where('enforcement_alerts.id', '=', id).executeTakeFirst();
}

/** Resolves an open alert; false when it was no longer open (someone else resolved it first). */
export async function resolveAlert(trx: Transaction<Database>, id: string, changes: { state: 'accepted' | 'rejected'; resolved_by: string; resolved_at: number; reason: string | null; note: string; notice_id: string | null }): Promise<boolean> {
  const result = await trx.updateTable('enforcement_alerts').set(changes).where('id', '=', id).where('state', '=', 'open').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Does the account have a plate reader that sees vehicles leave? */
export async function hasExitReader(db: Kysely<Database>, accountId: string): Promise<boolean> {
  const row = await db.selectFrom('lpr_readers').innerJoin('devices', 'devices.id', 'lpr_readers.device_id').select('lpr_readers.device_id')
    .where('devices.account_id', '=', accountId).where('lpr_readers.direction', 'in', ['exit', 'both']).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The plate's last granted entry on the pass: read with the pass as basis, or any granted entry while it ran. */
export function lastEntryOnPass(db: Kysely<Database>, pass: { id: string; account_id: string; plate_key: string }, from: number, until: number) {
  return db.selectFrom('plate_reads').select(['id', 'door_id', 'region', 'occurred_at']).where('account_id', '=', pass.account_id).where('plate_key', '=', pass.plate_key)
    .where('direction', '=', 'entry').where('decision', '=', 'granted')
    .where((eb) => eb.or([eb.and([eb('basis', '=', 'guest_pass'), eb('basis_id', '=', pass.id)]), eb.and([eb('occurred_at', '>=', from), eb('occurred_at', '<', until)])]))
    .orderBy('occurred_at', 'desc').limit(1).executeTakeFirst();
}

/** Was the plate read leaving at or after `since`, whatever was decided? */
export async function leftSince(db: Kysely<Database>, accountId: string, plateKey: string, since: number): Promise<boolean> {
  const row = await db.selectFrom('plate_reads').select('id').where('account_id', '=', accountId).where('plate_key', '=', plateKey)
    .where('direction', '=', 'exit').where('occurred_at', '>=', since).limit(1).executeTakeFirst();
  return row !== undefined;
}
