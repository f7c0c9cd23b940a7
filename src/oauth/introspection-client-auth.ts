// The metadata lists no `none` among introspection_endpoint_auth_methods_supported
// (metadata.ts), but oidc-provider authenticates a client the same way at
// every endpoint, so a public client would introspect with its client_id
// alone. Every form of client secret reaches the provider as one Basic header
// (compat/client-credentials.ts): a request without one has no secret at all.
import { errors } from 'oidc-provider';

export function requireClientSecret(authorization: string | undefined): void {
  if (authorization !== undefined) return;
  throw Object.assign(new errors.InvalidClientAuth('introspection needs client_secret_basic or client_secret_post'), {
    error_description: 'client authentication is required',
  });
}
