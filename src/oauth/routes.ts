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
