// Someone at the door who may not pass (a wrong PIN, an unknown plate, a door
// forced open): a refused history row and an enforcer event, together.
import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { nobody } from '../events/types.ts';
import type { Database } from '../store/database.ts';
import { alertAtDoor } from './enforcer/alerts.ts';
import { recordAccessEvent } from './history.ts';
import { compactId } from './ids.ts';

export interface RefusedAttempt {
  doorId: string;
  deviceId: string;
  channel: string;
  reason: string;
  /** Unix seconds. */
  occurredAt: number;
  /** The enforcement alert it raises, if any (phase2.md C.3). */
  alert?: 'wrong_pin' | 'forced_open';
}

export async function refusedAtDoor(db: Kysely<Database>, attempt: RefusedAttempt): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (attempt.alert) await alertAtDoor(trx, attempt.alert, attempt);
    await recordAccessEvent(trx, { doorId: attempt.doorId, deviceId: attempt.deviceId, personId: null, channel: attempt.channel, doorState: 'OPEN', wasSuccess: false, occurredAt: attempt.occurredAt });
    await appendEvent(trx, {
      type: 'unauthorized_attempt', doorId: attempt.doorId, deviceId: attempt.deviceId, occurredAt: attempt.occurredAt,
      data: { doorID: compactId(attempt.doorId), deviceID: compactId(attempt.deviceId), channel: attempt.channel, reason: attempt.reason, userThatToggled: nobody, plate: '', readID: '' },
    });
  });
}
