// A leader that died after oidc-provider consumed the presented refresh token
// and stored its successor, but before the answer was sealed, leaves a family
// nobody can continue: the client never received the successor, and the
// presented token now reads as reused (invalid_grant, or a revoked grant for a
// public client). Since the answer is only written to the client after it is
// sealed, an unsealed rotation is one whose result never left the server, so
// it can be undone and led again: the successor is deleted and the presented
// token gets its use back. The access token issued beside the successor is
// left to expire: only its hash is stored and nobody holds its value.
import type { Kysely } from 'kysely';
import type { Box } from '../security/encryption.ts';
import { hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import * as models from '../store/repositories/oauth-models.ts';

/** What a stored refresh token says about its family: `iiat` is shared by every rotation of one family, `rotations` counts them. */
interface FamilyPosition {
  grantId?: string;
  iiat?: number;
  rotations?: number;
}

export async function undoUnsealedRotation(deps: { db: Kysely<Database>; box: Box }, presented: string): Promise<void> {
  const presentedHash = hashSecret(presented);
  const row = await models.findModel(deps.db, 'RefreshToken', presentedHash);
  if (!row || row.consumed_at === null) return;
  const token = JSON.parse(deps.box.open(row.payload)) as FamilyPosition;
  if (token.grantId) {
    // Matched by family and position, not by time: a grant can hold other families (one per code exchange).
    const successorRotation = (token.rotations ?? 0) + 1;
    for (const candidate of await models.findModelsByGrantId(deps.db, 'RefreshToken', token.grantId)) {
      const position = JSON.parse(deps.box.open(candidate.payload)) as FamilyPosition;
      if (position.iiat === token.iiat && position.rotations === successorRotation) {
        await models.destroyModel(deps.db, 'RefreshToken', candidate.id_hash);
      }
    }
  }
  await models.unconsumeModel(deps.db, 'RefreshToken', presentedHash);
}
