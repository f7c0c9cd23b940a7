// Every event the platform announces, with its category and its own fields:
// the one place webhook shapes are defined (docs/webhooks.md is the catalogue).
import type { DoorState } from '../store/database.ts';

export const categories = ['access', 'management', 'enforcer'] as const;
export type Category = (typeof categories)[number];

export interface PersonRef {
  firstName: string;
  lastName: string;
  emailAddress: string;
}

/** Fields of each event type, in the documented camelCase shape. Door events are `door<N>_open` / `door<N>_close`. */
export interface EventFields {
  door: { toggleID: string; doorID: string; doorState: DoorState; channel: string; deviceID: string; doorOwnerUserID: string; userThatToggled: PersonRef };
  toggle_failed: { toggleID: string; doorID: string; deviceID: string; requestedState: DoorState; reason: string; channel: string; userThatToggled: PersonRef };
  controller_online: { deviceID: string };
  controller_offline: { deviceID: string };
  unauthorized_attempt: { doorID: string; deviceID: string; channel: string; reason: string; userThatToggled: PersonRef };
  door_left_open: { doorID: string; deviceID: string; doorOwnerUserID: string; openSinceUTC: string; alertAfterSeconds: number };
  sensor_battery_low: { doorID: string; deviceID: string; batteryLevel: number; threshold: number };
  person_invited: { doorID: string; deviceID: string; emailAddress: string; invitedByUserID: string; startsAt: string | null; endsAt: string | null; expiresAt: string };
  access_granted: { doorID: string; deviceID: string; personID: string; grantedByUserID: string; startsAt: string | null; endsAt: string | null };
  access_changed: { doorID: string; deviceID: string; personID: string; changedByUserID: string; startsAt: string | null; endsAt: string | null };
  access_removed: { doorID: string; deviceID: string; personID: string; removedByUserID: string };
  vehicle_added: { vehicleID: string; personID: string; licensePlate: string; region: string };
  vehicle_removed: { vehicleID: string; personID: string; licensePlate: string; region: string };
}

export type EventName = Exclude<keyof EventFields, 'door'> | `door${number}_${'open' | 'close'}`;

export const eventCatalogue: Record<Exclude<keyof EventFields, 'door'> | 'door<N>_open' | 'door<N>_close', { category: Category; description: string }> = {
  'door<N>_open': { category: 'access', description: 'A door of channel N reached OPEN, as its controller reported.' },
  'door<N>_close': { category: 'access', description: 'A door of channel N reached CLOSED, as its controller reported.' },
  toggle_failed: { category: 'access', description: 'A toggle reached the controller but failed (no answer in time, or the controller could not do it).' },
  controller_online: { category: 'access', description: 'A controller connected.' },
  controller_offline: { category: 'access', description: 'A controller went offline.' },
  door_left_open: { category: 'access', description: 'A door stayed open longer than its time_before_door_open_alert.' },
  sensor_battery_low: { category: 'access', description: 'A door sensor\'s battery fell below the low-battery threshold.' },
  person_invited: { category: 'management', description: 'A person was invited to a door (one event per door of the invitation).' },
  access_granted: { category: 'management', description: 'A person was given access to a door (an invitation was accepted).' },
  access_changed: { category: 'management', description: 'A person\'s access window to a door changed (a new invitation replaced it).' },
  access_removed: { category: 'management', description: 'A person\'s access to a door was removed (one event per door).' },
  vehicle_added: { category: 'management', description: 'A vehicle was added to a person\'s access list.' },
  vehicle_removed: { category: 'management', description: 'A vehicle was removed from a person\'s access list.' },
  unauthorized_attempt: { category: 'enforcer', description: 'Someone tried a door and was refused: a refused toggle, a wrong keypad PIN, an unknown plate, or a door forced open.' },
};

export function categoryOf(type: string): Category {
  if (/^door\d+_(open|close)$/.test(type)) return 'access';
  return eventCatalogue[type as keyof typeof eventCatalogue]?.category ?? 'access';
}

export function doorEventName(entityNumber: number, state: DoorState): EventName {
  return `door${entityNumber}_${state === 'OPEN' ? 'open' : 'close'}`;
}

export const nobody: PersonRef = { firstName: '', lastName: '', emailAddress: '' };
