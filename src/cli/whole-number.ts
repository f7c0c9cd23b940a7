import { DomainError } from '../access/errors.ts';

/** A command-line count, refused with the option's name and range when out of it. */
export function wholeNumber(raw: string, name = '--entities', min = 1, max = 100): number {
  const value = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value >= min && value <= max)) throw new DomainError('invalid', `${name} must be a whole number from ${min} to ${max}`);
  return value;
}
