// Shared response shapes (spec 2); they also keep fields from leaking.
import { Type, type TSchema } from 'typebox';

export const errorEnvelope = Type.Object({
  errors: Type.Array(Type.Object({ message: Type.String() })),
}, { description: 'The documented error envelope' });

/** Phase 2 routes' error envelope: the domain code beside the message (docs/errors.md, "Domain error codes"). */
export const codedErrorEnvelope = Type.Object({
  errors: Type.Array(Type.Object({ message: Type.String(), code: Type.Optional(Type.String({ description: 'The domain error code, such as invalid, forbidden, not_found' })) })),
}, { description: 'The documented error envelope, with the domain code' });

/** The documented success envelope around a response's data. */
export function successEnvelope<Data extends TSchema>(data: Data) {
  return Type.Object({ success: Type.Literal(true), timestamp: Type.Integer(), data });
}

const Timestamp = Type.Union([Type.String({ description: 'UTC, "YYYY-MM-DD HH:MM:SS"' }), Type.Null()]);

export const Door = Type.Object({
  id: Type.String({ description: '32 lowercase hex' }),
  entity_number: Type.Integer(),
  name: Type.String({ description: "This person's name for the door" }),
  state: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED')]),
  last_toggled: Timestamp,
  active: Type.Boolean(),
  user_relationship: Type.Union([Type.Literal('Owner'), Type.Literal('Has Access')]),
  door_auto_close_enabled: Type.Boolean(),
  door_auto_close_delay: Type.Integer(),
  bluetooth_sensor: Type.Boolean(),
  bluetooth_sensor_mac_address: Type.String(),
  bluetooth_sensor_battery_level: Type.Integer(),
  image: Type.String({ description: 'Deprecated; always ""' }),
  light: Type.Boolean({ description: 'Deprecated; always false' }),
  sensor: Type.Boolean({ description: 'Deprecated; always false' }),
  door_type: Type.Union([Type.Literal('garage'), Type.Literal('gate'), Type.Literal('pedestrian'), Type.Literal('elevator')]),
  can_open: Type.Boolean({ description: 'Extension: a toggle to OPEN can be asked of this door (by kind and sensor)' }),
  can_close: Type.Boolean({ description: 'Extension: a toggle to CLOSED can be asked of this door' }),
  state_known: Type.Boolean({ description: 'Extension: false when no sensor reports the position' }),
});

export const Device = Type.Object({
  id: Type.String({ description: '32 lowercase hex' }),
  blackbox_code: Type.String(),
  number_of_entities_controlled: Type.Integer(),
  doors: Type.Array(Door),
  last_contact: Timestamp,
  active: Type.Boolean(),
  registered: Type.Boolean(),
  owner_first_name: Type.String(),
  owner_last_name: Type.String(),
  software_version: Type.String(),
  time_before_door_open_alert: Type.Integer(),
  bluetooth_onboard: Type.Boolean(),
  bluetooth_mac_address: Type.String(),
});

export const Vehicle = Type.Object({
  id: Type.String({ description: 'The vehicle, 32 lowercase hex' }),
  plate: Type.String({ description: 'The plate key: upper-case letters and digits, without spaces or hyphens' }),
  region: Type.String({ description: 'A lower-case region code (us-ny, gb), or "" when not known' }),
  make: Type.String(), model: Type.String(), color: Type.String(),
});

export const bearerSecurity = [{ bearer: [] }];

/** `account_id` of a Phase 2 route acting on one account (phase2.md section 0, Account). */
export const accountIdField = Type.String({ maxLength: 64, description: 'The account, 32 hex digits or a dashed UUID; optional for a member of exactly one account' });

/** The refusals of a Phase 2 route acting on an account. */
export const codedErrors = { 400: codedErrorEnvelope, 401: codedErrorEnvelope, 403: codedErrorEnvelope, 404: codedErrorEnvelope };
