// History (/account/history): what happened at the person's doors (every
// event of an Admin's account), newest first, filtered and paged, times in
// the person's zone. The API's history rules (src/access/history.ts) decide
// what may be seen; a filter that makes no sense is said, never a 500.
import type { FastifyInstance } from 'fastify';
import { visibleDoors } from '../../access/door-policy.ts';
import { DomainError } from '../../access/errors.ts';
import { accessHistory, historyPeople, type HistoryEvent, type HistoryFilters } from '../../access/history.ts';
import { personTimeZone } from '../../access/settings.ts';
import { html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage } from '../signed-in.ts';
import { activityRow, outcomeBadge } from './activity.ts';

const PAGE_SIZE = 50;

/** The channel choices: as recorded, except "API: " which stands for every application. */
const channels: readonly [string, string][] = [
  ['ParqEx Web', 'ParqEx Web'], ['API: ', 'Applications (API)'], ['Keypad', 'Keypad'], ['LPR', 'Licence plate reader'],
  ['Door Sensor', 'Door sensor (moved by hand)'], ['Auto Close', 'Auto close'],
];

const filterNames = ['door', 'person', 'from', 'to', 'outcome', 'channel', 'cursor'] as const;
type Filters = Partial<Record<(typeof filterNames)[number], string>>;

const querySchema = {
  type: 'object',
  properties: Object.fromEntries(filterNames.map((name) => [name, { type: 'string', maxLength: 500 }])),
};

export async function historyPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Querystring: Filters }>('/account/history', { schema: { hide: true, querystring: querySchema } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const at = new Date(deps.clock.now());
    const query = Object.fromEntries(Object.entries(request.query).filter(([, value]) => value !== '')) as Filters;
    const [doors, timeZone, people] = await Promise.all([
      visibleDoors(deps.db, { personId: viewer.personId }, at), personTimeZone(deps.db, viewer.personId), historyPeople(deps.db, { personId: viewer.personId }, at),
    ]);
    const admin = doors.some((door) => door.relationship === 'Owner');

    let events: HistoryEvent[] = [];
    let nextCursor: string | undefined;
    let problem: string | undefined;
    try {
      const filters = readFilters(query, { doorIds: doors.map((door) => door.id), peopleIds: people.map((person) => person.id), admin });
      ({ events, nextCursor } = await accessHistory(deps.db, { personId: viewer.personId }, {
        history_type: query.door ? 'door' : 'user', door_id: query.door, start_date: query.from, end_date: query.to, limit: PAGE_SIZE, cursor: query.cursor,
      }, at, filters));
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'invalid' && error.code !== 'not_found')) throw error;
      problem = error.code === 'not_found' ? 'That door is not one of yours. Choose a door from the list.' : error.message.replace(/start_date/g, 'From').replace(/end_date/g, 'To');
      reply.code(400);
    }
    const selected = (value: string | undefined, option: string) => value === option ? html` selected` : '';
    const linkTo = (changes: Filters) => {
      const params = new URLSearchParams(Object.entries({ ...query, ...changes }).filter((entry): entry is [string, string] => entry[1] !== undefined));
      return `/account/history${params.size > 0 ? `?${params}` : ''}`;
    };
    return sendAppPage(deps, reply, viewer, { title: 'History', section: 'history' }, html`
<h1>History</h1>
${problem ? html`<p class="error" role="alert" id="filter-problem">${problem}</p>` : ''}
<p class="muted">${admin ? 'Every event at the doors of the accounts you administer, and yours at other doors.' : 'What you did at your doors.'} Times and dates are in ${timeZone} time (your time zone, in <a href="/account/settings">Settings</a>).</p>
<form method="get" action="/account/history" class="filters" aria-label="Filter the history">
  <div class="field"><label for="filter-door">Door</label>
  <select id="filter-door" name="door"><option value="">All doors</option>
    ${doors.map((door) => html`<option value="${door.id}"${selected(query.door, door.id)}>${door.name} (${door.row.account_name})</option>`)}
  </select></div>
  ${admin ? html`<div class="field"><label for="filter-person">Person</label>
  <select id="filter-person" name="person"><option value="">Everyone</option>
    ${people.map((person) => html`<option value="${person.id}"${selected(query.person, person.id)}>${person.name}</option>`)}
  </select></div>` : ''}
  <div class="field"><label for="filter-from">From</label>
  <input id="filter-from" name="from" type="date" value="${query.from ?? ''}" aria-describedby="filter-dates-hint"></div>
  <div class="field"><label for="filter-to">To</label>
  <input id="filter-to" name="to" type="date" value="${query.to ?? ''}" aria-describedby="filter-dates-hint"></div>
  <div class="field"><label for="filter-outcome">Outcome</label>
  <select id="filter-outcome" name="outcome"><option value="">Any</option>
    <option value="done"${selected(query.outcome, 'done')}>Done</option><option value="refused"${selected(query.outcome, 'refused')}>Refused</option>
  </select></div>
  <div class="field"><label for="filter-channel">Channel</label>
  <select id="filter-channel" name="channel"><option value="">Any</option>
    ${channels.map(([value, label]) => html`<option value="${value}"${selected(query.channel, value)}>${label}</option>`)}
  </select></div>
  <p class="muted" id="filter-dates-hint">Without dates, the last 30 days.</p>
  <button type="submit">Show</button> <a href="/account/history">Clear filters</a>
</form>
${problem ? '' : events.length === 0 ? html`<p class="muted">No events${Object.keys(query).length > 0 ? ' match these filters' : ' in the last 30 days'}.</p>` : html`
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="history-caption"><table class="history">
<caption id="history-caption">Events, newest first (${timeZone} time)</caption>
<thead><tr><th scope="col">When</th><th scope="col">Door</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Channel</th><th scope="col">Outcome</th></tr></thead>
<tbody>${events.map((event) => {
    const row = activityRow(event, timeZone, viewer.personId);
    return html`<tr><td>${row.when}</td><td>${row.door}</td><td>${row.who}</td><td>${row.what}</td><td>${row.channel}</td><td>${outcomeBadge(row.outcome)}</td></tr>`;
  })}</tbody>
</table></div>`}
<nav class="pager" aria-label="History pages">
  ${query.cursor ? html`<a href="${linkTo({ cursor: undefined })}">Newest events</a>` : ''}
  ${nextCursor ? html`<a href="${linkTo({ cursor: nextCursor })}">Older events</a>` : ''}
</nav>`);
  });
}

function readFilters(query: Filters, allowed: { doorIds: string[]; peopleIds: string[]; admin: boolean }): HistoryFilters {
  if (query.door !== undefined && !allowed.doorIds.includes(query.door)) throw new DomainError('not_found', 'No such door.');
  if (query.person !== undefined && (!allowed.admin || !allowed.peopleIds.includes(query.person))) {
    throw new DomainError('invalid', 'Choose a person from the list.');
  }
  if (query.outcome !== undefined && query.outcome !== 'done' && query.outcome !== 'refused') throw new DomainError('invalid', 'Choose an outcome from the list.');
  if (query.channel !== undefined && !channels.some(([value]) => value === query.channel)) throw new DomainError('invalid', 'Choose a channel from the list.');
  return {
    everyDoor: true,
    personId: query.person,
    wasSuccess: query.outcome === undefined ? undefined : query.outcome === 'done',
    channel: query.channel,
  };
}
