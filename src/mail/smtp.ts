// Production mail: SMTP through nodemailer, configured by one URL
// (smtp://user:pass@host:587 with STARTTLS, smtps://... for implicit TLS).
import { createTransport } from 'nodemailer';
import { oneLine, type Mailer } from './mailer.ts';

export function smtpMailer(smtpUrl: string, from: string): Mailer {
  // A request that sends mail waits for it: fail within seconds, not nodemailer's default minutes.
  const transport = createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 }, { from });
  return {
    async send(message) {
      await transport.sendMail({ to: message.to, subject: oneLine(message.subject), text: message.text });
    },
  };
}
