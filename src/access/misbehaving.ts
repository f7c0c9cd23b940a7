// A controller sending more than it may (see src/devices/message-rate.ts), announced once
// per episode to the people who see its doors, as its presence is.
import type { Kysely } from 'kysely';
import { compactId } from './ids.ts';
import { appendEvent } from '../events/outbox.ts';
import type { Database } from '../store/database.ts';
import { peopleOfDevice } from '../store/repositories/devices.ts';

export async function announceMisbehaving(db: Kysely<Database>, deviceId: string, reason: string, occurredAt: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await appendEvent(trx, { type: 'controller_misbehaving', deviceId, occurredAt, personIds: await peopleOfDevice(trx, deviceId), data: { deviceID: compactId(deviceId), reason } });
  });
}
