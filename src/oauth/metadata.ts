// RFC 8414 metadata, written by us: oidc-provider's discovery document is an
// OpenID one, and spec 3 wants only what this server offers and tests.
import { supportedScopes } from './scopes.ts';
import { oauthRoutes } from './routes.ts';

export function authorizationServerMetadata(issuer: string) {
  const clientAuthMethods = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    authorization_endpoint: `${issuer}${oauthRoutes.authorization}/`,
    token_endpoint: `${issuer}${oauthRoutes.token}/`,
    revocation_endpoint: `${issuer}${oauthRoutes.revocation}`,
    introspection_endpoint: `${issuer}${oauthRoutes.introspection}`,
    scopes_supported: supportedScopes,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
    revocation_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
    introspection_endpoint_auth_methods_supported: clientAuthMethods,
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/docs`,
  };
}
