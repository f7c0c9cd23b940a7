// The development mailbox (design: "a development mailbox"): mail is written
// to the `mail` table and shown at /dev/mailbox; nothing leaves the machine.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { insertMail, recentMail } from '../store/repositories/mail.ts';
import { oneLine, type Mailer } from './mailer.ts';

export function mailboxMailer(db: Kysely<Database>): Mailer {
  return {
    async send(message) {
      await insertMail(db, {
        // Milliseconds first: mail sent within the same second still lists newest first.
        id: `${Date.now().toString(16).padStart(12, '0')}-${randomUUID()}`,
        to_address: message.to,
        subject: oneLine(message.subject),
        body: message.text,
        created_at: Math.floor(Date.now() / 1000),
      });
    },
  };
}

export interface MailboxEntry {
  to: string;
  subject: string;
  text: string;
  sentAt: number;
}

/** Newest first. */
export async function readMailbox(db: Kysely<Database>, limit = 100): Promise<MailboxEntry[]> {
  const rows = await recentMail(db, limit);
  return rows.map((row) => ({ to: row.to_address, subject: row.subject, text: row.body, sentAt: row.created_at }));
}
