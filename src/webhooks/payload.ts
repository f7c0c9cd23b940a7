// The JSON body of one delivery: the event's own fields in the documented
// envelope (spec 5): id, eventType, eventOccurred and eventOccurredUTC the same
// instant, and userID naming the authorizing person this delivery is for.
import { compactId } from '../access/ids.ts';
import { utcSeconds } from '../events/time.ts';
import type { Database } from '../store/database.ts';

// Door events keep the key order of the documented example, times before the
// owner, for receivers that compare bodies as text; other types put them last.
const TIMES_BEFORE = 'doorOwnerUserID';

/** One delivery of one event: the delivery's id and person, the event's type, fields and time. */
export type DeliveryContent = Pick<Database['outbox_events'], 'type' | 'data' | 'occurred_at'> & Pick<Database['webhook_deliveries'], 'id' | 'person_id'>;

export function deliveryBody(delivery: DeliveryContent): string {
  const fields = Object.entries(JSON.parse(delivery.data) as Record<string, unknown>);
  const times: [string, unknown][] = [['eventOccurred', delivery.occurred_at], ['eventOccurredUTC', utcSeconds(delivery.occurred_at)]];
  const at = fields.findIndex(([key]) => key === TIMES_BEFORE);
  fields.splice(at === -1 ? fields.length : at, 0, ...times);
  return JSON.stringify(Object.fromEntries([['id', delivery.id], ['eventType', delivery.type], ...fields, ['userID', compactId(delivery.person_id)]]));
}
