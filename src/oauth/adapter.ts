// oidc-provider's storage contract over the store. Ids are hashed before they
// reach a row and payloads are sealed, so the database never holds a usable
// token, code or session id (spec: tokens stored under a hash of their value).
import type { Kysely } from 'kysely';
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Box } from '../security/encryption.ts';
import { hashSecret } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findClientWithSecretHash } from '../store/repositories/clients.ts';
import * as models from '../store/repositories/oauth-models.ts';
import { clientMetadata } from './client-metadata.ts';
import { translatingAdapter } from './store-outage.ts';

/** Models whose consumption must be won exactly once, even by racing requests on several processes. */
const singleUse = new Set(['AuthorizationCode', 'RefreshToken']);

export function createAdapterFactory(db: Kysely<Database>, box: Box): AdapterFactory {
  return (name: string) => translatingAdapter(name === 'Client' ? clientAdapter(db) : modelAdapter(db, box, name));
}

function modelAdapter(db: Kysely<Database>, box: Box, model: string): Adapter {
  // A Session is found by uid too, so it keeps its own id inside the sealed payload.
  const keepsId = model === 'Session';
  const open = (row: models.ModelRow | undefined, id?: string): AdapterPayload | undefined => {
    if (!row || (row.expires_at !== null && row.expires_at * 1000 <= Date.now())) return undefined;
    const payload = JSON.parse(box.open(row.payload)) as AdapterPayload;
    if (id !== undefined && !keepsId) payload.jti = id;
    if (row.consumed_at !== null) payload.consumed = row.consumed_at;
    return payload;
  };
  return {
    async upsert(id, payload, expiresIn) {
      const { jti: _jti, consumed: _consumed, ...rest } = payload;
      await models.upsertModel(db, {
        model,
        id_hash: hashSecret(id),
        payload: box.seal(JSON.stringify(keepsId ? payload : rest)),
        // A Grant is filed under its own id, so revoking it removes it with its tokens.
        grant_id: payload.grantId ?? (model === 'Grant' ? id : null),
        uid: keepsId ? (payload.uid ?? null) : null,
        expires_at: expiresIn ? Math.floor(Date.now() / 1000) + expiresIn : null,
      });
    },
    async find(id) {
      return open(await models.findModel(db, model, hashSecret(id)), id);
    },
    async findByUid(uid) {
      return open(await models.findModelByUid(db, model, uid));
    },
    async findByUserCode() {
      return undefined;
    },
    async consume(id) {
      const won = await models.consumeModel(db, model, hashSecret(id), Math.floor(Date.now() / 1000));
      if (!won && singleUse.has(model)) throw new errors.InvalidGrant('grant request is invalid');
    },
    async destroy(id) {
      await models.destroyModel(db, model, hashSecret(id));
    },
    async revokeByGrantId(grantId) {
      await models.destroyByGrantId(db, model, grantId);
    },
  };
}

function clientAdapter(db: Kysely<Database>): Adapter {
  const readOnly = async () => {
    throw new Error('clients are managed with `parqex clients`, not through oidc-provider');
  };
  return {
    async find(clientId) {
      const row = await findClientWithSecretHash(db, clientId);
      // A production application waiting for approval is no client yet: the
      // authorization endpoint shows its error page and never redirects, the
      // token endpoint answers invalid_client.
      return row && row.approval === 'approved' ? clientMetadata(row) : undefined;
    },
    upsert: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: async () => undefined,
  };
}
