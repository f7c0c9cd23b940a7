// The developer console's sandbox button (sandbox mode only): a real toggle of
// a sandbox door through the developer's application, so its webhook
// endpoints receive a real door event. Endpoints get events of people who
// authorized the application; the button acts as the sandbox Admin Alex,
// through his grant to the application, recording that grant first when he
// has none (he sees it on his Applications page and can revoke it there).
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sandboxDoors, sandboxPeople } from '../sandbox/seed.ts';
import type { Database } from '../store/database.ts';
import { authorizationsFor } from '../store/repositories/webhooks.ts';
import { grantViewer, recordAuthorization } from './authorizations.ts';
import { ownApplication } from './developer-apps.ts';
import { DomainError } from './errors.ts';
import { toggleDoor, type ToggleDeps, type ToggleOutcome } from './toggle-door.ts';

/** The Lobby Door: a momentary strike, which opens at once and re-locks by itself (door3_open, then door3_close). */
export const sandboxButtonDoor = sandboxDoors.lobby;
export const sandboxButtonPerson = sandboxPeople.alex;

export interface SandboxToggleOutcome extends ToggleOutcome {
  /** True when the button recorded Alex's authorization of the application just now. */
  authorizedNow: boolean;
}

export async function fireSandboxToggle(deps: { db: Kysely<Database>; toggle: ToggleDeps; sandbox: boolean }, personId: string, clientId: string): Promise<SandboxToggleOutcome> {
  if (!deps.sandbox) throw new DomainError('not_found', 'The sandbox button exists only in sandbox mode.');
  const application = await ownApplication(deps.db, personId, clientId);
  const existing = (await authorizationsFor(deps.db, [sandboxButtonPerson.id], [application.client_id]))[0];
  const grantId = existing?.grant_id ?? `sandbox-${randomBytes(16).toString('hex')}`;
  if (!existing) {
    await recordAuthorization(deps.db, { grantId, personId: sandboxButtonPerson.id, clientId: application.client_id, scopes: ['opendoor', 'closedoor'], doors: { all: true, doorIds: [] } });
  }
  const viewer = await grantViewer(deps.db, grantId);
  if (!viewer) throw new DomainError('not_found', 'No such application.');
  const outcome = await toggleDoor(deps.toggle, viewer, {
    doorId: sandboxButtonDoor.id,
    state: 'OPEN',
    channel: `API: ${application.name}`,
    clientId: application.client_id,
    scopes: new Set(['opendoor', 'closedoor']),
  });
  return { ...outcome, authorizedNow: !existing };
}
