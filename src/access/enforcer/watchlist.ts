// The watchlist (phase2.md C.1): exact plates whose every read opens a
// watchlist_hit alert, whatever the reader decided. The Admin writes it.
import * as store from '../../store/repositories/enforcer.ts';
import { requireAdmin } from '../accounts.ts';
import { DomainError } from '../errors.ts';
import { readPlateKey } from '../lpr-exclusions.ts';
import { enforcerRole, newId, readId, readText, seconds, type EnforcerActor, type EnforcerDeps } from './common.ts';

export const maxWatchNote = 500;

export interface Watched {
  id: string;
  plate: string;
  note: string;
  createdAt: number;
}

function present(row: { id: string; plate_key: string; note: string; created_at: number }): Watched {
  return { id: row.id, plate: row.plate_key, note: row.note, createdAt: Number(row.created_at) };
}

export async function listWatchlist(deps: EnforcerDeps, actor: EnforcerActor): Promise<Watched[]> {
  await enforcerRole(deps.db, actor);
  return (await store.watchlistOf(deps.db, actor.accountId)).map(present);
}

/** A plate listed already is 409 duplicate. */
export async function watchPlate(deps: EnforcerDeps, actor: EnforcerActor, input: { plate?: string; note?: string }): Promise<Watched> {
  await requireAdmin(deps.db, actor.personId, actor.accountId);
  const row = {
    id: newId(), account_id: actor.accountId, plate_key: readPlateKey(input.plate),
    note: readText('note', input.note, maxWatchNote, { multiline: true }), created_by: actor.personId, created_at: seconds(deps.clock),
  };
  if (!(await store.insertWatchlisted(deps.db, row))) throw new DomainError('duplicate', `The plate ${row.plate_key} is on the watchlist already.`);
  return present(row);
}

export async function unwatchPlate(deps: EnforcerDeps, actor: EnforcerActor, watchedId: string): Promise<void> {
  await requireAdmin(deps.db, actor.personId, actor.accountId);
  if (!(await store.deleteWatchlisted(deps.db, actor.accountId, readId(watchedId, 'watchlist entry')))) throw new DomainError('not_found', 'No such watchlist entry.');
}
