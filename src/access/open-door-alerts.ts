// Doors left open: every process sweeps on a timer, and a door OPEN longer
// than its controller's time_before_door_open_alert is announced once per
// opening. The claim and the event share a transaction, so neither a crash
// nor a second process can lose or double one.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { systemClock } from '../clock.ts';
import { compactId } from './ids.ts';
import { appendEvent } from '../events/outbox.ts';
import { utcSeconds } from '../events/time.ts';
import type { EventFields } from '../events/types.ts';
import type { Database } from '../store/database.ts';
import { claimOpenAlert, doorsLeftOpen } from '../store/repositories/door-alerts.ts';
import { doorOwnerId } from '../store/repositories/devices.ts';
import { startSweep } from '../sweep.ts';

/** Announces the doors left open at `now` (Unix seconds) that nobody announced yet; returns how many this call did. */
export async function alertDoorsLeftOpen(db: Kysely<Database>, now: number): Promise<number> {
  let announced = 0;
  for (const door of await doorsLeftOpen(db, now)) {
    const claimed = await db.transaction().execute(async (trx) => {
      // Since the list was read, another process may have announced it, or the door closed.
      if (!(await claimOpenAlert(trx, door.id, door.last_toggled))) return false;
      const owner = await doorOwnerId(trx, door.id);
      const data: EventFields['door_left_open'] = {
        doorID: compactId(door.id),
        deviceID: compactId(door.device_id),
        doorOwnerUserID: owner ? compactId(owner) : '',
        openSinceUTC: utcSeconds(door.last_toggled),
        alertAfterSeconds: door.time_before_door_open_alert,
      };
      // When it became "left open": the same whichever sweep notices it.
      await appendEvent(trx, { type: 'door_left_open', doorId: door.id, deviceId: door.device_id, occurredAt: door.last_toggled + door.time_before_door_open_alert, data });
      return true;
    });
    if (claimed) announced += 1;
  }
  return announced;
}

/** Sweeps every `intervalMs` (sweep.ts). */
export function startOpenDoorAlerts(deps: { db: Kysely<Database>; log: FastifyBaseLogger; intervalMs: number }) {
  return startSweep(deps, {
    run: () => alertDoorsLeftOpen(deps.db, Math.floor(systemClock.now() / 1000)),
    counted: 'announced', done: 'doors left open announced', failed: 'door-left-open sweep failed',
  });
}
