// Open and close buttons on the account page (channel "ParqEx Web"): the same
// toggle as the API, for the person themselves, without any application.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { doorCapabilities, type VisibleDoor } from '../access/door-policy.ts';
import { DomainError } from '../access/errors.ts';
import { parseId } from '../access/ids.ts';
import { toggleDoor, type ToggleDeps } from '../access/toggle-door.ts';
import { codeAnswers } from '../errors/answers.ts';
import { html } from './html.ts';
import { formBody, pathParam } from './form-schemas.ts';

export function doorControls(door: VisibleDoor, csrf: string) {
  const can = doorCapabilities(door.row);
  if (!can.canOpen && !can.canClose) return html`<p class="muted">Needs a door sensor before it can be operated remotely.</p>`;
  return html`<form method="post" action="/account/doors/${door.id}/toggle" class="door-actions">
    <input type="hidden" name="_csrf" value="${csrf}">
    ${can.canOpen ? html`<button type="submit" name="state" value="OPEN">Open</button>` : ''}
    ${can.canClose ? html`<button type="submit" name="state" value="CLOSED" class="secondary">Close</button>` : ''}
  </form>`;
}

export interface DoorControlDeps {
  toggle: ToggleDeps;
  signedIn(request: FastifyRequest, reply: FastifyReply): Promise<string | undefined>;
  /** Shows the account page again with a message about this door. */
  renderWith(request: FastifyRequest, reply: FastifyReply, personId: string, notice: { error?: string; info?: string }): Promise<unknown>;
}

export function doorControlRoutes(app: FastifyInstance, deps: DoorControlDeps): void {
  app.post<{ Params: { id: string }; Body: { state: 'OPEN' | 'CLOSED' } }>('/account/doors/:id/toggle', {
    schema: {
      hide: true,
      params: pathParam('id', 64),
      body: formBody({ state: { type: 'string', enum: ['OPEN', 'CLOSED'] } }, ['state']),
    },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const personId = await deps.signedIn(request, reply);
    if (!personId) return reply;
    try {
      const outcome = await toggleDoor(deps.toggle, { personId }, { doorId: parseId(request.params.id), state: request.body.state, channel: 'ParqEx Web', clientId: null, receivedAt: Date.now() - reply.elapsedTime });
      return deps.renderWith(request, reply, personId, { info: `${outcome.doorName}: ${outcome.state === 'OPEN' ? 'opening' : 'closing'}.` });
    } catch (error) {
      if (error instanceof DomainError && error.code !== 'not_found') {
        // The account page again, with the refusal said beside the door, at the pages' status for it.
        return deps.renderWith(request, reply.code(codeAnswers[error.code].page), personId, { error: error.message });
      }
      throw error;
    }
  });
}
