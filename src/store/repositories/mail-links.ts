// Mailed single-use links (sign-up, password reset, email change). The token
// is never stored: only its SHA-256, so the table holds no usable link.
import type { Kysely, Selectable } from 'kysely';
import type { Database, MailLinkPurpose, MailLinksTable } from '../database.ts';

export type MailLinkRow = Selectable<MailLinksTable>;

export async function insertMailLink(db: Kysely<Database>, row: Omit<MailLinkRow, 'used_at'>): Promise<void> {
  await db.insertInto('mail_links').values({ ...row, used_at: null }).execute();
}

export function findMailLink(db: Kysely<Database>, purpose: MailLinkPurpose, tokenHash: string): Promise<MailLinkRow | undefined> {
  return db.selectFrom('mail_links').selectAll().where('token_hash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst();
}

/** Marks it used only if it is still unused and unexpired; false: another request used it first (or it ran out). */
export async function markMailLinkUsed(db: Kysely<Database>, tokenHash: string, at: number): Promise<boolean> {
  const result = await db.updateTable('mail_links').set({ used_at: at })
    .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', at).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A person's other links of one purpose stop working (a newer reset link, a finished email change). */
export async function retireMailLinks(db: Kysely<Database>, purpose: MailLinkPurpose, personId: string, at: number): Promise<void> {
  await db.updateTable('mail_links').set({ used_at: at })
    .where('purpose', '=', purpose).where('person_id', '=', personId).where('used_at', 'is', null).execute();
}

export async function deleteExpiredMailLinks(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom('mail_links').where('expires_at', '<', before).execute();
}
