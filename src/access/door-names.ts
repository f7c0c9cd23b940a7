// A person's own name for a door (spec 2, Door "name": every person may name a
// door differently; default: the name the Admin gave it). It changes that
// person's view only, in the API and on the pages. A door the person cannot
// see cannot be named: it is "not found", as everywhere else.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { setPersonalDoorName } from '../store/repositories/doors.ts';
import { requireVisibleDoor } from './door-policy.ts';
import { DomainError } from './errors.ts';
import { parseId } from './ids.ts';

export const maxNameLength = 60;

export async function renameDoor(db: Kysely<Database>, personId: string, doorId: string, name: string, at: Date): Promise<string> {
  const door = await requireVisibleDoor(db, { personId }, parseId(doorId), at); // not_found
  const chosen = readDoorName(name);                                       // invalid
  await setPersonalDoorName(db, personId, door.id, chosen);
  return chosen;
}

/** Trimmed, 1 to 60 characters (code points after NFC, not UTF-16 units), no control characters. */
export function readDoorName(value: string): string {
  return readName(value, 'door');
}

/** The same rule for every name an Admin or a person gives a door or a controller; the message names the thing. */
export function readName(value: string, thing: 'door' | 'controller'): string {
  const name = value.normalize('NFC').trim();
  const length = [...name].length;
  if (length === 0) throw new DomainError('invalid', `Enter a name for the ${thing}.`);
  if (length > maxNameLength) throw new DomainError('invalid', `A ${thing} name is at most ${maxNameLength} characters.`);
  if (/\p{Cc}/u.test(name)) throw new DomainError('invalid', `A ${thing} name cannot contain control characters.`);
  return name;
}
