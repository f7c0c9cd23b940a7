// What a person authorized each application to reach: the grant's doors.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export async function insertAuthorization(db: Kysely<Database>, row: { grant_id: string; person_id: string; client_id: string; scopes: string; all_doors: number; created_at: number }, doorIds: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('authorizations').values({ ...row, last_used_at: null }).execute();
    if (doorIds.length > 0) await trx.insertInto('authorization_doors').values(doorIds.map((door_id) => ({ grant_id: row.grant_id, door_id }))).execute();
  });
}

export function findAuthorization(db: Kysely<Database>, grantId: string) {
  return db.selectFrom('authorizations').leftJoin('clients', 'clients.client_id', 'authorizations.client_id')
    .select(['authorizations.grant_id', 'authorizations.person_id', 'authorizations.client_id', 'authorizations.scopes', 'authorizations.all_doors',
      'authorizations.created_at', 'authorizations.last_used_at', 'clients.first_party'])
    .where('authorizations.grant_id', '=', grantId).executeTakeFirst();
}

export async function authorizedDoorIds(db: Kysely<Database>, grantId: string): Promise<string[]> {
  const rows = await db.selectFrom('authorization_doors').select('door_id').where('grant_id', '=', grantId).execute();
  return rows.map((row) => row.door_id);
}

export function authorizationsOfPerson(db: Kysely<Database>, personId: string) {
  return db.selectFrom('authorizations').leftJoin('clients', 'clients.client_id', 'authorizations.client_id')
    .select(['authorizations.grant_id', 'authorizations.client_id', 'authorizations.scopes', 'authorizations.all_doors',
      'authorizations.created_at', 'authorizations.last_used_at', 'clients.name as client_name'])
    .where('authorizations.person_id', '=', personId).orderBy('authorizations.created_at', 'desc').execute();
}

/** Forgets one grant's authorization, whoever gave it. */
export async function deleteAuthorizationOfGrant(db: Kysely<Database>, grantId: string): Promise<void> {
  await db.deleteFrom('authorizations').where('grant_id', '=', grantId).execute();
}

/** Every authorization of one application by the person: revoking the application ends them all. */
export async function authorizationGrantsOfClient(db: Kysely<Database>, personId: string, clientId: string): Promise<string[]> {
  const rows = await db.selectFrom('authorizations').select('grant_id').where('person_id', '=', personId).where('client_id', '=', clientId).execute();
  return rows.map((row) => row.grant_id);
}

export async function deleteAuthorization(db: Kysely<Database>, personId: string, grantId: string): Promise<boolean> {
  const result = await db.deleteFrom('authorizations').where('grant_id', '=', grantId).where('person_id', '=', personId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function touchAuthorization(db: Kysely<Database>, grantId: string, at: number): Promise<void> {
  await db.updateTable('authorizations').set({ last_used_at: at }).where('grant_id', '=', grantId).execute();
}
