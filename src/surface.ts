// Which face of the server a path belongs to, for the answers Fastify and
// Node would otherwise write themselves: the resource and webhooks APIs
// answer in the API envelope, the authorization server in RFC 6749's error
// shape, everything else (the pages) with an HTML page. Mistyped paths count
// where they were aimed: `//OAUTH/v2/…` and `/api/oauth/v2/…` are OAuth.
export type Surface = 'api' | 'toggle' | 'oauth' | 'page';

const OAUTH = /^\/(?:api\/)?oauth\/v2(?:\/|$)|^\/\.well-known\//;
// The authorization request and its resumption are browser steps: their errors are pages.
const AUTHORIZATION = /^\/(?:api\/)?oauth\/v2\/endpoints\/authorization(?:\/|$)/;
// The sandbox's own routes (/_sandbox/clock, /_sandbox/plate-read) are called by the CLI and tests: JSON too.
const API = /^\/(?:api\/|oauth\/|_sandbox\/|openapi\.json$|healthz$|readyz$|metrics$)/;
// The toggle route answers in its own envelope (spec 4), under every API alias.
const TOGGLE = /^\/(?:api\/)?oauth\/v1\/endpoints?\/toggle\/?$/;

export function surfaceOf(url: string, method: string): Surface {
  const path = (url.split(/[?#]/, 1)[0] ?? '').replace(/\/{2,}/g, '/').toLowerCase();
  if (AUTHORIZATION.test(path)) return 'page';
  if (OAUTH.test(path)) return 'oauth';
  if (TOGGLE.test(path) && method.toUpperCase() === 'POST') return 'toggle';
  if (API.test(path)) return 'api';
  return 'page';
}
