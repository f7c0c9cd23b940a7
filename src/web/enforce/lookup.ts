// The patrol's first page (/enforce/{account}): a plate looked up (a GET
// form, so a result can be reloaded or shared with a colleague; each look-up
// is recorded and counted by the domain), its status in words, what it rests
// on, and the way to issue a notice for it.
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../access/errors.ts';
import { zonedTime } from '../../access/hours-text.ts';
import { plateStatus, type PlateStatus, type PlateStatusAnswer } from '../../access/enforcer/plate-status.ts';
import { personTimeZone } from '../../access/settings.ts';
import { invalidMark } from '../form-outcome.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { noticeCard } from './notice-words.ts';
import { accountParams, patrolPath, patrolViewer, problemMessage, sendPatrolPage } from './index.ts';

const querySchema = { type: 'object', properties: { plate: { type: 'string', maxLength: 40 }, region: { type: 'string', maxLength: 20 } } };

/** How sure the patroller can be that the vehicle may stay: green, amber, red. */
type Tone = 'ok' | 'lapsed' | 'none';

// Bookings join the status when they exist (phase2.md C.1 gives the order).
const statusWords: Record<PlateStatus | 'booked' | 'guest', { words: string; tone: Tone; meaning: string }> = {
  allowance: { words: 'Allowance: do not tow', tone: 'ok', meaning: 'The account lets this plate stay now.' },
  booked: { words: 'Booked', tone: 'ok', meaning: 'A booking covers this plate now.' },
  guest: { words: 'Guest', tone: 'ok', meaning: 'A guest pass covers this plate now.' },
  member_vehicle: { words: 'Member vehicle', tone: 'ok', meaning: 'A member of the account has this vehicle and may be here.' },
  recently_expired: { words: 'Recently expired', tone: 'lapsed', meaning: 'What let this plate stay ended within the last 24 hours.' },
  unknown: { words: 'Unknown', tone: 'none', meaning: 'Nothing lets this plate stay here.' },
};

const basisWords: Record<string, string> = { allowance: 'Allowance', member_vehicle: 'Member vehicle', booking: 'Booking', guest_pass: 'Guest pass' };

export async function lookupPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get<{ Params: { account: string }; Querystring: { plate?: string; region?: string } }>('/enforce/:account', { schema: { hide: true, params: accountParams, querystring: querySchema } }, async (request, reply) => {
    const seen = await patrolViewer(deps, request, reply, request.params.account);
    if (!seen) return reply;
    const { viewer, patroller } = seen;
    const plate = request.query.plate?.trim() ?? '';
    const region = request.query.region?.trim() ?? '';
    let answer: PlateStatusAnswer | undefined;
    let problem: { error: string; field?: string } | undefined;
    if (plate !== '') {
      try {
        answer = await plateStatus(deps.enforcer, patroller, { plate, region });
      } catch (error) {
        if (!(error instanceof DomainError) || (error.code !== 'invalid' && error.code !== 'rate_limited')) throw error;
        problem = { error: error.message, field: error.code === 'invalid' ? error.field : undefined };
        reply.code(error.code === 'invalid' ? 400 : 429);
        if (error.retryAfter) reply.header('retry-after', String(error.retryAfter));
      }
    }
    const zone = await personTimeZone(deps.db, viewer.personId);
    const base = patrolPath(patroller.accountId);
    return sendPatrolPage(deps, reply, viewer, patroller, { title: 'Enforce', current: 'lookup' }, html`
${problemMessage(problem)}
<form method="get" action="${base}" class="patrol lookup" aria-label="Look up a plate">
  <div><label for="lookup-plate">Plate</label>
  <input id="lookup-plate" name="plate" type="text" required maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${plate}"${invalidMark(problem, 'plate')}></div>
  <div><label for="lookup-region">Region <span class="muted">(optional)</span></label>
  <input id="lookup-region" name="region" type="text" maxlength="10" autocomplete="off" spellcheck="false" placeholder="us-ny" value="${region}"${invalidMark(problem, 'region')}></div>
  <button type="submit">Look up</button>
</form>
${answer ? plateResult(base, answer, region, zone) : html`<p class="muted">Each look-up is recorded with your name. <a href="${base}/notices/new">Issue a notice</a> without looking a plate up first.</p>`}`);
  });
}

function plateResult(base: string, answer: PlateStatusAnswer, region: string, zone: string): Html {
  const status = statusWords[answer.status];
  const until = (seconds: number | null) => seconds === null ? 'no end' : zonedTime(seconds, zone);
  const issue = new URLSearchParams({ plate: answer.plate, ...(region ? { region } : {}) });
  return html`<section class="plate-result" aria-labelledby="plate-heading">
  <h2 id="plate-heading">${answer.plate}</h2>
  <p><span class="plate-status ${status.tone}">${status.words}</span></p>
  <p>${status.meaning}</p>
  ${answer.watchlisted ? html`<p class="plate-flag">On the watchlist.</p>` : ''}
  ${answer.bases.length > 0 ? html`<h3>${answer.status === 'recently_expired' ? 'Ended' : 'Valid because of'}</h3>
  <ul>${answer.bases.map((basis) => html`<li>${basisWords[basis.kind] ?? basis.kind}${basis.validUntil !== null || answer.status === 'recently_expired' ? html`, until ${until(basis.validUntil)}` : ''}</li>`)}</ul>` : ''}
  ${answer.nearMatches.length > 0 ? html`<p><strong>Looks like</strong> ${answer.nearMatches.join(', ')} <span class="muted">(a hint only: check the plate)</span></p>` : ''}
  <h3>Last read</h3>
  <p>${answer.lastRead ? html`${zonedTime(answer.lastRead.occurredAt, zone)} at ${answer.lastRead.doorName ?? 'no door'} (${answer.lastRead.direction === 'exit' ? 'out' : 'in'}), ${answer.lastRead.decision === 'granted' ? 'let through' : answer.lastRead.decision.replace('_', ' ')}` : html`<span class="muted">The plate readers have not seen it.</span>`}</p>
  <h3>Open notices</h3>
  ${answer.openNotices.length === 0 ? html`<p class="muted">None.</p>` : html`<ul class="cards">${answer.openNotices.map((notice) => noticeCard(base, notice, zone, 'h4'))}</ul>`}
  <p><a href="${base}/notices?plate=${encodeURIComponent(answer.plate)}">Every notice for ${answer.plate}</a></p>
  <p><a class="button" href="${base}/notices/new?${issue.toString()}">Issue a notice for ${answer.plate}</a></p>
</section>`;
}
