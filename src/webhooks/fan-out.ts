// Turns outbox events into deliveries: one per (event, authorizing person,
// endpoint), only for people the event concerns who authorized the endpoint's
// application, and only where that authorization covers the event's door.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock.ts';
import { grantViewer } from '../access/authorizations.ts';
import { requireVisibleDoor, type Viewer } from '../access/door-policy.ts';
import { DomainError } from '../access/errors.ts';
import type { Database } from '../store/database.ts';
import * as repo from '../store/repositories/webhooks.ts';
import { subscribes } from './endpoints.ts';
import { scopesOf } from '../events/types.ts';
import type { Scope } from '../oauth/scopes.ts';

/**
 * `now` is real time (delivery schedules, like every webhook timer); `clock`
 * is domain time, the instant a person's view of a door is taken at.
 */
export async function fanOut(db: Kysely<Database>, options: { skipLocked: boolean; batch?: number; now?: number; clock?: Clock }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const events = await repo.lockEventsToFanOut(trx, options.batch ?? 200, options.skipLocked);
    if (events.length === 0) return 0;
    const endpoints = (await repo.enabledEndpoints(trx)).map((endpoint) => ({ ...endpoint, types: JSON.parse(endpoint.event_types) as string[] }));
    const now = options.now ?? systemClock.now();
    const viewAt = new Date((options.clock ?? systemClock).now());
    // A burst of events mostly concerns the same few grants: read each once per batch.
    const viewers = new Map<string, Promise<Viewer | undefined>>();
    const viewerOf = (grantId: string) => viewers.get(grantId) ?? viewers.set(grantId, grantViewer(trx, grantId)).get(grantId)!;
    for (const event of events) {
      const wanting = endpoints.filter((endpoint) => subscribes(endpoint.types, event.type, event.category));
      if (wanting.length === 0) continue;
      const named = event.person_ids ? JSON.parse(event.person_ids) as string[] : event.door_id ? await repo.peopleWhoSeeDoor(trx, event.door_id) : [];
      // Phase 2 (phase2.md section 0): a member of the event's account hears of it only while that account allows third-party applications.
      const closed = event.account_id ? new Set(await repo.membersOfClosedAccount(trx, event.account_id, named)) : undefined;
      const people = closed ? named.filter((personId) => !closed.has(personId)) : named;
      // Phase 2 types name the scopes a grant needs to hear of them.
      const scopes = scopesOf(event.type);
      const authorizations = (await repo.authorizationsFor(trx, people, [...new Set(wanting.map((endpoint) => endpoint.client_id))]))
        .filter((authorization) => !scopes || authorization.scopes.split(' ').some((scope) => scopes.includes(scope as Scope)));
      const rows: Database['webhook_deliveries'][] = [];
      for (const authorization of authorizations) {
        if (event.door_id && !(await covers(trx, await viewerOf(authorization.grant_id), event, viewAt))) continue;
        for (const endpoint of wanting.filter((candidate) => candidate.client_id === authorization.client_id)) {
          rows.push({
            id: randomBytes(16).toString('hex').toUpperCase(), event_id: event.id, endpoint_id: endpoint.id, person_id: authorization.person_id,
            status: 'pending', attempts: 0, next_attempt_at: now, event_seq: event.seq, created_at: now, delivered_at: null,
          });
        }
      }
      // A person with two grants for one application still gets one delivery: the unique key drops the second.
      await repo.insertDeliveries(trx, rows);
    }
    await repo.markEventsFannedOut(trx, events.map((event) => event.id), Math.floor(now / 1000));
    return events.length;
  });
}

/**
 * Whether a grant reaches an event's door. A door event needs the door in
 * the person's view through the grant now; a management event (access given,
 * changed, removed) needs only the door among the doors the grant was given,
 * since the person may just have lost the door itself.
 */
async function covers(db: Kysely<Database>, viewer: Viewer | undefined, event: { door_id: string | null; category: string }, at: Date): Promise<boolean> {
  if (!viewer?.grant || !event.door_id) return false;
  if (event.category === 'management') return viewer.grant.allDoors || viewer.grant.doorIds.has(event.door_id);
  try {
    await requireVisibleDoor(db, viewer, event.door_id, at);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}
