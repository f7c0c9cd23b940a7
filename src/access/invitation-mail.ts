// The email an invited person receives: who shares which doors, when, and
// the single-use link. Plain text, so every mail client shows it the same.
import type { MailMessage } from '../mail/mailer.ts';
import { windowText } from './hours-text.ts';
import type { ShareWindow } from './share-window.ts';

export interface InvitationLetter {
  to: string;
  inviter: { firstName: string; lastName: string; email: string };
  /** With the zone of each door's account, which the window's times are given in. */
  doors: { name: string; accountName: string; timeZone: string }[];
  window: ShareWindow;
  link: string;
  expiresAt: number;
}

export function invitationMail(letter: InvitationLetter): MailMessage {
  const inviter = `${letter.inviter.firstName} ${letter.inviter.lastName}`.trim();
  const lines = [
    'Hello,',
    '',
    `${inviter} (${letter.inviter.email}) shared ${letter.doors.length === 1 ? 'a door' : 'doors'} with you on ParqEx:`,
    '',
    ...letter.doors.map((door) => `  - ${door.name} (${door.accountName})`),
    '',
    ...windowLines(letter),
    `To accept, open this link and sign in as ${letter.to}, or create a login for that address if you have none:`,
    '',
    letter.link,
    '',
    `The link works once and expires on ${utc(letter.expiresAt)}.`,
    'If you did not expect this email, you can ignore it: nothing changes until the link is used.',
  ];
  return { to: letter.to, subject: `${inviter} shared access with you on ParqEx`, text: `${lines.join('\n')}\n` };
}

function windowLines(letter: InvitationLetter): string[] {
  const lines = windowText(letter.window, letter.doors);
  return lines.length > 0 ? ['When:', ...lines.map((line) => `  - ${line}`), ''] : [];
}

export function utc(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
