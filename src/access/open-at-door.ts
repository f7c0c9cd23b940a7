// Opening for a person identified at the door (a keypad PIN): `decide` for
// them on the door now, then the toggle's door steps and command
// (startDecidedToggle), so every check and record is the toggle's.
import { decide, refusalMessage } from './decide.ts';
import { DomainError } from './errors.ts';
import { completeToggle, recordRefusal, startDecidedToggle, toggleTarget, type ToggleDeps } from './toggle-door.ts';

/** Refusals are recorded as the toggle records them; here they end quietly, as nobody waits for an answer. */
export async function openFor(toggle: ToggleDeps, personId: string, doorId: string, channel: string): Promise<void> {
  try {
    const decision = await decide(toggle.db, toggle.clock, { subject: { personId }, doorId });
    if (!decision.allowed) {
      // A door the person holds nothing on is not theirs to be refused at (the toggle's "No such door").
      if (decision.reason === 'no_access') return;
      const door = await toggleTarget(toggle.db, doorId);
      await recordRefusal(toggle, door, personId, { channel, state: 'OPEN' }, 'forbidden', refusalMessage(door.name, decision.reason));
      return;
    }
    const pending = await startDecidedToggle(toggle, { personId }, { doorId, state: 'OPEN', channel });
    await completeToggle(toggle, { personId }, pending, channel);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}
