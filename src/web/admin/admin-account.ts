// The Admin sections' common first step: who is asking, and whether they
// administer the account in the path. Not a member: 404; a member who is not
// its Admin: 403 (phase2.md section 0), answered as pages by the root handler.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireAdmin } from '../../access/accounts.ts';
import { DomainError } from '../../access/errors.ts';
import { parseId } from '../../access/ids.ts';
import type { Flash } from '../flash.ts';
import { pageViewer, signedInPerson, type Viewer } from '../signed-in.ts';
import type { WebDeps } from '../index.ts';

/** The account id in a path; one that is no id at all is simply not found. */
export function accountIdOf(value: string): string {
  const id = parseId(value);
  if (!id) throw new DomainError('not_found', 'No such account.');
  return id;
}

/** For a GET: the viewer, once they are known to administer the account; undefined when sent to sign in. */
export async function adminViewer(deps: Pick<WebDeps, 'db'>, request: FastifyRequest, reply: FastifyReply, accountParam: string): Promise<{ viewer: Viewer; accountId: string } | undefined> {
  const viewer = await pageViewer(deps, request, reply);
  if (!viewer) return undefined;
  const accountId = accountIdOf(accountParam);
  await requireAdmin(deps.db, viewer.personId, accountId);
  return { viewer, accountId };
}

/** For a POST: the person, once they are known to administer the account. */
export async function adminPoster(deps: Pick<WebDeps, 'db'>, request: FastifyRequest, reply: FastifyReply, accountParam: string): Promise<{ personId: string; accountId: string } | undefined> {
  const personId = await signedInPerson(deps, request, reply);
  if (!personId) return undefined;
  const accountId = accountIdOf(accountParam);
  await requireAdmin(deps.db, personId, accountId);
  return { personId, accountId };
}

/** A typed value given back after a refusal of this form, else the current one. */
export function typed(flash: Flash | undefined, form: string, name: string, current = ''): string {
  return flash?.values?._form === form ? (flash.values[name] ?? '') : current;
}
