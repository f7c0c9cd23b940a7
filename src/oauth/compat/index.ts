// The compatibility layer in front of oidc-provider: each documented quirk is a
// pure function in its own file, applied here in order.
import { canonicalClientAuth, type ClientAuthParts } from './client-credentials.ts';
import { resolveRepeatedParameters } from './repeated-grant-type.ts';
import { withImplicitScope } from './read-only-grant.ts';
import { setAsideResponseModeInBody, setAsideResponseModeInQuery } from './response-mode.ts';
import { normalizeScope, rewriteScopeInQuery } from './scope-syntax.ts';
import { collectParameters } from './token-via-get.ts';

export { withoutImplicitScope } from './read-only-grant.ts';
export { setAsideResponseMode } from './response-mode.ts';

const authorizationScope = (scope: string | undefined) => withImplicitScope(normalizeScope(scope ?? ''));

/** Authorization requests: the documented scope syntax, plus the implicit read scope; only the advertised response mode. */
export function normalizeAuthorizationQuery(rawQuery: string): string {
  return setAsideResponseModeInQuery(rewriteScopeInQuery(rawQuery, authorizationScope));
}

/** Token, revocation and introspection requests: query and body merged, duplicates resolved, one client-auth form. */
export function normalizeClientRequest(input: { rawQuery: string; body: unknown; authorization: string | undefined }): ClientAuthParts {
  const params = resolveRepeatedParameters(collectParameters(input.rawQuery, input.body));
  if (params.scope !== undefined) params.scope = normalizeScope(params.scope);
  return canonicalClientAuth({ authorization: input.authorization, params });
}

/** Authorization requests sent as a form POST get the same scope syntax as the query form. */
export function normalizeAuthorizationBody(body: Record<string, unknown>): Record<string, unknown> {
  return setAsideResponseModeInBody({ ...body, scope: authorizationScope(typeof body.scope === 'string' ? body.scope : undefined) });
}
