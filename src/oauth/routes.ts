// The documented endpoint paths (spec 3). Each also answers with a trailing slash.
export const oauthPrefix = '/oauth/v2/endpoints';

export const oauthRoutes = {
  authorization: `${oauthPrefix}/authorization`,
  token: `${oauthPrefix}/token`,
  revocation: `${oauthPrefix}/revoke`,
  introspection: `${oauthPrefix}/introspect`,
  jwks: `${oauthPrefix}/jwks`,
} as const;

export const metadataPath = '/.well-known/oauth-authorization-server';

const clientEndpointMethods = ['GET', 'POST', 'OPTIONS'];
/** Where an authorization resumes after the sign-in and consent pages. */
const resumePath = new RegExp(`^${oauthRoutes.authorization}/[^/]+$`);

/**
 * The methods each endpoint takes, for 405 answers with Allow: oidc-provider's
 * own routes, plus GET on the client endpoints (the documented legacy token
 * request, compat/token-via-get.ts). Undefined for a path that is no endpoint.
 */
export function allowedMethods(path: string): readonly string[] | undefined {
  switch (path) {
    case oauthRoutes.authorization: return ['GET', 'HEAD', 'POST'];
    case oauthRoutes.token:
    case oauthRoutes.revocation:
    case oauthRoutes.introspection: return clientEndpointMethods;
    case oauthRoutes.jwks: return ['GET', 'HEAD', 'OPTIONS'];
    default: return resumePath.test(path) ? ['GET', 'HEAD'] : undefined;
  }
}
