import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** The first request to claim a refresh token wins; the insert is the lock, on either engine and across processes. */
export async function claimRotation(db: Kysely<Database>, row: { token_hash: string; client_id: string; credentials_hash: string; created_at: number }): Promise<boolean> {
  const result = await db.insertInto('refresh_rotations').values({ ...row, response: null })
    .onConflict((oc) => oc.column('token_hash').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Takes over a claim that was never sealed. The claim's `created_at` is its
 * fencing token: only one of several processes seeing the same stale claim
 * changes it, and the leader it replaces can no longer seal or release it.
 */
export async function takeOverRotation(db: Kysely<Database>, tokenHash: string, staleCreatedAt: number, claim: { credentials_hash: string; created_at: number }): Promise<boolean> {
  const result = await db.updateTable('refresh_rotations').set(claim)
    .where('token_hash', '=', tokenHash).where('created_at', '=', staleCreatedAt).where('response', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function findRotation(db: Kysely<Database>, tokenHash: string) {
  return db.selectFrom('refresh_rotations').select(['client_id', 'credentials_hash', 'response', 'created_at'])
    .where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** False when the claim was taken over in the meantime. */
export async function completeRotation(db: Kysely<Database>, tokenHash: string, claimedAt: number, response: string): Promise<boolean> {
  const result = await db.updateTable('refresh_rotations').set({ response })
    .where('token_hash', '=', tokenHash).where('created_at', '=', claimedAt).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releaseRotation(db: Kysely<Database>, tokenHash: string, claimedAt: number): Promise<void> {
  await db.deleteFrom('refresh_rotations').where('token_hash', '=', tokenHash).where('created_at', '=', claimedAt).execute();
}

export async function deleteRotationsBefore(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom('refresh_rotations').where('created_at', '<', before).execute();
}
