// Builds the oidc-provider instance from configuration, adapter and account
// lookup, and adds the response extensions of spec 3 around its endpoints.
import { generateKeyPairSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import Provider, { type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import type { FastifyBaseLogger } from 'fastify';
import type { Box } from '../security/encryption.ts';
import type { Database } from '../store/database.ts';
import { findPersonById } from '../store/repositories/people.ts';
import { forgetStolenGrant } from '../access/authorizations.ts';
import { createAdapterFactory } from './adapter.ts';
import { providerConfiguration } from './configuration.ts';
import { withoutImplicitScope } from './compat/index.ts';
import type { RawRequest } from './mount.ts';
import { compareHashedClientSecrets } from './overrides/hashed-client-secret.ts';
import { claimLease, refreshGrace } from './refresh-grace.ts';
import { oauthRoutes } from './routes.ts';
import { storeOutage, translatingStoreFailures } from './store-outage.ts';
import { unknownRoute } from './unknown-route.ts';

export interface ProviderDeps {
  issuer: string;
  db: Kysely<Database>;
  box: Box;
  log: FastifyBaseLogger;
  trustProxy: boolean;
  secureCookies: boolean;
  cookieKeys: readonly string[];
  accessTokenTtl: number;
  refreshTokenIdleTtl: number;
  refreshGraceSeconds: number;
  /** The database's statement timeout: it bounds how long a refresh can run. */
  statementTimeoutMs: number;
  renderError: (error: { error: string; error_description?: string }) => string;
}

export function buildProvider(deps: ProviderDeps): Provider {
  const configuration = providerConfiguration({
    accessTokenTtl: deps.accessTokenTtl,
    refreshTokenIdleTtl: deps.refreshTokenIdleTtl,
    cookieKeys: deps.cookieKeys,
    secureCookies: deps.secureCookies,
    signingKey: ephemeralSigningKey(),
  }, {
    adapter: createAdapterFactory(deps.db, deps.box),
    findAccount: translatingStoreFailures(async (_ctx: KoaContextWithOIDC, id: string) => {
      const person = await findPersonById(deps.db, id);
      return person ? { accountId: person.id, claims: async () => ({ sub: person.id }) } : undefined;
    }),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = deps.renderError(out as { error: string; error_description?: string });
    },
  });

  // A grant revoked at the token endpoint was stolen (a code sent twice, a public
  // client's refresh token reused): the person's Applications page forgets it too.
  configuration.revokeGrantPolicy = translatingStoreFailures(async (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc.route === 'token') {
      // Still stored: the grant's models are revoked only once this policy has answered.
      const code = ctx.oidc.params?.code;
      const grantId = ctx.oidc.entities.RefreshToken?.grantId
        ?? (typeof code === 'string' ? (await ctx.oidc.provider.AuthorizationCode.find(code, { ignoreExpiration: true }))?.grantId : undefined);
      if (grantId) await forgetStolenGrant(deps.db, grantId);
    }
    // Otherwise oidc-provider's default, unchanged.
    return !(ctx.oidc.route === 'revocation' && ctx.oidc.entities.AccessToken);
  });

  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.trustProxy;
  compareHashedClientSecrets(provider);

  provider.use(storeOutage);
  provider.use(refreshGrace({ db: deps.db, provider, box: deps.box, graceSeconds: deps.refreshGraceSeconds, claimLeaseMs: claimLease(deps.statementTimeoutMs), tokenPath: oauthRoutes.token }));
  provider.use(responseExtensions);
  provider.use(unknownRoute);

  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    deps.log.error({ err: error, path: ctx.path, method: ctx.method }, 'oauth server error');
  });
  for (const event of ['grant.error', 'introspection.error', 'revocation.error', 'authorization.error']) {
    provider.on(event as 'grant.error', (_ctx: KoaContextWithOIDC, error: Error & { error_description?: string; error_detail?: string }) => {
      deps.log.info({ event, error: error.message, description: error.error_description, detail: error.error_detail }, 'oauth request refused');
    });
  }
  return provider;
}

/**
 * Where our answers differ from oidc-provider's: `user_id` in token responses
 * (spec 3, step 3, for account-linking platforms); `Pragma: no-cache` beside
 * `Cache-Control: no-store` (RFC 6749 5.1); the implicit read scope never
 * shown; RFC 6749 5.2's invalid_client when no client authentication came;
 * and `{}` for a revocation.
 */
async function responseExtensions(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  const route = ctx.oidc?.route;
  const body = ctx.body as Record<string, unknown> | undefined;
  if (route === 'token') ctx.set('Pragma', 'no-cache');
  // Every secret reaches the provider as Basic (compat/client-credentials.ts); only a client that sent Basic gets a Basic challenge.
  if (ctx.status === 401 && !(ctx.req as RawRequest).basicPresented) ctx.remove('WWW-Authenticate');
  // RFC 6749 5.2: a request with no client authentication at all is invalid_client (401), not invalid_request.
  if (ctx.status === 400 && body?.error === 'invalid_request' && body.error_description === 'no client authentication mechanism provided') {
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: 'client authentication is required' };
    return;
  }
  // RFC 7009 leaves the body open; client libraries that parse every answer as JSON fail on an empty one.
  if (route === 'revocation' && ctx.status === 200) {
    ctx.body = {};
    return;
  }
  if ((route !== 'token' && route !== 'introspection') || ctx.status !== 200 || !body) return;
  const { scope, ...rest } = body;
  const visibleScope = typeof scope === 'string' ? withoutImplicitScope(scope) : undefined;
  const accountId = ctx.oidc.entities.Account?.accountId ?? ctx.oidc.entities.AccessToken?.accountId;
  ctx.body = {
    ...rest,
    ...(visibleScope ? { scope: visibleScope } : {}),
    ...(route === 'token' && accountId ? { user_id: accountId } : {}),
  };
}

/** Nothing is signed with it (no ID tokens, opaque access tokens), but the provider insists on a key set. */
function ephemeralSigningKey(): JWK {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'ES256' } as JWK;
}
