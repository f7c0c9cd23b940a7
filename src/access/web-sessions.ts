// Sign-in for the web pages: a random id in an HttpOnly cookie, stored hashed.
import type { Kysely } from 'kysely';
import { generateSecret, hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { deleteWebSession, findWebSession, insertWebSession } from '../store/repositories/web-sessions.ts';
import { systemClock } from '../clock.ts';

export const webSessionSeconds = 14 * 86400;

export async function startWebSession(db: Kysely<Database>, personId: string, now = Math.floor(systemClock.now() / 1000)): Promise<string> {
  const id = generateSecret();
  await insertWebSession(db, { id_hash: hashSecret(id), person_id: personId, created_at: now, expires_at: now + webSessionSeconds });
  return id;
}

export async function personForWebSession(db: Kysely<Database>, id: string | undefined, now = Math.floor(systemClock.now() / 1000)): Promise<string | undefined> {
  if (!id) return undefined;
  return (await findWebSession(db, hashSecret(id), now))?.person_id;
}

export async function endWebSession(db: Kysely<Database>, id: string | undefined): Promise<void> {
  if (id) await deleteWebSession(db, hashSecret(id));
}
