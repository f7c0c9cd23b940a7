import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { preparedWrite } from '../prepared.ts';

/** The first request to claim a refresh token wins; the insert is the lock, on either engine and across processes. */
export async function claimRotation(db: Kysely<Database>, row: { token_hash: string; client_id: string; credentials_hash: string; created_at: number }): Promise<boolean> {
  return (await claim(db, row.token_hash, row.client_id, row.credentials_hash, row.created_at)) > 0;
}

// Every refresh claims and completes a rotation: compiled once.
const claim = preparedWrite((db: Kysely<Database>, tokenHash: string, clientId: string, credentialsHash: string, createdAt: number) =>
  db.insertInto('refresh_rotations').values({ token_hash: tokenHash, client_id: clientId, credentials_hash: credentialsHash, created_at: createdAt, response: null })
    .onConflict((oc) => oc.column('token_hash').doNothing()));
const complete = preparedWrite((db: Kysely<Database>, tokenHash: string, claimedAt: number, response: string) => db.updateTable('refresh_rotations').set({ response })
  .where('token_hash', '=', tokenHash).where('created_at', '=', claimedAt));

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
  return (await complete(db, tokenHash, claimedAt, response)) > 0;
}

export async function releaseRotation(db: Kysely<Database>, tokenHash: string, claimedAt: number): Promise<void> {
  await db.deleteFrom('refresh_rotations').where('token_hash', '=', tokenHash).where('created_at', '=', claimedAt).execute();
}

export async function deleteRotationsBefore(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom('refresh_rotations').where('created_at', '<', before).execute();
}
