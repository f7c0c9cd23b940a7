// A person changing their own settings (the account page): a new PIN counts
// against the PIN-choice limit first, then the settings rules apply
// (spec 4, "Get User Settings"; src/access/settings.ts).
import { countPinChoice } from './pin-choices.ts';
import { updateSettings, type Settings, type SettingsDeps } from './settings.ts';
import { systemClock } from '../clock.ts';

export async function changeSettings(deps: SettingsDeps, personId: string, changes: Partial<Settings>, now = Math.floor(systemClock.now() / 1000)): Promise<Settings> {
  if (typeof changes.pin === 'string') await countPinChoice(deps.db, personId, now); // rate_limited
  return updateSettings(deps, personId, changes);                                    // invalid
}
