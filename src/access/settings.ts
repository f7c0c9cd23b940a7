// A person's settings (spec 4, "Get User Settings"). The keypad PIN is read
// back by applications, so it is kept sealed, with a keyed hash beside it for
// the claims (pin_claims) keypads look PINs up by.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock.ts';
import type { Box } from '../security/encryption.ts';
import type { Database } from '../store/database.ts';
import { moveClaims } from '../store/repositories/pin-claims.ts';
import { findSettings, saveSettings } from '../store/repositories/settings.ts';
import { displaceGuestPins } from './guests/pins.ts';
import { DomainError } from './errors.ts';
import { canonicalTimeZone } from './schedules.ts';

export interface SettingsDeps {
  db: Kysely<Database>;
  box: Box;
  /** Key of the keyed PIN hash. */
  pinKey: Buffer;
  /** Domain time: whether a guest pass whose PIN is taken is still live. The system clock when not given (CLI, seeding). */
  clock?: Clock;
}

export interface Settings {
  notificationsEnabled: boolean;
  notificationTone: string;
  timeZone: string;
  pin: string | null;
  sharePinWithApps: boolean;
}

const defaultTimeZone = 'America/New_York';

const defaults = { notifications_enabled: 1, notification_tone: 'door_open', time_zone: defaultTimeZone, pin_sealed: null, pin_lookup: null, share_pin_with_apps: 1 };

export async function readSettings(deps: SettingsDeps, personId: string): Promise<Settings> {
  const row = (await findSettings(deps.db, personId)) ?? { person_id: personId, ...defaults };
  return {
    notificationsEnabled: row.notifications_enabled === 1,
    notificationTone: row.notification_tone,
    timeZone: row.time_zone,
    pin: row.pin_sealed ? deps.box.open(row.pin_sealed) : null,
    sharePinWithApps: row.share_pin_with_apps === 1,
  };
}

export async function personTimeZone(db: Kysely<Database>, personId: string): Promise<string> {
  return (await findSettings(db, personId))?.time_zone ?? defaultTimeZone;
}

/** What applications see: the PIN only while the person shares it (on by default). */
export function settingsForApplications(settings: Settings) {
  return {
    door_open_alert_notification_enabled: settings.notificationsEnabled,
    door_open_alert_notification_tone: settings.notificationTone,
    time_zone: settings.timeZone,
    pin_code: settings.sharePinWithApps && settings.pin ? settings.pin : '',
  };
}

export function pinLookup(pinKey: Buffer, pin: string): string {
  return createHmac('sha256', pinKey).update(pin).digest('base64url');
}

export async function updateSettings(deps: SettingsDeps, personId: string, changes: Partial<Settings>): Promise<Settings> {
  return deps.db.transaction().execute((trx) => updateIn({ ...deps, db: trx }, personId, changes));
}

async function updateIn(deps: SettingsDeps, personId: string, changes: Partial<Settings>): Promise<Settings> {
  const current = await readSettings(deps, personId);
  const next = { ...current, ...changes };
  const timeZone = canonicalTimeZone(next.timeZone);
  if (!timeZone) throw new DomainError('invalid', `Unknown time zone: ${next.timeZone}. Use an IANA name such as America/New_York.`, { field: 'time_zone' });
  next.timeZone = timeZone;
  if (!/^[a-z0-9_]{1,40}$/.test(next.notificationTone)) throw new DomainError('invalid', 'The notification tone must be a short name such as door_open.', { field: 'tone' });
  if (next.pin !== null && !/^\d{4,8}$/.test(next.pin)) throw new DomainError('invalid', 'A PIN is 4 to 8 digits.', { field: 'pin' });
  const lookup = next.pin === null ? null : pinLookup(deps.pinKey, next.pin);
  // A keypad identifies the person by the PIN alone, so a new one is claimed in
  // every account of theirs at once, or in none. The refusal says nothing of who holds it.
  if (next.pin !== current.pin && lookup !== null) await displaceGuestPins(deps.db, { ...deps, now: Math.floor((deps.clock ?? systemClock).now() / 1000) }, personId, lookup);
  if (next.pin !== current.pin && !(await moveClaims(deps.db, personId, lookup))) {
    throw new DomainError('invalid', 'This PIN cannot be used. Please choose another one.', { field: 'pin' });
  }
  await saveSettings(deps.db, {
    person_id: personId,
    notifications_enabled: next.notificationsEnabled ? 1 : 0,
    notification_tone: next.notificationTone,
    time_zone: next.timeZone,
    pin_sealed: next.pin === null ? null : deps.box.seal(next.pin),
    pin_lookup: lookup,
    share_pin_with_apps: next.sharePinWithApps ? 1 : 0,
  });
  return next;
}
