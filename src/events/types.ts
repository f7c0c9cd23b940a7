// Every event the platform announces, with its category and its own fields:
// the one place webhook shapes are defined (docs/webhooks.md is the catalogue).
import { Type, type Static, type TObject } from 'typebox';
import type { Scope } from '../oauth/scopes.ts';
import type { DoorState } from '../store/database.ts';

export const categories = ['access', 'management', 'enforcer'] as const;
export type Category = (typeof categories)[number];

// Field shapes, as receivers see them. The schemas are also what the OpenAPI
// document's `webhooks` section shows (events/openapi.ts).
const hex = (description: string) => Type.String({ description: `${description}, 32 lowercase hex` });
const HEX = (description: string) => Type.String({ description: `${description}, 32 UPPERCASE hex, or "" when there is none` });
const utc = (description: string) => Type.String({ description: `${description}, UTC "YYYY-MM-DDTHH:MM:SSZ"` });
const utcOrNull = (description: string) => Type.Union([utc(description), Type.Null()]);
const DoorStateSchema = Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED')]);
const PersonRefSchema = Type.Object({ firstName: Type.String(), lastName: Type.String(), emailAddress: Type.String() }, {
  description: 'The person who acted; empty strings when nobody did',
});
const channel = Type.String({ description: 'How it was asked: "API: <application>", "ParqEx Web", "Keypad", "LPR", "Door Sensor" or "Auto Close"' });

export type PersonRef = Static<typeof PersonRefSchema>;

// Parts several event types share.
const personOnDoor = { doorID: hex('The door'), deviceID: hex('Its controller'), personID: hex('The person') };
const accessWindow = { startsAt: utcOrNull('Start of the access window'), endsAt: utcOrNull('End of the access window; null when open-ended') };
const GuestPassChange = Type.Object({
  guestPassID: hex('The guest pass'), issuerID: hex('The member in whose name it was issued'),
  kind: Type.String({ description: 'window, recurring or one_time' }), doorIDs: Type.Array(hex('A door of the pass')),
  plate: Type.String({ description: 'The plate key the pass admits, "" for none' }),
  startsAt: utc('When the pass starts'), endsAt: utc('When the pass ends'),
});
const VehicleExclusion = Type.Object({
  accountID: hex('The account'), personID: Type.String({ description: 'The member holding the plate, 32 lowercase hex, or "" when no member holds it any more' }),
  plate: Type.String({ description: 'The plate key: upper-case letters and digits' }), reason: Type.String({ description: 'The Admin\'s reason, "" when none' }),
});
const Allowance = Type.Object({
  allowanceID: hex('The allowance'), plate: Type.String({ description: 'The plate key' }),
  category: Type.String({ description: 'resident, employee, vendor, guest, service or other' }),
  startsAt: utc('When it starts'), endsAt: utcOrNull('When it ends; null when ongoing'),
});
const Vehicle = Type.Object({ vehicleID: hex('The vehicle'), personID: hex('Its owner'), licensePlate: Type.String(), region: Type.String() });

/** Fields of each event type, in the documented camelCase shape. Door events are `door<N>_open` / `door<N>_close`. */
export const eventFieldSchemas = {
  door: Type.Object({
    toggleID: HEX('The toggle that caused it'), doorID: hex('The door'), doorState: DoorStateSchema, channel, deviceID: hex('Its controller'),
    doorOwnerUserID: Type.String({ description: 'The Admin of the door\'s account, 32 lowercase hex, or ""' }), userThatToggled: PersonRefSchema,
  }),
  toggle_failed: Type.Object({
    toggleID: HEX('The failed toggle'), doorID: hex('The door'), deviceID: hex('Its controller'), requestedState: DoorStateSchema,
    reason: Type.String(), channel, userThatToggled: PersonRefSchema,
  }),
  controller_online: Type.Object({ deviceID: hex('The controller') }),
  controller_offline: Type.Object({ deviceID: hex('The controller') }),
  controller_misbehaving: Type.Object({ deviceID: hex('The controller'), reason: Type.String({ description: 'What it did, such as "more than 20 messages a second"' }) }),
  unauthorized_attempt: Type.Object({
    doorID: hex('The door'), deviceID: hex('Its controller'), channel, reason: Type.String(), userThatToggled: PersonRefSchema,
    plate: Type.String({ description: 'The plate a reader read, as read; "" for other attempts' }),
    readID: Type.String({ description: 'The plate read, 32 lowercase hex; "" for other attempts' }),
  }),
  vehicle_admitted: Type.Object({
    readID: hex('The plate read'), doorID: hex('The door it opened'), plate: Type.String({ description: 'The plate key read' }),
    basis: Type.String({ description: 'Why it was let in or out: member (a member\'s vehicle), guest_pass (a guest pass\'s plate), allowance (an allowance listing the door) or stay (leaving after a granted entry)' }),
    basisID: Type.String({ description: 'The vehicle (member), the guest pass (guest_pass), the allowance, or the entry read (stay), 32 lowercase hex' }),
    personID: Type.String({ description: 'The person the door was opened for, 32 lowercase hex, or "" for nobody' }),
    toggleID: HEX('The command that opened the door'),
  }),
  door_left_open: Type.Object({
    doorID: hex('The door'), deviceID: hex('Its controller'), doorOwnerUserID: Type.String({ description: '32 lowercase hex, or ""' }),
    openSinceUTC: utc('When it opened'), alertAfterSeconds: Type.Integer({ description: 'The controller\'s time_before_door_open_alert' }),
  }),
  sensor_battery_low: Type.Object({ doorID: hex('The door'), deviceID: hex('Its controller'), batteryLevel: Type.Integer({ description: 'Percent' }), threshold: Type.Integer({ description: 'Percent' }) }),
  person_invited: Type.Object({
    doorID: hex('The door'), deviceID: hex('Its controller'), emailAddress: Type.String(), invitedByUserID: hex('Who invited'),
    ...accessWindow, expiresAt: utc('When the invitation link expires'),
  }),
  access_granted: Type.Object({ ...personOnDoor, grantedByUserID: hex('Who invited them'), ...accessWindow }),
  access_changed: Type.Object({ ...personOnDoor, changedByUserID: hex('Who changed it'), ...accessWindow }),
  access_removed: Type.Object({ ...personOnDoor, removedByUserID: hex('Who removed it') }),
  vehicle_added: Vehicle,
  vehicle_removed: Vehicle,
  webhook_test: Type.Object({
    endpointID: hex('The endpoint the test was sent to'),
    message: Type.String({ description: 'A sentence saying this is a test' }),
  }),
  member_permissions_changed: Type.Object({
    accountID: hex('The account'), personID: hex('The member'),
    permissions: Type.Array(Type.Union([Type.Literal('share'), Type.Literal('guests'), Type.Literal('enforcement')]), { description: 'What the member may do now, of share, guests, enforcement' }),
  }),
  member_removed: Type.Object({ accountID: hex('The account'), personID: hex('The former member'), removedByUserID: hex('The Admin who removed them') }),
  vehicle_exclusion_added: VehicleExclusion,
  vehicle_exclusion_removed: VehicleExclusion,
  allowance_added: Allowance,
  allowance_ended: Allowance,
  parking_notice_issued: Type.Object({
    noticeID: hex('The notice'), number: Type.String({ description: 'Its number at the account, PN-000001 onward' }),
    kind: Type.Union([Type.Literal('warning'), Type.Literal('violation'), Type.Literal('tow_authorization')]),
    plate: Type.String({ description: 'The plate key' }), status: Type.String({ description: 'Always issued' }),
  }),
  parking_notice_status_changed: Type.Object({
    noticeID: hex('The notice'), number: Type.String({ description: 'Its number at the account' }),
    status: Type.String({ description: 'The new status' }), previousStatus: Type.String({ description: 'The status it left' }),
  }),
  enforcement_alert_opened: Type.Object({
    alertID: hex('The alert'), trigger: Type.String({ description: 'unauthorized_vehicle, watchlist_hit, wrong_pin, forced_open or overstay' }),
    doorID: Type.String({ description: 'The door, 32 lowercase hex, or "" when none' }), plate: Type.String({ description: 'The plate key, or "" when none' }),
  }),
  enforcement_alert_resolved: Type.Object({
    alertID: hex('The alert'), state: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
    reason: Type.String({ description: 'A rejection\'s reason (authorized_vehicle, misread, duplicate, left, other); "" when accepted' }),
    noticeID: Type.String({ description: 'The notice issued on accepting it, 32 lowercase hex, or ""' }),
  }),
  guest_pass_issued: GuestPassChange,
  guest_pass_revoked: GuestPassChange,
  guest_pass_requested: GuestPassChange,
  guest_pass_used: Type.Object({
    guestPassID: hex('The guest pass'), doorID: hex('The door'),
    credential: Type.String({ description: 'What the guest used: link, pin or plate' }), toggleID: HEX('The command that opened the door'),
  }),
} satisfies Record<string, TObject>;

export type EventFields = { [Type in keyof typeof eventFieldSchemas]: Static<(typeof eventFieldSchemas)[Type]> };

export type EventName = Exclude<keyof EventFields, 'door'> | `door${number}_${'open' | 'close'}`;

export interface CatalogueEntry {
  category: Category;
  description: string;
  /** Phase 2 (phase2.md section 0): an application hears of it only when its grant holds one of these; absent, any grant. */
  scopes?: readonly Scope[];
}

const vehicleScopes: readonly Scope[] = ['lpr', 'profile', 'vehicles'];
const enforcerScopes: readonly Scope[] = ['enforcer'];

export const eventCatalogue: Record<Exclude<keyof EventFields, 'door'> | 'door<N>_open' | 'door<N>_close', CatalogueEntry> = {
  'door<N>_open': { category: 'access', description: 'A door of channel N reached OPEN, as its controller reported.' },
  'door<N>_close': { category: 'access', description: 'A door of channel N reached CLOSED, as its controller reported.' },
  toggle_failed: { category: 'access', description: 'A toggle reached the controller but failed (no answer in time, or the controller could not do it).' },
  controller_online: { category: 'access', description: 'A controller connected.' },
  controller_offline: { category: 'access', description: 'A controller went offline.' },
  controller_misbehaving: { category: 'access', description: 'A controller sent more messages than it may; announced once until it has behaved for a minute.' },
  door_left_open: { category: 'access', description: 'A door stayed open longer than its time_before_door_open_alert.' },
  sensor_battery_low: { category: 'access', description: 'A door sensor\'s battery fell below the low-battery threshold.' },
  person_invited: { category: 'management', description: 'A person was invited to a door (one event per door of the invitation).' },
  access_granted: { category: 'management', description: 'A person was given access to a door (an invitation was accepted).' },
  access_changed: { category: 'management', description: 'A person\'s access window to a door changed (a new invitation replaced it).' },
  access_removed: { category: 'management', description: 'A person\'s access to a door was removed (one event per door).' },
  vehicle_added: { category: 'management', description: 'A vehicle was added to a person\'s access list.' },
  vehicle_removed: { category: 'management', description: 'A vehicle was removed from a person\'s access list.' },
  webhook_test: { category: 'management', description: 'A test sent from the developer console to one endpoint, whatever event types it asked for; it concerns no door and no authorization.' },
  member_permissions_changed: { category: 'management', description: 'An Admin changed a member\'s permissions (share, guests, enforcement); to the Admin and the member.' },
  member_removed: { category: 'management', description: 'An Admin removed a member from the account, ending their access there; to the Admin and the former member.' },
  vehicle_admitted: { category: 'access', description: 'A plate reader let a vehicle in or out; to the account\'s Admins and enforcement members.', scopes: ['lpr', 'enforcer'] },
  vehicle_exclusion_added: { category: 'management', description: 'An Admin excluded a plate: the account\'s plate readers no longer admit it as a member vehicle; to the Admin and the member holding it.', scopes: vehicleScopes },
  vehicle_exclusion_removed: { category: 'management', description: 'An Admin readmitted an excluded plate; to the Admin and the member holding it.', scopes: vehicleScopes },
  allowance_added: { category: 'management', description: 'An Admin added an allowance ("do not tow"); to the account\'s Admins and enforcement members.', scopes: enforcerScopes },
  allowance_ended: { category: 'management', description: 'An allowance was ended by the Admin; to the account\'s Admins and enforcement members.', scopes: enforcerScopes },
  parking_notice_issued: { category: 'enforcer', description: 'A parking notice was issued; to the account\'s Admins and enforcement members.', scopes: enforcerScopes },
  parking_notice_status_changed: { category: 'enforcer', description: 'A parking notice moved to another status; to the account\'s Admins and enforcement members.', scopes: enforcerScopes },
  enforcement_alert_opened: { category: 'enforcer', description: 'An enforcement alert opened (a refused plate read, a watchlisted plate, the keypad\'s guess limit, a door forced open); repeats within an hour raise its occurrences instead. To the account\'s Admins and enforcement members.', scopes: enforcerScopes },
  enforcement_alert_resolved: { category: 'enforcer', description: 'An enforcement alert was accepted or rejected; to the account\'s Admins and enforcement members.', scopes: enforcerScopes },
  guest_pass_issued: { category: 'management', description: 'A guest pass was issued (or a pending one approved); to its issuer and the account\'s Admin.', scopes: ['manageguests'] },
  guest_pass_revoked: { category: 'management', description: 'A guest pass was revoked; to its issuer and the account\'s Admin.', scopes: ['manageguests'] },
  guest_pass_requested: { category: 'management', description: 'A guest asked for a pass through a unit link; it waits for its owner\'s approval; to the owner and the account\'s Admin.', scopes: ['manageguests'] },
  guest_pass_used: { category: 'access', description: 'A guest opened a door with a pass (link, PIN or plate); to its issuer and the account\'s Admin.', scopes: ['manageguests'] },
  unauthorized_attempt: { category: 'enforcer', description: 'Someone tried a door and was refused: a refused toggle, a wrong keypad PIN, a refused plate read, or a door forced open. A refused plate read goes to the account\'s Admins and enforcement members only, with `plate` and `readID`.' },
};

/** The scopes a grant must hold one of for an application to hear of this type; undefined: any grant. */
export function scopesOf(type: string): readonly Scope[] | undefined {
  return eventCatalogue[type as keyof typeof eventCatalogue]?.scopes;
}

export function categoryOf(type: string): Category {
  if (/^door\d+_(open|close)$/.test(type)) return 'access';
  return eventCatalogue[type as keyof typeof eventCatalogue]?.category ?? 'access';
}

export function doorEventName(entityNumber: number, state: DoorState): EventName {
  return `door${entityNumber}_${state === 'OPEN' ? 'open' : 'close'}`;
}

export const nobody: PersonRef = { firstName: '', lastName: '', emailAddress: '' };
