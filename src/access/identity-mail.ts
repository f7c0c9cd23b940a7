// The mails of sign-up, password reset and email change. Plain text, like
// the invitation mail; each link works once and says until when.
import type { MailMessage } from '../mail/mailer.ts';
import { utc } from './invitation-mail.ts';

const ignore = 'If you did not ask for this, you can ignore this email: nothing changes until the link is used.';

function mail(to: string, subject: string, lines: string[]): MailMessage {
  return { to, subject, text: `${lines.join('\n')}\n` };
}

export function signUpMail(to: string, link: string, expiresAt: number): MailMessage {
  return mail(to, 'Create your ParqEx login', [
    'Hello,', '', 'To create your ParqEx login for this address, open this link and choose your name and password:', '',
    link, '', `The link works once and expires on ${utc(expiresAt)}.`, ignore,
  ]);
}

/** Sent instead of a sign-up link, so the sign-up page never tells who has a login. */
export function alreadySignedUpMail(to: string, publicUrl: string): MailMessage {
  return mail(to, 'You already have a ParqEx login', [
    'Hello,', '', `Someone asked to create a ParqEx login for ${to}, but this address already has one.`, '',
    `Sign in: ${publicUrl}/login`, `Forgot your password? ${publicUrl}/password-reset`, '',
    'If it was not you, you can ignore this email.',
  ]);
}

export function passwordResetMail(to: string, link: string, expiresAt: number): MailMessage {
  return mail(to, 'Reset your ParqEx password', [
    'Hello,', '', 'To choose a new password for your ParqEx login, open this link:', '',
    link, '', `The link works once and expires on ${utc(expiresAt)}. Setting a new password signs you out everywhere else.`, ignore,
  ]);
}

/** Sent when no login has the address: the page answers the same, and the mail takes as long to send as a reset link. */
export function noLoginMail(to: string, publicUrl: string): MailMessage {
  return mail(to, 'ParqEx password reset', [
    'Hello,', '', `Someone asked to reset the ParqEx password of ${to}, but no ParqEx login uses this address.`, '',
    `If it was you, you may have signed up with another address; or create a login: ${publicUrl}/signup`, '',
    'If it was not you, you can ignore this email.',
  ]);
}

export function emailChangeMail(to: string, link: string, expiresAt: number): MailMessage {
  return mail(to, 'Confirm your new ParqEx email address', [
    'Hello,', '', `To make ${to} the email address of your ParqEx login, open this link and confirm:`, '',
    link, '', `The link works once and expires on ${utc(expiresAt)}. Until then your login keeps its current address.`, ignore,
  ]);
}

/** To the new address when another login already holds it: the asker is told the same as for a free address. */
export function emailTakenMail(to: string): MailMessage {
  return mail(to, 'Your ParqEx email address was not changed', [
    'Hello,', '', `Someone asked to move a ParqEx login to ${to}, but this address already has its own login, so nothing was changed.`,
    'If it was not you, you can ignore this email.',
  ]);
}

/** To the old address once the change is made: the person learns of it even if it was not them. */
export function emailChangedMail(to: string, newEmail: string): MailMessage {
  return mail(to, 'Your ParqEx email address was changed', [
    'Hello,', '', `The email address of your ParqEx login was changed from ${to} to ${newEmail}.`,
    'From now on you sign in with the new address, and mail from ParqEx goes there.', '',
    'If you did not do this, contact your ParqEx operator at once.',
  ]);
}
