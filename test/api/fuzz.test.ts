// A property-based fuzzer over the public surface: every route of
// /openapi.json (under every API prefix), the token endpoint in its documented
// forms (POST, the legacy GET, Basic or form credentials), revocation,
// introspection, the authorization request, and the page forms (login,
// consent, invitations, and every form a signed-in Admin reaches by following
// links, found by crawling the pages: test/helpers/page-crawl.ts; with and
// without a valid CSRF token).
// Inputs are malformed, oversized, deeply nested, wrongly typed and wrongly
// encoded (bad UTF-8, bad percent-encoding), with duplicated parameters and odd
// content types. Properties: no 5xx, an answer within a few seconds, and every
// error in the shape its surface documents.
//
// Reproducible: the seed is fixed (FUZZ_SEED changes it, FUZZ_RUNS the number
// of cases). Every violation is printed with the request that caused it.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compactId } from '../../src/access/ids.ts';
import { apiPrefixes } from '../../src/api/index.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { crawl, invitationLink, linksIn, postFormsIn, signedInEntries } from '../helpers/page-crawl.ts';
import { startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken, formAction } from '../helpers/browser.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { firstPartyToken } from '../helpers/first-party.ts';
import { authorizationQuery, basic, sandbox } from '../helpers/oauth.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20260509);
const runs = Number(process.env.FUZZ_RUNS ?? 1000);
const answerWithinMs = 5000;

type Surface = 'api' | 'toggle' | 'oauth' | 'page';

interface FuzzRequest {
  surface: Surface;
  /** The route as documented, for grouping violations. */
  route: string;
  method: string;
  /** Path and query, already encoded (bad encodings on purpose). */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

// ---- Hostile pieces ----

const edgeStrings = [
  '', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '\u0000', '\uFFFF', '\uD800', '𝕏👍🏽', 'é', '..', '../../etc/passwd',
  "' OR 1=1 --", '"; drop table people; --', '<script>alert(1)</script>', '${7*7}', '%', '%zz', '%C3%28', '%FF%FE', '%00', '\r\nX-Injected: 1',
  'OPEN', 'closed', 'opendoor', 'OPENDOOR,closedoor', 'authorization_code', 'refresh_token', 'client_credentials', 'password',
  compactId(sandboxDoors.garage.id), sandboxDoors.neighborGarage.id, '2026-02-30', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-05-01T10:00:00+99:00',
  'mon', '24:00', '25:61', 'America/New_York', 'Etc/GMT+12', sandboxPeople.sam.email, 'x@example.test',
];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...edgeStrings) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, true, false, 1e308, -0, Number.MAX_SAFE_INTEGER + 2),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Raw query fragments a careful encoder would never produce. */
const rawQueryPiece = fc.constantFrom('%', '%zz', '%C3%28', '%FF', '%E2%82', '%00', '+', '&&', '=', '==', 'a=1=2', '%%', '%2', '%u0041', '[]=', 'a[b][c]=1', '__proto__=1', 'constructor[prototype][x]=1');

const contentTypes = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1',
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=iso-8859-1', 'text/plain', 'text/html',
  'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', '*/*', 'application/json;;;', 'garbage', '',
);

/** Percent-encodes every byte but the unreserved ones; lone surrogates become U+FFFD, as a browser would send them. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function formEncode(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

/** A query string: known names with hostile values, duplicates, unknown names, raw bad escapes. */
function queryArb(names: string[], known: Record<string, string> = {}): fc.Arbitrary<string> {
  const name = names.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileString }) : hostileString;
  const pair = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(name, hostileString) },
    { weight: 2, arbitrary: fc.constantFrom(...(Object.entries(known).length ? Object.entries(known) : [['a', 'b']] as [string, string][])) },
  );
  return fc.tuple(fc.array(pair, { maxLength: 8 }), fc.array(rawQueryPiece, { maxLength: 2 })).map(([pairs, raw]) => [formEncode(pairs), ...raw].filter(Boolean).join('&'));
}

/** A body: from the schema's fields with hostile values, or something that is not what anyone asked for. */
function bodyArb(fields: string[], known: Record<string, string> = {}): fc.Arbitrary<{ contentType: string; body: Buffer } | undefined> {
  const field = fields.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: hostileString }) : hostileString;
  const object = fc.array(fc.tuple(field, fc.oneof(hostileValue, fc.constantFrom(...Object.values(known), 'x'))), { maxLength: 8 }).map((entries) => Object.fromEntries(entries));
  const json = object.map((value) => Buffer.from(JSON.stringify(value)));
  const formPairs = fc.array(fc.tuple(field, fc.oneof(hostileString, fc.constantFrom(...Object.values(known), 'x'))), { maxLength: 8 });
  const form = fc.tuple(formPairs, fc.constantFrom(...Object.entries(known).length ? [Object.entries(known)] : [[]] as [string, string][][]))
    .map(([pairs, base]) => Buffer.from(formEncode([...base, ...pairs])));
  const raw = fc.oneof(
    fc.integer({ min: 1, max: 20_000 }).chain((depth) => fc.constantFrom('array', 'object').map((kind) => Buffer.from(nested(depth, kind as 'array' | 'object')))),
    fc.constantFrom('{"a":', '{"a":1,}', 'null', '1', '"x"', '[]', '{"__proto__":{"x":1}}', '\u0000', '{"a":"\\ud800"}').map((text) => Buffer.from(text)),
    fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc.integer({ min: 60_000, max: 300_000 }).map((size) => Buffer.from(JSON.stringify({ pad: 'x'.repeat(size) }))),
  );
  return fc.option(fc.tuple(contentTypes, fc.oneof(json, form, raw)).map(([contentType, body]) => ({ contentType, body })), { freq: 6, nil: undefined });
}

const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE');

const extraHeaders = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant({ 'x-padding': 'x'.repeat(20_000) }) },
  { weight: 1, arbitrary: fc.constantFrom({ 'idempotency-key': 'x'.repeat(500) }, { prefer: 'respond-async' }, { 'content-encoding': 'gzip' }, { 'accept-charset': 'utf-7' }) },
);

// ---- The surfaces ----

interface Context {
  baseUrl: string;
  bearer: string;
  webClient: { client_id: string; client_secret: string };
  openapi: any;
  /** Signed-in browsers: Alex on the account page, one waiting on a consent page. */
  account: { cookie: string; csrf: string };
  /** The forms and pages Alex reaches by following links (found by crawling, so new pages are fuzzed too). */
  signedIn: { forms: { route: string; path: string; fields: string[] }[]; gets: string[] };
  consent: { cookie: string; csrf: string; action: string };
  login: { cookie: string; csrf: string };
}

function schemaFields(openapi: any, operation: any): string[] {
  let schema = operation?.requestBody?.content?.['application/json']?.schema;
  const ref = schema?.$ref as string | undefined;
  if (ref) schema = ref.split('/').slice(1).reduce((node: any, key) => node?.[key], openapi);
  return Object.keys(schema?.properties ?? {});
}

function apiRoutes(context: Context): fc.Arbitrary<FuzzRequest> {
  const operations = Object.entries(context.openapi.paths as Record<string, Record<string, any>>)
    .filter(([path]) => path.startsWith('/oauth/v1/'))
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })));
  const auth = fc.oneof(
    { weight: 6, arbitrary: fc.constant('valid') },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer x y', 'Basic', 'Basic %%%', `Basic ${Buffer.from('a:b:c').toString('base64')}`, `Bearer ${'a'.repeat(5000)}`, 'Digest x') },
  );
  return fc.constantFrom(...operations).chain(({ path, method, operation }) => {
    const queryNames = (operation.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name as string);
    const webhooks = path.startsWith('/oauth/v1/webhooks');
    return fc.record({
      method: fc.oneof({ weight: 5, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: methods }),
      prefix: webhooks ? fc.constant('/oauth/v1/webhooks') : fc.constantFrom(...apiPrefixes),
      param: hostileString,
      query: queryArb(queryNames),
      body: bodyArb(schemaFields(context.openapi, operation), { door_id: compactId(sandboxDoors.garage.id), door_state: 'OPEN' }),
      auth,
      headers: extraHeaders,
      slash: fc.boolean(),
    }).map(({ method: m, prefix, param, query, body, auth: a, headers, slash }) => {
      const rest = path.replace(webhooks ? '/oauth/v1/webhooks' : '/oauth/v1/endpoints', '').replace(/\{[^}]+\}/g, percentEncode(param).replaceAll('%25', '%'));
      const authorization = a === 'valid' ? (webhooks ? basic(context.webClient.client_id, context.webClient.client_secret) : `Bearer ${context.bearer}`) : a;
      const surface: Surface = !webhooks && path.endsWith('/toggle') && m === 'POST' ? 'toggle' : 'api';
      return request(surface, `${method} ${path}`, m, `${prefix}${rest}${slash ? '/' : ''}${query ? `?${query}` : ''}`, { authorization, ...headers }, body);
    });
  });
}

function oauthEndpoints(context: Context): fc.Arbitrary<FuzzRequest> {
  const { client_id, client_secret } = context.webClient;
  const names = ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'refresh_token', 'scope', 'code_verifier', 'token', 'token_type_hint'];
  const known = { grant_type: 'authorization_code', client_id, client_secret, redirect_uri: sandbox.redirectUri, token: context.bearer };
  const endpoint = fc.constantFrom('/oauth/v2/endpoints/token', '/oauth/v2/endpoints/token/', '/oauth/v2/endpoints/revoke', '/oauth/v2/endpoints/introspect');
  const auth = fc.constantFrom(undefined, basic(client_id, client_secret), basic(client_id, 'wrong'), 'Basic', 'Basic !!!', `Basic ${Buffer.from(`${client_id}`).toString('base64')}`, 'Bearer x');
  return fc.record({
    endpoint, method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('POST', 'GET') }, { weight: 1, arbitrary: methods }),
    query: queryArb(names, known), body: bodyArb(names, known), auth, headers: extraHeaders,
  }).map(({ endpoint: path, method, query, body, auth: a, headers }) => request('oauth', `${method} ${path}`, method, `${path}${query ? `?${query}` : ''}`, { ...(a ? { authorization: a } : {}), ...headers }, body));
}

function authorizationRequests(context: Context): fc.Arbitrary<FuzzRequest> {
  const names = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'prompt', 'response_mode', 'nonce'];
  const known = Object.fromEntries(new URLSearchParams(authorizationQuery(context.baseUrl)));
  return fc.record({ query: queryArb(names, known), headers: extraHeaders }).map(({ query, headers }) => request('page', 'GET /oauth/v2/endpoints/authorization', 'GET', `/oauth/v2/endpoints/authorization/?${query}`, headers));
}

function pageForms(context: Context): fc.Arbitrary<FuzzRequest> {
  const forms: { route: string; path: string; session: 'account' | 'consent' | 'login'; fields: string[] }[] = [
    { route: 'POST /login', path: '/login', session: 'login', fields: ['email', 'password', 'next'] },
    { route: 'POST /login/:uid', path: '/login/{x}', session: 'login', fields: ['email', 'password'] },
    { route: 'POST /consent/:uid', path: context.consent.action, session: 'consent', fields: ['decision', 'doors'] },
    { route: 'POST /consent/:uid', path: '/consent/{x}', session: 'consent', fields: ['decision', 'doors'] },
    { route: 'POST /invitations/:token/accept', path: '/invitations/{x}/accept', session: 'account', fields: [] },
    { route: 'POST /invitations/:token/sign-up', path: '/invitations/{x}/sign-up', session: 'login', fields: ['first_name', 'last_name', 'password'] },
    // The forms of the signed-in pages as the crawl found them: at their own ids, at hostile ones, at another account's.
    ...context.signedIn.forms.map((form) => ({ ...form, session: 'account' as const })),
  ];
  const gets = ['/login', '/login/{x}', '/consent/{x}', '/invitations/{x}', '/{x}', '/account/{x}', '/accounts/{x}/settings', ...context.signedIn.gets];
  const post = fc.record({
    form: fc.constantFrom(...forms), param: hostileString, csrf: fc.oneof({ weight: 3, arbitrary: fc.constant('valid') }, { weight: 1, arbitrary: fc.constantFrom('none', 'wrong', 'twice') }),
    cookie: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    body: fc.option(fc.array(fc.tuple(hostileString, hostileString), { maxLength: 6 }), { nil: undefined }),
    raw: bodyArb([]), method: fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: methods }), headers: extraHeaders,
  }).chain(({ form, param, csrf, cookie, body, raw, method, headers }) => fc.array(fc.tuple(fc.constantFrom(...(form.fields.length ? form.fields : ['x'])), hostileString), { maxLength: 6 }).map((fields) => {
    const session = context[form.session];
    const token = { valid: [['_csrf', session.csrf]], none: [], wrong: [['_csrf', 'x'.repeat(20)]], twice: [['_csrf', session.csrf], ['_csrf', 'other']] }[csrf] as [string, string][];
    const path = form.path.replaceAll('{x}', percentEncode(param));
    // Mostly a well-formed form with hostile values; sometimes anything at all.
    const payload = raw && !body ? raw : { contentType: 'application/x-www-form-urlencoded', body: Buffer.from(formEncode([...token, ...fields, ...(body ?? [])])) };
    return request('page', form.route, method, path, { ...(cookie ? { cookie: session.cookie } : {}), ...headers }, payload);
  }));
  const get = fc.record({ path: fc.constantFrom(...gets), param: hostileString, query: queryArb(['next', 'saved', 'door', 'person', 'from', 'to', 'outcome', 'channel', 'cursor']), headers: extraHeaders })
    .map(({ path, param, query, headers }) => request('page', `GET ${path}`, 'GET', `${path.replaceAll('{x}', percentEncode(param).replaceAll('%25', '%'))}${query ? `?${query}` : ''}`, { cookie: context.account.cookie, ...headers }));
  return fc.oneof({ weight: 3, arbitrary: post }, { weight: 1, arbitrary: get });
}

function request(surface: Surface, route: string, method: string, target: string, headers: Record<string, string | undefined>, body?: { contentType: string; body: Buffer }): FuzzRequest {
  const clean = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
  if (body?.contentType) clean['content-type'] = body.contentType;
  return { surface, route, method, target, headers: clean, ...(body ? { body: body.body } : {}) };
}

// ---- Sending and judging ----

interface Answer { status: number; contentType: string; body: string }

/**
 * One request on its own connection. A server may answer early (413, 431) and
 * close while the body is still being written: the answer counts, the write
 * error does not. A connection closed with no answer at all is a violation.
 */
function send(baseUrl: string, fuzz: FuzzRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = httpRequest({
      host: url.hostname, port: url.port, method: fuzz.method, path: fuzz.target, agent: false,
      headers: { ...fuzz.headers, connection: 'close', ...(fuzz.body ? { 'content-length': String(fuzz.body.length) } : {}) },
      signal: AbortSignal.timeout(answerWithinMs),
    }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      const done = () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
      response.on('end', done);
      response.on('error', done);
    });
    outgoing.on('error', (error) => {
      if (answered) return;
      // The answer may still be on its way behind a failed write.
      setTimeout(() => (answered ? undefined : reject(error)), 300);
    });
    outgoing.end(fuzz.body);
  });
}

/** What is wrong with this answer, or undefined. */
function judge(fuzz: FuzzRequest, answer: Answer): string | undefined {
  if (answer.status >= 500) return `${answer.status}`;
  if (answer.status < 400 || fuzz.method === 'HEAD') return undefined;
  const json = () => {
    try {
      return JSON.parse(answer.body) as any;
    } catch {
      return undefined;
    }
  };
  switch (fuzz.surface) {
    case 'api': {
      const body = json();
      const ok = /application\/json/.test(answer.contentType) && body && Object.keys(body).join() === 'errors' && Array.isArray(body.errors) && body.errors.length > 0
        && body.errors.every((error: any) => typeof error?.message === 'string');
      return ok ? undefined : `${answer.status} not in the API envelope`;
    }
    case 'toggle': {
      const body = json();
      const ok = /application\/json/.test(answer.contentType) && body?.success === false && typeof body.timestamp === 'number' && typeof body.message === 'string';
      return ok ? undefined : `${answer.status} not in the toggle envelope`;
    }
    case 'oauth': {
      const body = json();
      const ok = /application\/json/.test(answer.contentType) && typeof body?.error === 'string' && (body.error_description === undefined || typeof body.error_description === 'string');
      return ok ? undefined : `${answer.status} not in the RFC 6749 error shape`;
    }
    case 'page':
      return /text\/html/.test(answer.contentType) && /<html/i.test(answer.body) ? undefined : `${answer.status} not an HTML page`;
  }
}

function describeRequest(fuzz: FuzzRequest): string {
  const body = fuzz.body ? ` body(${fuzz.body.length} bytes, ${fuzz.headers['content-type'] ?? 'no type'}): ${JSON.stringify(fuzz.body.subarray(0, 160).toString('latin1'))}` : '';
  const headers = Object.entries(fuzz.headers).filter(([name]) => name !== 'cookie' && name !== 'content-type').map(([name, value]) => `${name}: ${value.slice(0, 60)}${value.length > 60 ? `…(${value.length})` : ''}`).join('; ');
  return `${fuzz.method} ${fuzz.target.slice(0, 200)}${fuzz.target.length > 200 ? `…(${fuzz.target.length})` : ''} [${headers}]${body}`;
}

describe('fuzzing the public surface [sqlite]', () => {
  it(`answers hostile input without a 5xx, within ${answerWithinMs / 1000} s, in each surface's documented error shape`, async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite', {
      PARQEX_RATE_LIMIT_PER_TOKEN: '1000000', PARQEX_RATE_LIMIT_PER_PERSON: '1000000', PARQEX_LOGIN_MAX_FAILURES: '1000', PARQEX_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    });
    const context = await prepare(baseUrl);
    const found = new Set(context.signedIn.forms.map((form) => form.route));
    t.diagnostic(`signed-in forms found by crawling: ${[...found].sort().join(', ')}`);
    for (const route of ['POST /account/settings/preferences', 'POST /account/settings/profile', 'POST /account/settings/email', 'POST /account/settings/password',
      'POST /account/doors/:id/toggle', 'POST /account/doors/:id/name', 'POST /account/vehicles', 'POST /accounts/:id/settings/time-zone', 'POST /accounts/:id/settings/third-party',
      'POST /accounts/:id/controllers/claim', 'POST /accounts/:id/people/invite', 'POST /accounts/:id/people/invitations/:id/cancel', 'POST /developers/applications/:id']) {
      assert.ok(found.has(route), `the crawl found the form ${route}`);
    }
    const surfaces = fc.oneof(
      { weight: 5, arbitrary: apiRoutes(context) },
      { weight: 3, arbitrary: oauthEndpoints(context) },
      { weight: 1, arbitrary: authorizationRequests(context) },
      { weight: 3, arbitrary: pageForms(context) },
    );
    const violations = new Map<string, string>();
    let ran = 0;
    await fc.assert(fc.asyncProperty(surfaces, async (fuzz) => {
      ran += 1;
      let problem: string | undefined;
      let answer: Answer | undefined;
      try {
        answer = await send(baseUrl, fuzz);
        problem = judge(fuzz, answer);
      } catch (error) {
        problem = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError' ? `no answer within ${answerWithinMs} ms` : `connection: ${(error as Error).message}`;
      }
      const key = `${fuzz.route} → ${problem}`;
      if (problem && !violations.has(key)) violations.set(key, `${describeRequest(fuzz)}\n      answered: ${answer ? `${answer.status} ${answer.contentType} ${answer.body.slice(0, 200)}` : '-'}`);
    }), { seed, numRuns: runs, endOnFailure: true });
    t.diagnostic(`fuzzer: ${ran} cases ran (seed ${seed}); ${violations.size} kinds of violation`);
    // A 5xx must also have left its trace in the log as an error, never a stack in the answer; nothing crashed.
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200, 'the server still answers');
    assert.ok(app.server.server.listening);
    if (violations.size) t.diagnostic([...violations].map(([key, example]) => `VIOLATION ${key}\n      e.g. ${example}`).join('\n'));
    assert.equal(violations.size, 0, `${violations.size} kinds of violation; each is listed above with a request that reproduces it`);
  });
});

async function prepare(baseUrl: string): Promise<Context> {
  const openapi = await (await fetch(`${baseUrl}/openapi.json`)).json();
  const bearer = await firstPartyToken(baseUrl);
  const account = await signedInBrowser(baseUrl, sandboxPeople.alex.email);
  const accountPage = await account.request('/account');
  // A person left on the consent page, so its form is there to fuzz.
  const consentBrowser = new Browser(baseUrl);
  let step = await consentBrowser.follow(`/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`);
  const login = await consentBrowser.request(formAction(step.body), { form: { _csrf: csrfToken(step.body), email: sandboxPeople.sam.email, password: sandbox.password } });
  step = await consentBrowser.follow(login.location!);
  assert.ok(step.url.includes('/consent/'), 'waiting on the consent page');
  const loginBrowser = new Browser(baseUrl);
  const loginPage = await loginBrowser.request('/login');
  const signedIn = await signedInSurface(account);
  const cookie = (browser: Browser) => browser.jar.getCookieString(baseUrl);
  return {
    baseUrl,
    bearer,
    webClient: { client_id: sandbox.client(baseUrl).web.client_id, client_secret: sandbox.client(baseUrl).web.client_secret },
    openapi,
    account: { cookie: await cookie(account), csrf: csrfToken(accountPage.body) },
    signedIn,
    consent: { cookie: await cookie(consentBrowser), csrf: csrfToken(step.body), action: formAction(step.body) },
    login: { cookie: await cookie(loginBrowser), csrf: csrfToken(loginPage.body) },
  };
}

// Forms that end the session the fuzzer signs in with: fuzzing them would leave the rest signed out.
const endsSession = /^\/(?:logout|account\/settings\/sign-out-everywhere)$/;
// Reached through their own entries above (another session's consent page, an invitation token).
const elsewhere = /^\/(?:consent|invitations|login)\//;
// Path words are lower-case words (`settings`, `open-alert`); anything else is an id (UUIDs, client ids, tokens).
const idSegment = (part: string) => part !== '' && !/^[a-z]+(?:-[a-z]+)*$/.test(part);
const routeOf = (path: string) => path.split('/').map((part) => (idSegment(part) ? ':id' : part)).join('/');

/**
 * Every form and page Alex (an Admin) reaches by following links, so the
 * fuzzer covers the forms as they are now, not a list kept by hand. Each
 * form is fuzzed at the action the page gives, at that action with its ids
 * replaced by hostile text ({x}), and at the same action in the neighbour's
 * account (which Alex does not administer).
 */
async function signedInSurface(browser: Browser): Promise<Context['signedIn']> {
  const base = browser.baseUrl;
  // Something in each list, so its forms are on the pages: a pending invitation, and an application of Alex's.
  await invitationLink(base);
  const newApplication = await browser.request('/developers/applications/new');
  const create = postFormsIn(newApplication.body, new URL('/developers/applications/new', base).toString()).find((form) => new URL(form.action).pathname === '/developers/applications');
  assert.ok(create, 'the new-application page has its form');
  const created = await browser.request(create.action, { form: { ...Object.fromEntries(create.fields), name: 'Fuzz Target', redirect_uris: 'https://fuzz.example.test/callback' } });
  assert.equal(created.status, 303, `creating an application: ${created.status}`);
  assert.notEqual(created.location, '/developers/applications/new', 'the application was created');
  const pages = await crawl(signedInEntries.map((path) => new URL(path, base).toString()), async (url) => {
    const step = await browser.follow(url);
    const html = (step.headers.get('content-type') ?? '').startsWith('text/html');
    return { url, finalUrl: step.url, status: step.status, body: html ? step.body : '', links: html ? linksIn(step.body, step.url) : [] };
  }, { limit: 150 });
  const forms = new Map<string, { route: string; path: string; fields: string[] }>();
  const add = (route: string, path: string, fields: string[]) => {
    const key = `${route} ${path}`;
    const known = forms.get(key);
    forms.set(key, { route, path, fields: [...new Set([...(known?.fields ?? []), ...fields])] });
  };
  for (const page of pages) {
    for (const form of postFormsIn(page.body, page.finalUrl)) {
      const url = new URL(form.action);
      if (url.origin !== new URL(base).origin || endsSession.test(url.pathname) || elsewhere.test(url.pathname)) continue;
      const route = `POST ${routeOf(url.pathname)}`;
      const fields = form.fields.map(([name]) => name).filter((name) => name !== '_csrf');
      add(route, url.pathname, fields);
      const parts = url.pathname.split('/');
      if (parts.some(idSegment)) add(route, parts.map((part) => (idSegment(part) ? '{x}' : part)).join('/'), fields);
      if (url.pathname.includes(sandboxAccounts.residence.id)) add(route, url.pathname.replace(sandboxAccounts.residence.id, sandboxAccounts.neighbor.id), fields);
    }
  }
  const gets = new Set<string>();
  for (const page of pages) {
    const path = new URL(page.finalUrl).pathname;
    gets.add(path);
    const parts = path.split('/');
    if (parts.some(idSegment)) gets.add(parts.map((part) => (idSegment(part) ? '{x}' : part)).join('/'));
  }
  return { forms: [...forms.values()], gets: [...gets] };
}
