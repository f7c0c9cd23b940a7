// Drives the authorization flow over real HTTP, as a person at a browser would.
import { createHash, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { sandboxClients, sandboxPassword, sandboxPeople, sandboxRedirectUris } from '../../src/sandbox/seed.ts';
import { Browser, csrfToken, formAction, tickedDoors } from './browser.ts';

export const sandbox = {
  people: sandboxPeople,
  password: sandboxPassword,
  redirectUri: sandboxRedirectUris[1]!,
  client: (baseUrl: string) => sandboxClients(new URL(baseUrl).hostname),
};

export interface AuthorizeOptions {
  query: string;
  email?: string;
  password?: string;
  decision?: 'allow' | 'deny';
  browser?: Browser;
  /** Door ids to untick on the consent page. */
  untick?: string[];
}

/** Runs authorization request, login and consent; returns the redirect that leaves the server. */
export async function authorize(baseUrl: string, options: AuthorizeOptions): Promise<URL> {
  const browser = options.browser ?? new Browser(baseUrl);
  let step = await browser.follow(`/oauth/v2/endpoints/authorization/?${options.query}`);
  if (step.url.includes('/login/')) {
    assert.equal(step.status, 200, `login page: ${step.body.slice(0, 300)}`);
    const login = await browser.request(formAction(step.body), {
      form: { _csrf: csrfToken(step.body), email: options.email ?? sandboxPeople.alex.email, password: options.password ?? sandboxPassword },
    });
    assert.equal(login.status, 303, `login refused: ${login.body.slice(0, 300)}`);
    step = await browser.follow(login.location!);
  }
  if (step.url.includes('/consent/')) {
    assert.equal(step.status, 200, `consent page: ${step.body.slice(0, 300)}`);
    const doors = tickedDoors(step.body).filter((door) => !options.untick?.includes(door));
    const consent = await browser.request(formAction(step.body), { form: { _csrf: csrfToken(step.body), decision: options.decision ?? 'allow', doors } });
    assert.equal(consent.status, 303);
    step = await browser.follow(consent.location!);
  }
  assert.ok(step.location, `expected a redirect to the client, got ${step.status}: ${step.body.slice(0, 300)}`);
  return new URL(step.location);
}

export function authorizationQuery(baseUrl: string, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: sandbox.client(baseUrl).web.client_id,
    redirect_uri: sandbox.redirectUri,
    scope: 'OPENDOOR,closedoor',
    state: 'xyz',
    ...extra,
  });
  return params.toString();
}

export async function tokenRequest(baseUrl: string, query: string, init: RequestInit = {}) {
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/token/?${query}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...init });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, unknown> };
}

/** The whole documented flow for the sandbox web client: returns the token response. */
export async function sandboxTokens(baseUrl: string, options: { scope?: string; email?: string; untick?: string[] } = {}) {
  const client = sandbox.client(baseUrl).web;
  const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl, options.scope !== undefined ? { scope: options.scope } : {}), email: options.email, untick: options.untick });
  const code = redirect.searchParams.get('code');
  assert.ok(code, `no code in ${redirect}`);
  const token = await tokenRequest(baseUrl, new URLSearchParams({
    client_id: client.client_id, client_secret: client.client_secret, grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri,
  }).toString(), { method: 'GET' });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return token.body as { access_token: string; refresh_token: string; scope?: string; user_id: string; expires_in: number; token_type: string };
}

export async function userInfo(baseUrl: string, accessToken: string) {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' } });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, any> };
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function form(params: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() };
}

export async function postToken(baseUrl: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const init = form(params);
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/token`, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, any> };
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** The documented flow for the sandbox native (public, PKCE) client: returns the client and the token response. */
export async function publicClientTokens(baseUrl: string) {
  const native = sandbox.client(baseUrl).native;
  const { verifier, challenge } = pkcePair();
  const redirectUri = 'http://127.0.0.1:40000/callback';
  const redirect = await authorize(baseUrl, {
    query: new URLSearchParams({ response_type: 'code', client_id: native.client_id, redirect_uri: redirectUri, scope: 'opendoor', state: 's', code_challenge: challenge, code_challenge_method: 'S256' }).toString(),
  });
  const token = await postToken(baseUrl, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: redirectUri, client_id: native.client_id, code_verifier: verifier });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return { native, tokens: token.body };
}
