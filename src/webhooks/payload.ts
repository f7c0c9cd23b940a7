// The JSON body of one delivery: the event's own fields in the documented
// envelope (spec 5): id, eventType, eventOccurred and eventOccurredUTC the same
// instant, and userID naming the authorizing person this delivery is for.
import { compactId } from '../access/ids.ts';
import { utcSeconds } from '../events/time.ts';
import type { Database } from '../store/database.ts';

export function deliveryBody(event: Pick<Database['outbox_events'], 'type' | 'data' | 'occurred_at'>, delivery: { id: string; person_id: string }): string {
  const fields = JSON.parse(event.data) as Record<string, unknown>;
  return JSON.stringify({
    id: delivery.id,
    eventType: event.type,
    ...fields,
    eventOccurred: event.occurred_at,
    eventOccurredUTC: utcSeconds(event.occurred_at),
    userID: compactId(delivery.person_id),
  });
}
