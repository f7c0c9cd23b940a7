// Opening for a person identified at the door (keypad, plate): the same
// toggle as from an app, so every check and record is the same.
import { DomainError } from './errors.ts';
import { toggleDoor, type ToggleDeps } from './toggle-door.ts';

/** Refusals are recorded by the toggle itself; here they end quietly, as nobody waits for an answer. */
export async function openFor(toggle: ToggleDeps, personId: string, doorId: string, channel: string): Promise<void> {
  try {
    await toggleDoor(toggle, { personId }, { doorId, state: 'OPEN', channel, clientId: null });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}
