// Parking notices and their append-only status log, remarks and evidence
// (phase2.md C.2). Nothing here updates or deletes a log, remark or evidence row.
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.ts';

/** The account's next notice number; the counter row stays locked until the transaction ends. */
export async function takeNoticeNumber(trx: Transaction<Database>, accountId: string): Promise<number> {
  await trx.insertInto('notice_counters').values({ account_id: accountId, last_number: 0 }).onConflict((oc) => oc.column('account_id').doNothing()).execute();
  // An UPDATE takes the row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers.
  await trx.updateTable('notice_counters').set((eb) => ({ last_number: eb('last_number', '+', 1) })).where('account_id', '=', accountId).execute();
  const row = await trx.selectFrom('notice_counters').select('last_number').where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return Number(row.last_number);
}

export async function insertNotice(db: Kysely<Database>, row: Database['notices']): Promise<void> {
  await db.insertInto('notices').values(row).execute();
}

export interface NoticeFilter {
  accountId: string;
  status?: string;
  plateKey?: string;
  /** observed_at bounds, seconds; `to` exclusive. */
  from?: number;
  to?: number;
  before?: { createdAt: number; id: string };
}

export function noticesOf(db: Kysely<Database>, filter: NoticeFilter, limit: number) {
  let query = db.selectFrom('notices').selectAll().where('account_id', '=', filter.accountId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.plateKey !== undefined) query = query.where('plate_key', '=', filter.plateKey);
  if (filter.from !== undefined) query = query.where('observed_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('observed_at', '<', filter.to);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export function findNotice(db: Kysely<Database>, accountId: string, id: string) {
  return db.selectFrom('notices').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The notice, its row locked against another status change until the transaction ends (PostgreSQL; SQLite's writers take turns). */
export function lockNotice(trx: Transaction<Database>, accountId: string, id: string) {
  let query = trx.selectFrom('notices').selectAll().where('account_id', '=', accountId).where('id', '=', id);
  if (trx.getExecutor().adapter instanceof PostgresAdapter) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function setNoticeStatus(trx: Transaction<Database>, id: string, status: string, at: number): Promise<void> {
  await trx.updateTable('notices').set({ status, updated_at: at }).where('id', '=', id).execute();
}

export async function appendStatus(db: Kysely<Database>, row: Database['notice_status_log']): Promise<void> {
  await db.insertInto('notice_status_log').values(row).execute();
}

export async function appendRemark(db: Kysely<Database>, row: Database['notice_remarks']): Promise<void> {
  await db.insertInto('notice_remarks').values(row).execute();
}

export async function appendEvidence(db: Kysely<Database>, row: Database['notice_evidence']): Promise<void> {
  await db.insertInto('notice_evidence').values(row).execute();
}

const personName = ['people.first_name', 'people.last_name'] as const;

export function statusLogOf(db: Kysely<Database>, noticeId: string) {
  return db.selectFrom('notice_status_log').leftJoin('people', 'people.id', 'notice_status_log.person_id')
    .select(['notice_status_log.id', 'notice_status_log.status', 'notice_status_log.previous_status', 'notice_status_log.note', 'notice_status_log.person_id', 'notice_status_log.at', ...personName])
    .where('notice_id', '=', noticeId).orderBy('notice_status_log.at').orderBy('notice_status_log.id').execute();
}

export function remarksOf(db: Kysely<Database>, noticeId: string) {
  return db.selectFrom('notice_remarks').leftJoin('people', 'people.id', 'notice_remarks.person_id')
    .select(['notice_remarks.id', 'notice_remarks.text', 'notice_remarks.person_id', 'notice_remarks.at', ...personName])
    .where('notice_id', '=', noticeId).orderBy('notice_remarks.at').orderBy('notice_remarks.id').execute();
}

export function evidenceOf(db: Kysely<Database>, noticeId: string) {
  return db.selectFrom('notice_evidence').selectAll().where('notice_id', '=', noticeId).orderBy('at').orderBy('id').execute();
}

/** One piece of evidence of a notice of the account. */
export function findEvidence(db: Kysely<Database>, accountId: string, noticeId: string, evidenceId: string) {
  return db.selectFrom('notice_evidence').innerJoin('notices', 'notices.id', 'notice_evidence.notice_id')
    .selectAll('notice_evidence').where('notices.account_id', '=', accountId).where('notice_evidence.notice_id', '=', noticeId).where('notice_evidence.id', '=', evidenceId)
    .executeTakeFirst();
}
