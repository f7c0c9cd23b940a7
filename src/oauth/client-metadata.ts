import type { ClientMetadata } from 'oidc-provider';
import type { ClientRow } from '../store/database.ts';

/**
 * Our client row as oidc-provider metadata. Confidential clients are all
 * registered for `client_secret_basic`: the compatibility layer turns every
 * documented way of presenting a secret into that one (spec 3, step 3).
 * Public clients are native apps, which is what gives them the RFC 8252
 * loopback-port exception and custom-scheme redirects.
 */
export function clientMetadata(row: Pick<ClientRow, 'client_id' | 'secret_hash' | 'type' | 'name' | 'redirect_uris' | 'website'>): ClientMetadata {
  const confidential = row.type === 'confidential';
  return {
    client_id: row.client_id,
    ...(confidential && row.secret_hash ? { client_secret: row.secret_hash } : {}),
    client_name: row.name,
    ...(row.website ? { client_uri: row.website } : {}),
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    application_type: confidential ? 'web' : 'native',
  };
}
