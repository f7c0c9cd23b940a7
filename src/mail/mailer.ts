// Outgoing mail: one small interface and its implementations. Development
// keeps mail in the database for /dev/mailbox (mailbox.ts); production sends
// it over SMTP (smtp.ts). app.ts picks one.
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Production without SMTP_URL: the server runs, but anything that must send mail fails loudly (logged, 500). */
export function unconfiguredMailer(): Mailer {
  return {
    async send() {
      throw new Error('cannot send mail: SMTP_URL is not set (production sends mail only over SMTP)');
    },
  };
}

/** A header never carries a line break, whatever a person typed into their name. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}
