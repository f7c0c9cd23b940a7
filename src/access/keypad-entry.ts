// A PIN typed at a controller's keypad: it opens the door for the member of
// the controller's account who holds that PIN there, when that member may
// open it now (the toggle's own checks); anything else is a refused attempt.
import type { KeypadGuesses } from './door-side-port.ts';
import { guestAtKeypad } from './guests/use.ts';
import { refusedAtDoor } from './refused-at-door.ts';
import { pinLookup } from './settings.ts';
import { openFor } from './open-at-door.ts';
import type { ToggleDeps } from './toggle-door.ts';
import { memberByPinLookup } from '../store/repositories/devices.ts';

export interface KeypadDeps {
  toggle: ToggleDeps;
  pinKey: Buffer;
  keypadGuesses: KeypadGuesses;
}

export async function keypadEntry(deps: KeypadDeps, door: { id: string; deviceId: string }, entry: { pin: string; occurredAt: number }): Promise<void> {
  const refuse = (alert?: 'wrong_pin') => refusedAtDoor(deps.toggle.db, { doorId: door.id, deviceId: door.deviceId, channel: 'Keypad', reason: 'wrong keypad PIN', occurredAt: entry.occurredAt, alert });
  // Every entry counts as a wrong guess until proven right, and is counted before
  // the lookup: a burst of guesses cannot slip past the limit. Past it, every
  // entry, a right one too, is refused until the window passes.
  if (!(await deps.keypadGuesses.take(door.deviceId))) return void (await refuse('wrong_pin'));
  const member = /^\d{4,8}$/.test(entry.pin) ? await memberByPinLookup(deps.toggle.db, door.deviceId, pinLookup(deps.pinKey, entry.pin)) : undefined;
  if (!member) return void (await refuse());
  await deps.keypadGuesses.giveBack(door.deviceId);
  if (member.guest_pass_id) return void (await guestAtKeypad(deps.toggle, member.guest_pass_id, door.id));
  await openFor(deps.toggle, member.person_id, door.id, 'Keypad');
}
