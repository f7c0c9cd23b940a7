// Rows behind oidc-provider's adapter. Ids arrive already hashed and payloads
// already sealed: this file never sees a usable token.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { prepared, preparedWrite } from '../prepared.ts';

export interface ModelRow {
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
}

// Every token request reads and writes several models: those queries are compiled once.
const upsert = preparedWrite((db: Kysely<Database>, model: string, idHash: string, payload: string, grantId: string | null, uid: string | null, expiresAt: number | null) =>
  db.insertInto('oauth_models').values({ model, id_hash: idHash, payload, grant_id: grantId, uid, expires_at: expiresAt, consumed_at: null })
    .onConflict((oc) => oc.columns(['model', 'id_hash']).doUpdateSet({ payload, grant_id: grantId, uid, expires_at: expiresAt })));

export async function upsertModel(db: Kysely<Database>, row: {
  model: string; id_hash: string; payload: string; grant_id: string | null; uid: string | null; expires_at: number | null;
}): Promise<void> {
  await upsert(db, row.model, row.id_hash, row.payload, row.grant_id, row.uid, row.expires_at);
}

const modelById = prepared((db: Kysely<Database>, model: string, idHash: string) => db.selectFrom('oauth_models').select(['payload', 'expires_at', 'consumed_at'])
  .where('model', '=', model).where('id_hash', '=', idHash));

export async function findModel(db: Kysely<Database>, model: string, idHash: string): Promise<ModelRow | undefined> {
  return (await modelById(db, model, idHash))[0];
}

export function findModelByUid(db: Kysely<Database>, model: string, uid: string): Promise<ModelRow | undefined> {
  return db.selectFrom('oauth_models').select(['payload', 'expires_at', 'consumed_at'])
    .where('model', '=', model).where('uid', '=', uid).executeTakeFirst();
}

const consume = preparedWrite((db: Kysely<Database>, model: string, idHash: string, at: number) => db.updateTable('oauth_models').set({ consumed_at: at })
  .where('model', '=', model).where('id_hash', '=', idHash).where('consumed_at', 'is', null));

/** Marks consumed only if it was not; false tells the caller it lost a race. */
export async function consumeModel(db: Kysely<Database>, model: string, idHash: string, at: number): Promise<boolean> {
  return (await consume(db, model, idHash, at)) > 0;
}

/** Gives a single-use model back its use: only for a consumption whose result never left the server. */
export async function unconsumeModel(db: Kysely<Database>, model: string, idHash: string): Promise<void> {
  await db.updateTable('oauth_models').set({ consumed_at: null }).where('model', '=', model).where('id_hash', '=', idHash).execute();
}

export function findModelsByGrantId(db: Kysely<Database>, model: string, grantId: string): Promise<Array<ModelRow & { id_hash: string }>> {
  return db.selectFrom('oauth_models').select(['id_hash', 'payload', 'expires_at', 'consumed_at'])
    .where('model', '=', model).where('grant_id', '=', grantId).execute();
}

export async function destroyModel(db: Kysely<Database>, model: string, idHash: string): Promise<void> {
  await db.deleteFrom('oauth_models').where('model', '=', model).where('id_hash', '=', idHash).execute();
}

export async function destroyByGrantId(db: Kysely<Database>, model: string, grantId: string): Promise<void> {
  await db.deleteFrom('oauth_models').where('model', '=', model).where('grant_id', '=', grantId).execute();
}

/** Everything issued under a grant, and the grant itself. */
export async function destroyGrant(db: Kysely<Database>, grantId: string): Promise<void> {
  await db.deleteFrom('oauth_models').where('grant_id', '=', grantId).execute();
}

export async function deleteExpiredModels(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('oauth_models').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every stored record of one model (sealed payloads), such as all browser sessions. */
export function modelsOfKind(db: Kysely<Database>, model: string): Promise<Array<{ id_hash: string; payload: string }>> {
  return db.selectFrom('oauth_models').select(['id_hash', 'payload']).where('model', '=', model).execute();
}
