// "Sign out everywhere": the authorization server's browser sessions of one
// person, wherever they were opened. A session's payload is sealed and names
// its person only inside, so each is opened to be read; there are few (one per
// browser that signed in through an authorization, until it expires).
// Grants and the tokens given to applications are not sessions and stay.
import type { Kysely } from 'kysely';
import type { Box } from '../security/encryption.ts';
import type { Database } from '../store/database.ts';
import { destroyModel, modelsOfKind } from '../store/repositories/oauth-models.ts';

export async function endBrowserSessionsOf(db: Kysely<Database>, box: Box, personId: string): Promise<number> {
  let ended = 0;
  for (const row of await modelsOfKind(db, 'Session')) {
    const payload = JSON.parse(box.open(row.payload)) as { accountId?: string };
    if (payload.accountId !== personId) continue;
    await destroyModel(db, 'Session', row.id_hash);
    ended += 1;
  }
  return ended;
}
