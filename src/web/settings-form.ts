// The Settings section of the account page: the form, and reading what it
// sends. Works without JavaScript: an unticked box is simply absent. The PIN
// is never written into the page, not even the one just typed.
import { DomainError } from '../access/errors.ts';
import type { Settings } from '../access/settings.ts';
import { html, type Html } from './html.ts';
import { formBody } from './form-schemas.ts';

const notificationTones = [
  { value: 'door_open', label: 'Door open (default)' },
  { value: 'chime', label: 'Chime' },
  { value: 'bell', label: 'Bell' },
  { value: 'none', label: 'Silent' },
] as const;

/** Suggestions only: any zone the settings rules accept may be typed. */
export const commonTimeZones = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage',
  'Pacific/Honolulu', 'America/Toronto', 'America/Vancouver', 'America/Mexico_City', 'America/Sao_Paulo', 'America/Argentina/Buenos_Aires',
  'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam',
  'Europe/Stockholm', 'Europe/Warsaw', 'Europe/Athens', 'Europe/Istanbul', 'Africa/Johannesburg', 'Africa/Lagos', 'Africa/Cairo',
  'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Tokyo', 'Asia/Seoul', 'Australia/Sydney', 'Australia/Perth',
  'Pacific/Auckland', 'UTC',
] as const;

/** The form's fields, as the browser sends them. */
export interface SettingsFormBody {
  notifications?: string;
  tone?: string;
  time_zone?: string;
  pin?: string;
  remove_pin?: string;
  share_pin?: string;
}

export const settingsFormSchema = formBody({ notifications: 10, tone: 100, time_zone: 100, pin: 100, remove_pin: 10, share_pin: 10 });

/** The changes the form asks for. An empty PIN field keeps the current PIN. */
export function settingsChanges(body: SettingsFormBody): Partial<Settings> {
  const pin = body.pin?.trim() ?? '';
  const removePin = body.remove_pin !== undefined;
  if (pin !== '' && removePin) throw new DomainError('invalid', 'Enter a new PIN or tick "Remove my PIN", not both.', { field: 'pin' });
  const timeZone = body.time_zone?.trim() ?? '';
  if (timeZone === '') throw new DomainError('invalid', 'Enter a time zone, such as America/New_York.', { field: 'time_zone' });
  return {
    notificationsEnabled: body.notifications !== undefined,
    ...(body.tone !== undefined ? { notificationTone: body.tone } : {}),
    timeZone,
    sharePinWithApps: body.share_pin !== undefined,
    ...(removePin ? { pin: null } : pin !== '' ? { pin } : {}),
  };
}

/** What the form shows: the settings without the PIN itself. */
export type SettingsView = Omit<Settings, 'pin'> & { pinSet: boolean };

export function settingsView(settings: Settings): SettingsView {
  const { pin, ...rest } = settings;
  return { ...rest, pinSet: pin !== null };
}

/** The form as it was sent, to show again beside a refusal (the PIN field stays empty). */
export function submittedView(current: SettingsView, body: SettingsFormBody): SettingsView {
  return {
    ...current,
    notificationsEnabled: body.notifications !== undefined,
    notificationTone: body.tone ?? current.notificationTone,
    timeZone: body.time_zone ?? current.timeZone,
    sharePinWithApps: body.share_pin !== undefined,
  };
}

export interface SettingsSectionOptions {
  /** Where the form posts; the account page's own route by default. */
  action?: string;
  heading?: string;
  /** A refusal said elsewhere on the page (the flash): the field it concerns (the error's own) points at it. */
  refusal?: { messageId: string; field: string | undefined };
}

export function settingsSection(view: SettingsView, csrf: string, options: SettingsSectionOptions = {}): Html {
  const { refusal } = options;
  const invalid = (field: string) => (refusal?.field === field ? html` aria-invalid="true" aria-describedby="${refusal.messageId}"` : '');
  // A tone set elsewhere stays selectable, so saving the form never changes it silently.
  const tones = notificationTones.some((tone) => tone.value === view.notificationTone)
    ? notificationTones
    : [...notificationTones, { value: view.notificationTone, label: view.notificationTone }];
  return html`
<h2 id="settings">${options.heading ?? 'Settings'}</h2>
<form method="post" action="${options.action ?? '/account/settings'}" class="settings">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label class="check"><input type="checkbox" name="notifications" value="on"${view.notificationsEnabled ? html` checked` : ''}> Alert me when a door is left open</label>
  <label for="tone">Notification tone</label>
  <select id="tone" name="tone"${invalid('tone')}>
    ${tones.map((tone) => html`<option value="${tone.value}"${tone.value === view.notificationTone ? html` selected` : ''}>${tone.label}</option>`)}
  </select>
  <label for="time-zone">Time zone</label>
  <input id="time-zone" name="time_zone" type="text" list="time-zones" required maxlength="100" autocomplete="off" autocapitalize="off" spellcheck="false" value="${view.timeZone}"${invalid('time_zone')}>
  <datalist id="time-zones">${commonTimeZones.map((zone) => html`<option value="${zone}">`)}</datalist>
  <p class="muted">Your history and the dates on your pages follow this zone. Door hours are read in each account's zone.</p>
  <label for="pin">Keypad PIN</label>
  <p class="muted" id="pin-status">${view.pinSet ? 'A PIN is set.' : 'No PIN.'} Enter 4 to 8 digits to ${view.pinSet ? 'change it' : 'set one'}; leave empty to keep ${view.pinSet ? 'it' : 'none'}.</p>
  <input id="pin" name="pin" type="password" inputmode="numeric" pattern="[0-9]{4,8}" minlength="4" maxlength="8" autocomplete="new-password" ${refusal?.field === 'pin' ? html`aria-invalid="true" aria-describedby="${refusal.messageId} pin-status"` : html`aria-describedby="pin-status"`}>
  ${view.pinSet ? html`<label class="check"><input type="checkbox" name="remove_pin" value="on"> Remove my PIN</label>` : ''}
  <label class="check"><input type="checkbox" name="share_pin" value="on"${view.sharePinWithApps ? html` checked` : ''}> Share my PIN with applications I authorize</label>
  <p class="muted">Applications can then show you your PIN. Keypads accept it either way.</p>
  <button type="submit">Save settings</button>
</form>`;
}
