// Production mail: SMTP through nodemailer, configured by one URL
// (smtp://user:pass@host:587, smtps://... for implicit TLS).
import { createTransport } from 'nodemailer';
import { oneLine, type Mailer } from './mailer.ts';

export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport(smtpUrl, { from });
  return {
    async send(message) {
      await transport.sendMail({ to: message.to, subject: oneLine(message.subject), text: message.text });
    },
  };
}
