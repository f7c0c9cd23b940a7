// "Send a test event" of the developer console: one `webhook_test` event for
// one endpoint, delivered (signed, retried, logged) like any other.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError } from '../access/errors.ts';
import { compactId } from '../access/ids.ts';
import { appendDirectedEvent } from '../events/outbox.ts';
import type { Database } from '../store/database.ts';
import { insertDeliveries } from '../store/repositories/webhooks.ts';
import { ownEndpoint } from './endpoints.ts';

/** Queues the test for the endpoint of this client; `personId` (the developer) is its `userID`. */
export async function sendTestEvent(db: Kysely<Database>, clientId: string, endpointId: string, personId: string, now = Date.now()): Promise<{ deliveryId: string }> {
  const endpoint = await ownEndpoint(db, clientId, endpointId);
  if (endpoint.enabled !== 1) throw new DomainError('invalid', 'This endpoint is disabled: enable it before sending a test event.');
  const deliveryId = randomBytes(16).toString('hex').toUpperCase();
  await db.transaction().execute(async (trx) => {
    const event = await appendDirectedEvent(trx, {
      type: 'webhook_test',
      personIds: [personId],
      data: { endpointID: compactId(endpoint.id), message: 'This is a test event sent from the ParqEx developer console.' },
    });
    await insertDeliveries(trx, [{
      id: deliveryId, event_id: event.id, endpoint_id: endpoint.id, person_id: personId,
      status: 'pending', attempts: 0, next_attempt_at: now, event_seq: event.seq, created_at: now, delivered_at: null,
    }]);
  });
  return { deliveryId };
}
