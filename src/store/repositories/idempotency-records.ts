// Idempotency records (phase2.md A.6): claimed atomically, so two requests
// with one key cannot both run; every change after the claim names the claim
// (its expires_at), so a request that was taken over cannot overwrite the new one.
import type { Kysely, Selectable } from 'kysely';
import type { Database, IdempotencyRecordsTable } from '../database.ts';

export type IdempotencyRecord = Selectable<IdempotencyRecordsTable>;

export interface NewClaim {
  key_hash: string;
  route: string;
  request_hash: string;
  created_at: number;
  /** When a request that never finished may be taken over. */
  expires_at: number;
}

/** True when this request now holds the key; false when a record was there first. */
export async function insertClaim(db: Kysely<Database>, claim: NewClaim): Promise<boolean> {
  const result = await db.insertInto('idempotency_records')
    .values({ ...claim, state: 'running', status: null, body_sealed: null })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export function findRecord(db: Kysely<Database>, keyHash: string): Promise<IdempotencyRecord | undefined> {
  return db.selectFrom('idempotency_records').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

/** Replaces an expired record with this request's claim, unless another request did so first. */
export async function takeOverClaim(db: Kysely<Database>, expired: Pick<IdempotencyRecord, 'key_hash' | 'expires_at'>, claim: NewClaim): Promise<boolean> {
  const result = await db.updateTable('idempotency_records')
    .set({ route: claim.route, request_hash: claim.request_hash, state: 'running', status: null, body_sealed: null, created_at: claim.created_at, expires_at: claim.expires_at })
    .where('key_hash', '=', expired.key_hash).where('expires_at', '=', expired.expires_at)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function finishClaim(db: Kysely<Database>, claim: Pick<NewClaim, 'key_hash' | 'expires_at'>, answer: { status: number; body_sealed: string; expires_at: number }): Promise<void> {
  await db.updateTable('idempotency_records').set({ state: 'done', ...answer })
    .where('key_hash', '=', claim.key_hash).where('state', '=', 'running').where('expires_at', '=', claim.expires_at)
    .execute();
}

export async function releaseClaim(db: Kysely<Database>, claim: Pick<NewClaim, 'key_hash' | 'expires_at'>): Promise<void> {
  await db.deleteFrom('idempotency_records')
    .where('key_hash', '=', claim.key_hash).where('state', '=', 'running').where('expires_at', '=', claim.expires_at)
    .execute();
}

/** Housekeeping: answers past their day, and claims nobody finished. */
export async function deleteExpiredRecords(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_records').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
