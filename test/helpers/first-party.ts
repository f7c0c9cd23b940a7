// Tokens for the sandbox's first-party client (ParqEx's own app), the only
// kind of client the internal routes answer.
import assert from 'node:assert/strict';
import { authorize, authorizationQuery, postToken, sandbox } from './oauth.ts';

export function firstPartyClient(baseUrl: string) {
  return sandbox.client(baseUrl).firstParty;
}

/** Authorization code flow through the real pages, then the token request. */
export async function clientTokens(baseUrl: string, client: { client_id: string; client_secret: string }, options: { email?: string; password?: string } = {}) {
  const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl, { client_id: client.client_id }), email: options.email, password: options.password });
  const code = redirect.searchParams.get('code');
  assert.ok(code, `no code in ${redirect}`);
  const token = await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return token.body as { access_token: string; refresh_token: string };
}

export async function firstPartyToken(baseUrl: string, options: { email?: string; password?: string } = {}): Promise<string> {
  return (await clientTokens(baseUrl, firstPartyClient(baseUrl), options)).access_token;
}

export const apiBase = '/oauth/v1/endpoints';

/** POST or DELETE invite with a JSON body (or raw text), under any prefix. */
export async function callInvite(baseUrl: string, token: string | undefined, method: 'POST' | 'DELETE' | 'GET', body?: unknown, prefix = apiBase) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}${prefix}/invite`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, any> };
}

/** The invitation link of the newest mail, as the development mailbox page shows it. */
export async function linkFromMailbox(baseUrl: string, to: string): Promise<string> {
  const page = await (await fetch(`${baseUrl}/dev/mailbox`)).text();
  const [, first] = page.split('<article class="mail">');
  assert.ok(first?.includes(to), `the newest mail is for ${to}`);
  const match = /<a href="([^"]+\/invitations\/[A-Za-z0-9_-]+)">/.exec(first ?? '');
  assert.ok(match, 'the mail holds a clickable invitation link');
  return match[1]!;
}
