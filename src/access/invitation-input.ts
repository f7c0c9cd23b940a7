// Reading the fields of an invitation request (spec 4, "Invite User"): the
// same rules whether they came through the API or a test, each refusal
// naming its field.
import { DomainError } from './errors.ts';
import { parseId } from './ids.ts';

const maxDoorsPerRequest = 50;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Lowercased, as people's addresses are stored. */
export function readEmail(value: unknown, field = 'email_address'): string {
  if (value === undefined || value === null || value === '') throw new DomainError('invalid', `${field} is required.`);
  const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (email.length > 254 || !EMAIL.test(email)) throw new DomainError('invalid', `Invalid ${field}: not an email address.`);
  return email;
}

/** 1 to 50 ids in either accepted form, returned in the stored form without repeats. */
export function readDoorIds(value: unknown): string[] {
  if (value === undefined || value === null) throw new DomainError('invalid', 'door_ids is required.');
  if (!Array.isArray(value) || value.length === 0) throw new DomainError('invalid', 'Invalid door_ids: list at least one door id.');
  if (value.length > maxDoorsPerRequest) throw new DomainError('invalid', `Invalid door_ids: at most ${maxDoorsPerRequest} doors at a time.`);
  const ids = value.map((item, index) => {
    const id = parseId(item);
    if (!id) throw new DomainError('invalid', `Invalid door_ids[${index}]: not a door id.`);
    return id;
  });
  return [...new Set(ids)];
}

export function readUserId(value: unknown): string {
  const id = parseId(value);
  if (!id) throw new DomainError('invalid', 'Invalid user_id: not a person id.');
  return id;
}
