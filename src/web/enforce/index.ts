// /enforce: the patrol pages (phase2.md C.3) for an account's Admin and its
// enforcement members, sized for a phone and working without JavaScript.
// Each page and form first asks whether the person patrols the account in the
// path (not a member: 404; a member without the permission: 403); the rules
// and their refusals are the domain's (src/access/enforcer/), these files say
// them in words and answer each form with a redirect back (POST-redirect-GET).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../../access/errors.ts';
import { enforcerRole } from '../../access/enforcer/common.ts';
import { personTimeZone } from '../../access/settings.ts';
import { accountIdOf } from '../admin/admin-account.ts';
import { redirectWith, type Flash } from '../flash.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson, type Viewer } from '../signed-in.ts';
import { alertPages } from './alerts.ts';
import { lookupPages } from './lookup.ts';
import { noticePages } from './notices.ts';

export interface Patroller {
  personId: string;
  accountId: string;
}

export interface PatrolViewer extends Patroller {
  /** The account's Admin: voids and dismisses notices, overrides an allowance. */
  admin: boolean;
}

/** For a GET: the viewer, once they are known to patrol the account; undefined when sent to sign in. */
export async function patrolViewer(deps: Pick<WebDeps, 'db'>, request: FastifyRequest, reply: FastifyReply, accountParam: string): Promise<{ viewer: Viewer; patroller: PatrolViewer } | undefined> {
  const viewer = await pageViewer(deps, request, reply);
  if (!viewer) return undefined;
  const patroller = { personId: viewer.personId, accountId: accountIdOf(accountParam) };
  const { admin } = await enforcerRole(deps.db, patroller);
  return { viewer, patroller: { ...patroller, admin } };
}

/** For a POST, or a photo (no page frame): the person, once they are known to patrol the account. */
export async function patrolPoster(deps: Pick<WebDeps, 'db'>, request: FastifyRequest, reply: FastifyReply, accountParam: string): Promise<Patroller | undefined> {
  const personId = await signedInPerson(deps, request, reply);
  if (!personId) return undefined;
  const patroller = { personId, accountId: accountIdOf(accountParam) };
  await enforcerRole(deps.db, patroller);
  return patroller;
}

export type PatrolPage = 'lookup' | 'notices' | 'alerts';

export const accountParams = { type: 'object', properties: { account: { type: 'string', maxLength: 100 } }, required: ['account'] };

/** What a patrol form says back to the person (a notice already final, a plate that may be here…); anything else is the error handler's. */
export const patrolRefusals: readonly ErrorCode[] = ['invalid', 'invalid_state', 'vehicle_authorized', 'too_large', 'forbidden'];

/** After a patrol form: to `to` with what was done, or with the refusal, said at the top and focused. */
export function patrolBack(deps: Pick<WebDeps, 'secureCookies'>, reply: FastifyReply, to: string, flash: Flash) {
  return redirectWith(reply, `${to}${flash.error ? '#flash' : ''}`, flash, deps.secureCookies);
}

export function patrolPath(accountId: string, page: PatrolPage = 'lookup'): string {
  return page === 'lookup' ? `/enforce/${accountId}` : `/enforce/${accountId}/${page}`;
}

const patrolPageNames: readonly [PatrolPage, string][] = [['lookup', 'Look up a plate'], ['notices', 'Notices'], ['alerts', 'Alerts']];

/** The patrol pages' own links, under the page heading: few enough to sit in one row on a phone. */
export function patrolNav(accountId: string, current: PatrolPage | undefined): Html {
  return html`<nav class="patrol" aria-label="Patrol">
  <ul>${patrolPageNames.map(([page, label]) => html`<li><a href="${patrolPath(accountId, page)}"${page === current ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
</nav>`;
}

/** Sends a patrol page in the frame, its heading and the patrol links first. */
export function sendPatrolPage(deps: Pick<WebDeps, 'sandbox'>, reply: FastifyReply, viewer: Viewer, patroller: Patroller, page: { title: string; current?: PatrolPage; heading?: Html | string }, body: Html) {
  return sendAppPage(deps, reply, viewer, { title: page.title, section: 'enforce' }, html`
<h1>${page.heading ?? page.title}</h1>
${patrolNav(patroller.accountId, page.current)}
${body}`);
}

export interface PatrolList<Query, Item> {
  /** The filters given, empty ones dropped. */
  query: Query;
  items: Item[];
  nextCursor: string | null;
  /** A filter the domain refused: answered 400 and said at the top, its field marked. */
  problem?: Flash;
}

/** A page of a filtered list, newest first. */
async function patrolList<Query extends { cursor?: string }, Item>(reply: FastifyReply, raw: Query, list: (query: Query) => Promise<{ items: Item[]; nextCursor: string | null }>): Promise<PatrolList<Query, Item>> {
  const query = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== '')) as Query;
  try {
    return { query, ...(await list(query)) };
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'invalid') throw error;
    reply.code(400);
    return { query, items: [], nextCursor: null, problem: { error: error.message, field: error.field } };
  }
}

const listPageSize = 50;

/** What a list page shows besides its cards: the filters (and what comes before them), and the words for an empty list. */
export interface ListView<Item> {
  top: Html;
  none: string;
  card: (item: Item) => Html;
}

/**
 * A patrol list page (GET /enforce/{account}/{page}): a page of the list as
 * filtered, newest first, in the viewer's zone; a filter the domain refuses
 * is said at the top (400).
 */
export function patrolListPage<Query extends Record<string, string | undefined> & { cursor?: string }, Item>(app: FastifyInstance, deps: WebDeps, page: {
  name: 'alerts' | 'notices';
  title: string;
  querystring: object;
  list: (patroller: PatrolViewer, query: Query & { limit: number }) => Promise<{ items: Item[]; nextCursor: string | null }>;
  view: (shown: { base: string; query: Query; problem: Flash | undefined; zone: string }) => ListView<Item>;
}): void {
  app.get<{ Params: { account: string }; Querystring: Query }>(`/enforce/:account/${page.name}`, { schema: { hide: true, params: accountParams, querystring: page.querystring } }, async (request, reply) => {
    const seen = await patrolViewer(deps, request, reply, request.params.account);
    if (!seen) return reply;
    const { viewer, patroller } = seen;
    const base = patrolPath(patroller.accountId);
    const [list, zone] = await Promise.all([
      patrolList<Query, Item>(reply, request.query as Query, (query) => page.list(patroller, { ...query, limit: listPageSize })),
      personTimeZone(deps.db, viewer.personId),
    ]);
    const { top, none, card } = page.view({ base, query: list.query, problem: list.problem, zone });
    return sendPatrolPage(deps, reply, viewer, patroller, { title: page.title, current: page.name }, html`
${problemMessage(list.problem)}
${top}
${list.problem ? '' : list.items.length === 0 ? html`<p class="muted">${none}.</p>` : html`
<p class="muted">Newest first; times in ${zone} time.</p>
<ul class="cards ${page.name}">${list.items.map(card)}</ul>`}
${listPager(patrolPath(patroller.accountId, page.name), list, page.name)}`);
  });
}

/** A refusal of the page's own GET form, said at the top and focused like a form's flash. */
export function problemMessage(problem: Flash | undefined): Html | string {
  return problem ? html`<p class="error" role="alert" id="flash" tabindex="-1">${problem.error}</p>` : '';
}

/** The links to the newest and to older items of a list, keeping its filters. */
function listPager(path: string, list: PatrolList<Record<string, string | undefined>, unknown>, noun: string): Html {
  const linkTo = (cursor: string | undefined) => {
    const search = new URLSearchParams(Object.entries({ ...list.query, cursor }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return `${path}${search.size > 0 ? `?${search}` : ''}`;
  };
  return html`<nav class="pager" aria-label="Pages of ${noun}">
  ${list.query.cursor ? html`<a href="${linkTo(undefined)}">Newest ${noun}</a>` : ''}
  ${list.nextCursor ? html`<a href="${linkTo(list.nextCursor)}">Older ${noun}</a>` : ''}
</nav>`;
}

export async function enforcePages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  // One account to patrol: straight to it; several: the person picks; none: not theirs to see.
  app.get('/enforce', { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const accounts = viewer.enforceAccounts;
    if (accounts.length === 0) throw new DomainError('forbidden', 'Only an account\'s Admin and members with the enforcement permission can patrol.');
    if (accounts.length === 1) return reply.redirect(patrolPath(accounts[0]!.accountId), 303);
    return sendAppPage(deps, reply, viewer, { title: 'Enforce', section: 'enforce' }, html`
<h1>Enforce</h1>
<p>Choose the account to patrol.</p>
<ul class="links patrol-accounts">${accounts.map((account) => html`<li><a href="${patrolPath(account.accountId)}">${account.name}</a></li>`)}</ul>`);
  });
  await app.register(lookupPages, deps);
  await app.register(noticePages, deps);
  await app.register(alertPages, deps);
}
