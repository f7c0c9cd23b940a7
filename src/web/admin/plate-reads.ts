// Plate reads (/accounts/{id}/reads): every read the account's plate readers
// sent, newest first, 50 a page, filtered by door, plate, decision and dates
// in the viewer's zone, times in that zone (phase2.md B.6). The Admin and
// members with the enforcement permission see it (plate-reads.ts decides, and
// records each plate looked up); a filter that makes no sense is said at the
// top with its field marked, never a 500.
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { DomainError } from '../../access/errors.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { parseId } from '../../access/ids.ts';
import { readDecisions, requireEnforcer, searchReads, type PlateRead, type ReadSearch } from '../../access/plate-reads.ts';
import { isLocalDate, localDateRange } from '../../access/schedules.ts';
import { personTimeZone } from '../../access/settings.ts';
import type { ReadDecision } from '../../store/database.ts';
import { doorsOfAccount } from '../../store/repositories/doors.ts';
import { adminPath } from '../app-layout.ts';
import { invalidMark } from '../form-outcome.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage } from '../signed-in.ts';
import { outcomeBadge } from '../account/activity.ts';

const PAGE_SIZE = 50;

const decisionWords: Record<ReadDecision, string> = {
  granted: 'Let through',
  refused: 'Refused',
  low_confidence: 'Not sure of the plate',
  repeat: 'Repeat, ignored',
  unreadable: 'Unreadable',
};

const filterNames = ['door', 'plate', 'decision', 'from', 'to', 'cursor'] as const;
type Filters = Partial<Record<(typeof filterNames)[number], string>>;

const querySchema = { type: 'object', properties: Object.fromEntries(filterNames.map((name) => [name, { type: 'string', maxLength: 500 }])) };
const params = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] };

export async function plateReadsPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: Filters }>('/accounts/:id/reads', { schema: { hide: true, params, querystring: querySchema } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const accountId = parseId(request.params.id);
    if (!accountId) throw new DomainError('not_found', 'No such account.');
    await requireEnforcer(deps.db, viewer.personId, accountId);
    const query = Object.fromEntries(Object.entries(request.query).filter(([, value]) => value !== '')) as Filters;
    const [zone, doors] = await Promise.all([personTimeZone(deps.db, viewer.personId), doorsOfAccount(deps.db, accountId)]);

    let reads: PlateRead[] = [];
    let nextCursor: string | null = null;
    let problem: { message: string; field: string | undefined } | undefined;
    try {
      ({ items: reads, nextCursor } = await searchReads(deps.db, { personId: viewer.personId }, { accountId, ...readFilters(query, zone, doors), limit: PAGE_SIZE }));
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid') throw error;
      problem = { message: error.message, field: error.field };
      reply.code(400);
    }
    const base = `/accounts/${accountId}/reads`;
    const marked = (field: string) => invalidMark(problem && { error: problem.message, field: problem.field }, field);
    const selected = (value: string | undefined, option: string) => value === option ? html` selected` : '';
    const linkTo = (changes: Filters) => {
      const search = new URLSearchParams(Object.entries({ ...query, ...changes }).filter((entry): entry is [string, string] => entry[1] !== undefined));
      return `${base}${search.size > 0 ? `?${search}` : ''}`;
    };
    return sendAppPage(deps, reply, viewer, { title: 'Plate reads', section: 'reads', accountId }, html`
<h1>Plate reads</h1>
${problem ? html`<p class="error" role="alert" id="flash" tabindex="-1">${problem.message}</p>` : ''}
<p class="muted">What the account's plate readers saw and what they did. Times and dates are in ${zone} time (your time zone, in <a href="/account/settings">Settings</a>). Each search for a plate is recorded with your name.</p>
<form method="get" action="${base}" class="filters" aria-label="Filter the reads">
  <div class="field"><label for="filter-door">Door</label>
  <select id="filter-door" name="door"${marked('door')}><option value="">All doors</option>
    ${doors.map((door) => html`<option value="${door.id}"${selected(query.door, door.id)}>${door.name}</option>`)}
  </select></div>
  <div class="field"><label for="filter-plate">Plate</label>
  <input id="filter-plate" name="plate" type="text" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${query.plate ?? ''}"${marked('plate')}></div>
  <div class="field"><label for="filter-decision">Decision</label>
  <select id="filter-decision" name="decision"${marked('decision')}><option value="">Any</option>
    ${readDecisions.map((decision) => html`<option value="${decision}"${selected(query.decision, decision)}>${decisionWords[decision]}</option>`)}
  </select></div>
  <div class="field"><label for="filter-from">From</label>
  <input id="filter-from" name="from" type="date" value="${query.from ?? ''}"${marked('from')}></div>
  <div class="field"><label for="filter-to">To</label>
  <input id="filter-to" name="to" type="date" value="${query.to ?? ''}"${marked('to')}></div>
  <button type="submit">Show</button> <a href="${base}">Clear filters</a>
</form>
${problem ? '' : reads.length === 0 ? html`<p class="muted">No reads${Object.keys(query).length > 0 ? ' match these filters' : ' yet'}.</p>` : html`
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="reads-caption"><table class="history stacked">
<caption id="reads-caption">Reads, newest first (${zone} time)</caption>
<thead><tr><th scope="col">When</th><th scope="col">Door</th><th scope="col">Plate</th><th scope="col">Confidence</th><th scope="col">Decision</th><th scope="col">Vehicle of</th></tr></thead>
<tbody>${reads.map((read) => readRow(read, zone))}</tbody>
</table></div>`}
<nav class="pager" aria-label="Pages of reads">
  ${query.cursor ? html`<a href="${linkTo({ cursor: undefined })}">Newest reads</a>` : ''}
  ${nextCursor ? html`<a href="${linkTo({ cursor: nextCursor })}">Older reads</a>` : ''}
</nav>
${viewer.adminAccounts.some((account) => account.accountId === accountId) ? html`<p class="muted">Readers are set on the <a href="${adminPath(accountId, 'controllers')}">Controllers</a> page.</p>` : ''}`);
  });
}

/** The page's filters as the search takes them: dates in the viewer's zone become UTC instants, `to` its whole day. */
function readFilters(query: Filters, zone: string, doors: readonly { id: string }[]): Omit<ReadSearch, 'accountId'> {
  if (query.door !== undefined && !doors.some((door) => door.id === query.door)) throw new DomainError('invalid', 'Invalid door: choose a door from the list.');
  for (const field of ['from', 'to'] as const) {
    const date = query[field];
    if (date !== undefined && !isLocalDate(date)) throw new DomainError('invalid', `Invalid ${field}: choose a date.`);
  }
  const utc = (seconds: number) => DateTime.fromSeconds(seconds, { zone: 'utc' }).toFormat('yyyy-MM-dd HH:mm:ss');
  return {
    doorId: query.door, plate: query.plate, decision: query.decision, cursor: query.cursor,
    from: query.from === undefined ? undefined : utc(localDateRange(query.from, query.from, zone).from),
    to: query.to === undefined ? undefined : utc(localDateRange(query.to, query.to, zone).to),
  };
}

function readRow(read: PlateRead, zone: string): Html {
  return html`<tr>
  <th scope="row">${zonedTime(read.occurredAt, zone)}</th>
  <td data-label="Door">${read.door?.name ?? 'no door'} <span class="muted">(${read.direction === 'exit' ? 'out' : 'in'})</span></td>
  <td data-label="Plate"><strong>${read.plate}</strong>${read.region ? html` <span class="muted">${read.region}</span>` : ''}</td>
  <td data-label="Confidence">${read.confidence.toFixed(2)}</td>
  <td data-label="Decision">${outcomeBadge(read.decision === 'granted' ? 'Done' : 'Refused', decisionWords[read.decision])}${read.reason ? html` <span class="muted">${read.reason}</span>` : ''}</td>
  <td data-label="Vehicle of">${read.person ? `${read.person.firstName} ${read.person.lastName}`.trim() : read.nearMatches.length > 0 ? html`<span class="muted">nobody; looks like ${read.nearMatches.join(', ')}</span>` : html`<span class="muted">nobody</span>`}</td>
</tr>`;
}
