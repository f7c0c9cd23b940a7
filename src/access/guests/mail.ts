// What guests and issuers are told by mail (phase2.md D.1, D.3).
import type { MailMessage } from '../../mail/mailer.ts';
import { oneLine } from '../../mail/mailer.ts';
import { zonedTime } from '../hours-text.ts';

export interface PassLetter {
  to: string;
  guestName: string;
  issuerFirstName: string;
  accountName: string;
  timeZone: string;
  doorNames: string[];
  startsAt: number;
  endsAt: number;
  linkUrl: string;
  pin: string | null;
  plate: string | null;
}

function passLines(letter: PassLetter): string[] {
  return [
    `Doors: ${letter.doorNames.join(', ')} (${letter.accountName})`,
    `From ${zonedTime(letter.startsAt, letter.timeZone)} until ${zonedTime(letter.endsAt, letter.timeZone)}`,
    '',
    'Open the doors from this page (keep the link to yourself; it works without a login):',
    letter.linkUrl,
    ...(letter.pin ? ['', `Or type this PIN at the keypad: ${letter.pin}`] : []),
    ...(letter.plate ? ['', `The gate's plate reader lets in ${letter.plate}.`] : []),
  ];
}

export function passIssuedMail(letter: PassLetter): MailMessage {
  const lines = [`Hello ${oneLine(letter.guestName)},`, '', `${oneLine(letter.issuerFirstName)} gave you a guest pass on ParqEx.`, '', ...passLines(letter)];
  return { to: letter.to, subject: `${oneLine(letter.issuerFirstName)} gave you a guest pass`, text: `${lines.join('\n')}\n` };
}

export function newPinMail(letter: PassLetter): MailMessage {
  const lines = [`Hello ${oneLine(letter.guestName)},`, '', `The keypad PIN of your guest pass from ${oneLine(letter.issuerFirstName)} has changed; the old one no longer opens anything.`, '', ...passLines(letter)];
  return { to: letter.to, subject: 'Your guest pass has a new PIN', text: `${lines.join('\n')}\n` };
}

export function reminderMail(letter: PassLetter): MailMessage {
  const lines = [`Hello ${oneLine(letter.guestName)},`, '', `Your guest pass from ${oneLine(letter.issuerFirstName)} ends at ${zonedTime(letter.endsAt, letter.timeZone)}, in about 15 minutes.`];
  return { to: letter.to, subject: 'Your guest pass ends soon', text: `${lines.join('\n')}\n` };
}

export function declinedMail(letter: PassLetter): MailMessage {
  const lines = [`Hello ${oneLine(letter.guestName)},`, '', `${oneLine(letter.issuerFirstName)} declined your request for a guest pass at ${letter.accountName}.`];
  return { to: letter.to, subject: 'Your guest pass request was declined', text: `${lines.join('\n')}\n` };
}

export function arrivalMail(to: string, guestName: string, doorName: string, at: number, timeZone: string): MailMessage {
  const name = oneLine(guestName);
  return { to, subject: `Your guest ${name} arrived`, text: `Your guest ${name} arrived: ${doorName} opened for them at ${zonedTime(at, timeZone)}.\n` };
}

export function requestedMail(to: string, guestName: string, label: string, startsAt: number, endsAt: number, timeZone: string, approveUrl: string): MailMessage {
  const name = oneLine(guestName);
  const lines = [`${name} asked for a guest pass through your unit link "${oneLine(label)}",`, `from ${zonedTime(startsAt, timeZone)} until ${zonedTime(endsAt, timeZone)}.`, '', 'Approve or decline it here:', approveUrl];
  return { to, subject: `${name} asks for a guest pass`, text: `${lines.join('\n')}\n` };
}
