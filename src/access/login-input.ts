// What a person types to make or change a login: the same rules on every
// form (sign-up, password reset, password change, profile, email change).
import { FieldError } from './errors.ts';
import { minPasswordLength } from './accept-invitation.ts';

const maxPasswordLength = 1024;
const maxNameLength = 100;
// Enough to refuse typing slips; the mailed link proves the rest.
const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function readNewPassword(value: string | undefined, field = 'password'): string {
  const password = value ?? '';
  if (password.length < minPasswordLength) throw new FieldError(field, `The password must be at least ${minPasswordLength} characters.`);
  if (password.length > maxPasswordLength) throw new FieldError(field, `The password must be at most ${maxPasswordLength} characters.`);
  return password;
}

export function readPersonName(field: 'first_name' | 'last_name', value: string | undefined): string {
  const which = field === 'first_name' ? 'first' : 'last';
  const name = (value ?? '').trim();
  if (!name) throw new FieldError(field, `Enter your ${which} name.`);
  if (name.length > maxNameLength) throw new FieldError(field, `Your ${which} name is too long (${maxNameLength} characters at most).`);
  return name;
}

export function readEmail(value: string | undefined): string {
  const email = (value ?? '').trim().toLowerCase();
  if (!email) throw new FieldError('email', 'Enter your email address.');
  if (email.length > 320 || !emailShape.test(email)) throw new FieldError('email', 'Enter an email address such as name@example.com.');
  return email;
}
