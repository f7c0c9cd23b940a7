import type { Kysely } from 'kysely';
import type { ClientRow, Database, NewClient } from '../database.ts';
import { prepared } from '../prepared.ts';

export type ClientRecord = Omit<ClientRow, 'secret_hash'> & { has_secret: boolean };

const columns = ['client_id', 'type', 'environment', 'name', 'description', 'website', 'contact_name', 'contact_email',
  'redirect_uris', 'first_party', 'is_sandbox', 'created_at', 'secret_rotated_at', 'owner_id', 'company', 'approval', 'approved_at'] as const;

export async function insertClient(db: Kysely<Database>, client: NewClient): Promise<void> {
  await db.insertInto('clients').values(client).execute();
}

// Every token request reads its client, some twice.
const clientById = prepared((db: Kysely<Database>, clientId: string) => db.selectFrom('clients').select([...columns, 'secret_hash']).where('client_id', '=', clientId));

/** For oidc-provider only: the hash is what it compares a presented secret against. */
export async function findClientWithSecretHash(db: Kysely<Database>, clientId: string) {
  return (await clientById(db, clientId))[0];
}

export async function findClient(db: Kysely<Database>, clientId: string): Promise<ClientRecord | undefined> {
  const row = await findClientWithSecretHash(db, clientId);
  if (!row) return undefined;
  const { secret_hash, ...rest } = row;
  return { ...rest, has_secret: secret_hash !== null };
}

export async function listClients(db: Kysely<Database>): Promise<ClientRecord[]> {
  const rows = await db.selectFrom('clients').select([...columns, 'secret_hash']).orderBy('created_at').orderBy('client_id').execute();
  return rows.map(({ secret_hash, ...rest }) => ({ ...rest, has_secret: secret_hash !== null }));
}

/** The applications a person made in the developer console, oldest first. */
export async function clientsOfOwner(db: Kysely<Database>, ownerId: string): Promise<ClientRecord[]> {
  const rows = await db.selectFrom('clients').select([...columns, 'secret_hash']).where('owner_id', '=', ownerId).orderBy('created_at').orderBy('client_id').execute();
  return rows.map(({ secret_hash, ...rest }) => ({ ...rest, has_secret: secret_hash !== null }));
}

/** One application, only when this person owns it. */
export async function findClientOfOwner(db: Kysely<Database>, ownerId: string, clientId: string): Promise<ClientRecord | undefined> {
  const row = await db.selectFrom('clients').select([...columns, 'secret_hash']).where('client_id', '=', clientId).where('owner_id', '=', ownerId).executeTakeFirst();
  if (!row) return undefined;
  const { secret_hash, ...rest } = row;
  return { ...rest, has_secret: secret_hash !== null };
}

export type ClientDetails = Pick<ClientRow, 'name' | 'company' | 'description' | 'website' | 'contact_name' | 'contact_email' | 'redirect_uris'>;

export async function updateClientDetails(db: Kysely<Database>, clientId: string, details: ClientDetails): Promise<boolean> {
  const result = await db.updateTable('clients').set(details).where('client_id', '=', clientId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Approves a pending application; false when there is no such client or it was approved already. */
export async function approveClient(db: Kysely<Database>, clientId: string, at: number): Promise<boolean> {
  const result = await db.updateTable('clients').set({ approval: 'approved', approved_at: at })
    .where('client_id', '=', clientId).where('approval', '=', 'pending').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function updateClientSecret(db: Kysely<Database>, clientId: string, secretHash: string, at: number): Promise<boolean> {
  const result = await db.updateTable('clients').set({ secret_hash: secretHash, secret_rotated_at: at })
    .where('client_id', '=', clientId).where('type', '=', 'confidential').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes a client with the authorizations people gave it and every token and code of those grants. */
export async function deleteClient(db: Kysely<Database>, clientId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const grants = trx.selectFrom('authorizations').select('grant_id').where('client_id', '=', clientId);
    await trx.deleteFrom('oauth_models').where('grant_id', 'in', grants).execute();
    await trx.deleteFrom('authorizations').where('client_id', '=', clientId).execute();
    const result = await trx.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

export async function countSandboxClients(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('clients').select((eb) => eb.fn.countAll<number>().as('n')).where('is_sandbox', '=', 1).executeTakeFirstOrThrow();
  return Number(row.n);
}
