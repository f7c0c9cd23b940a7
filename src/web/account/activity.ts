// One access event as the person's pages say it: when (in their zone, named),
// which door, who, what, how, and whether it was done. Shared by the History
// page, the Doors page's "Recent activity" and its live stream, so a row
// added live reads exactly as it will after a reload.
import type { HistoryEvent } from '../../access/history.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { html, type Html } from '../html.ts';

export interface ActivityRow {
  id: string;
  when: string;
  door: string;
  who: string;
  what: string;
  channel: string;
  outcome: 'Done' | 'Refused';
}

export function activityRow(event: HistoryEvent, timeZone: string, viewerId: string): ActivityRow {
  const who = event.person === null ? 'Nobody (the door itself)'
    : event.person.id === viewerId ? 'You'
      : `${event.person.firstName} ${event.person.lastName}`.trim() || event.person.email;
  return {
    id: event.id,
    when: zonedTime(event.occurredAt, timeZone),
    door: event.doorName,
    who,
    what: event.doorState === 'OPEN' ? 'Open' : 'Close',
    channel: event.channel,
    outcome: event.wasSuccess ? 'Done' : 'Refused',
  };
}

/** The outcome in words (its own, or more precise ones) with a mark beside it, never by colour alone. */
export function outcomeBadge(outcome: ActivityRow['outcome'], words: string = outcome): Html {
  return html`<span class="badge outcome-${outcome === 'Done' ? 'done' : 'refused'}"><span aria-hidden="true">${outcome === 'Done' ? '✓' : '✕'}</span> ${words}</span>`;
}

/** An item of the Doors page's "Recent activity" list (doors.js builds the same from the stream). */
export function activityItem(row: ActivityRow): Html {
  return html`<li data-event="${row.id}"><span class="when">${row.when}</span> · <strong>${row.door}</strong> · ${row.who} · ${row.what} · ${row.channel} · ${outcomeBadge(row.outcome)}</li>`;
}
