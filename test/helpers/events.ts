// Events as the platform writes them, for suites that need one in the outbox.
import { compactId } from '../../src/access/ids.ts';
import type { EventFields } from '../../src/events/types.ts';
import { nobody } from '../../src/events/types.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';

type SandboxDoor = (typeof sandboxDoors)[keyof typeof sandboxDoors];

/** A sandbox door that moved with nothing behind it: every field of a door event, as a sensor-only change has them. */
export function sensedDoorFields(door: SandboxDoor, doorState: 'OPEN' | 'CLOSED' = 'OPEN'): EventFields['door'] {
  return { toggleID: '', doorID: compactId(door.id), doorState, channel: 'Door Sensor', deviceID: compactId(sandboxDevices[door.device].id), doorOwnerUserID: '', userThatToggled: nobody };
}
