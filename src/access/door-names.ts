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

const maxDoorNameLength = 60;

export async function renameDoor(db: Kysely<Database>, personId: string, doorId: string, name: string, at: Date): Promise<string> {
  const door = await requireVisibleDoor(db, { personId }, parseId(doorId), at); // not_found
  const chosen = readDoorName(name);                                       // invalid
  await setPersonalDoorName(db, personId, door.id, chosen);
  return chosen;
}

/** Trimmed, 1 to 60 characters (code points after NFC, not UTF-16 units), no control characters. */
export function readDoorName(value: string): string {
  const name = value.normalize('NFC').trim();
  const length = [...name].length;
  if (length === 0) throw new DomainError('invalid', 'Enter a name for the door.');
  if (length > maxDoorNameLength) throw new DomainError('invalid', `A door name is at most ${maxDoorNameLength} characters.`);
  if (/\p{Cc}/u.test(name)) throw new DomainError('invalid', 'A door name cannot contain control characters.');
  return name;
}
