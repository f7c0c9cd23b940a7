// The development mailbox: mail the server would have sent, kept for the
// /dev/mailbox page instead of leaving the machine.
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export async function insertMail(db: Kysely<Database>, row: Database['mail']): Promise<void> {
  await db.insertInto('mail').values(row).execute();
}

export function recentMail(db: Kysely<Database>, limit: number) {
  return db.selectFrom('mail').select(['id', 'to_address', 'subject', 'body', 'created_at'])
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
