// Our settings as oidc-provider configuration: a pure function, no I/O.
// oidc-provider is an OpenID Provider; here it runs as a plain OAuth 2.0
// authorization server with the lifetimes and rules of spec section 3.
import type { Configuration, KoaContextWithOIDC, JWK } from 'oidc-provider';
import { errors, interactionPolicy } from 'oidc-provider';
import { setAsideResponseMode } from './compat/index.ts';
import { providerScopes, unknownScopes } from './scopes.ts';
import { oauthRoutes } from './routes.ts';

export interface OAuthSettings {
  accessTokenTtl: number;
  refreshTokenIdleTtl: number;
  cookieKeys: readonly string[];
  secureCookies: boolean;
  signingKey: JWK;
}

const TEN_MINUTES = 600;
/** Grants live until revoked; oidc-provider needs a number, so: a century. */
const UNTIL_REVOKED = 100 * 365 * 86400;

export function providerConfiguration(settings: OAuthSettings, parts: Pick<Configuration, 'adapter' | 'findAccount' | 'renderError'>): Configuration {
  const cookie = { signed: true, httpOnly: true, sameSite: 'lax' as const, secure: settings.secureCookies };
  return {
    ...parts,
    clients: [],
    scopes: providerScopes,
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    routes: oauthRoutes,
    jwks: { keys: [settings.signingKey] },
    features: {
      devInteractions: { enabled: false },
      // RFC 7009: a client revokes only its own tokens; others are answered 200 and left alone.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      // Spec 3: introspection is for the token's own client (no separate resource servers here).
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
    },
    ttl: {
      AccessToken: settings.accessTokenTtl,
      AuthorizationCode: TEN_MINUTES,
      // Each rotation issues a fresh token with a fresh lifetime: 90 days unused, no absolute limit.
      RefreshToken: settings.refreshTokenIdleTtl,
      Grant: UNTIL_REVOKED,
      Interaction: 3600,
      Session: 14 * 86400,
    },
    rotateRefreshToken: true,
    // oidc-provider only issues refresh tokens for `offline_access` and ties the
    // rest to the browser session; ParqEx tokens outlive any web login.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    // Consent is asked on every request, so only the grant that consent just made is loaded.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    extraParams: {
      // First, so that no other error is reported in a mode the client must not rely on (compat/response-mode.ts).
      [setAsideResponseMode]: (_ctx: KoaContextWithOIDC, mode: string | undefined) => {
        if (mode !== undefined) throw new errors.InvalidRequest(`response_mode '${mode}' is not supported; only 'query' is`);
      },
      // oidc-provider drops unknown scopes quietly; the spec wants invalid_scope.
      // An extraParams validator is the one hook inside the authorization
      // pipeline that runs on every request (sent or not) after the client and
      // redirect URI are known, so the error is redirected only where that is
      // safe. It reads the request itself, since the provider's params are
      // already filtered by then.
      scope_check: (ctx: KoaContextWithOIDC) => {
        const source = ctx.method === 'POST' ? ctx.oidc.body : ctx.query;
        const requested = typeof source?.scope === 'string' ? source.scope : undefined;
        const unknown = unknownScopes(requested);
        if (unknown.length > 0) throw new errors.InvalidScope(`unknown scope: ${unknown.join(' ')}`, unknown.join(' '));
      },
    },
    interactions: {
      url: (_ctx, interaction) => `/${interaction.prompt.name === 'login' ? 'login' : 'consent'}/${interaction.uid}`,
      policy: everyRequestConsentPolicy(),
    },
    cookies: {
      keys: [...settings.cookieKeys],
      names: { session: 'parqex_oauth_session', interaction: 'parqex_interaction', resume: 'parqex_interaction_resume' },
      long: cookie,
      short: cookie,
    },
    allowOmittingSingleRegisteredRedirectUri: true,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  };
}

function everyRequestConsentPolicy() {
  const { base, Check } = interactionPolicy;
  const policy = base();
  policy.get('consent')!.checks.add(new Check(
    'consent_every_request',
    'consent is asked on every authorization request',
    (ctx) => (ctx.oidc.result?.consent ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT),
  ));
  return policy;
}
