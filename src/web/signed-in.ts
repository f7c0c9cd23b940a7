// Who is looking at a signed-in page, and the frame's facts about them. A
// visitor without a session is sent to sign in and brought back here after.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { personAccounts, personProfile } from '../access/people.ts';
import { personForWebSession } from '../access/web-sessions.ts';
import { guestAccountsOf } from '../access/guests/unit-links.ts';
import type { Html } from './html.ts';
import { appPage, type AdminAccountLink, type Section } from './app-layout.ts';
import { takeFlash, type Flash } from './flash.ts';
import { sendPage, webSessionId, type WebDeps } from './index.ts';

export interface Viewer {
  personId: string;
  personName: string;
  adminAccounts: AdminAccountLink[];
  /** Accounts where the person patrols (the Admin, or the enforcement permission): the Enforce section appears when there is one. */
  enforceAccounts: AdminAccountLink[];
  mayIssueGuests: boolean;
  csrf: string;
  flash: Flash | undefined;
}

/** The person behind the request's web session; without one, answers a redirect to sign-in and gives undefined. */
export async function signedInPerson(deps: Pick<WebDeps, 'db'>, request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
  const personId = await personForWebSession(deps.db, webSessionId(request));
  if (!personId) {
    const back = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
    reply.redirect(`/login${back}`, 303);
  }
  return personId;
}

/** For a GET of a signed-in page: the viewer, with the frame's facts and the previous form's outcome. */
export async function pageViewer(deps: Pick<WebDeps, 'db'>, request: FastifyRequest, reply: FastifyReply): Promise<Viewer | undefined> {
  const personId = await signedInPerson(deps, request, reply);
  if (!personId) return undefined;
  const [person, accounts, guestAccounts] = await Promise.all([personProfile(deps.db, personId), personAccounts(deps.db, personId), guestAccountsOf(deps.db, personId)]);
  return {
    personId,
    personName: `${person.firstName} ${person.lastName}`.trim(),
    adminAccounts: accounts.filter((account) => account.role === 'admin').map(({ accountId, name }) => ({ accountId, name })),
    enforceAccounts: accounts.filter((account) => account.enforces).map(({ accountId, name }) => ({ accountId, name })),
    mayIssueGuests: guestAccounts.length > 0,
    csrf: reply.generateCsrf(),
    flash: takeFlash(request, reply),
  };
}

/** Sends one section's page in the frame. */
export function sendAppPage(deps: Pick<WebDeps, 'sandbox'>, reply: FastifyReply, viewer: Viewer, page: { title: string; section: Section; accountId?: string; scripts?: string[] }, body: Html) {
  return sendPage(reply, appPage({ ...page, sandbox: deps.sandbox, csrf: viewer.csrf, personName: viewer.personName, adminAccounts: viewer.adminAccounts, enforces: viewer.enforceAccounts.length > 0, mayIssueGuests: viewer.mayIssueGuests, flash: viewer.flash }, body));
}
