// The Fastify-to-Koa hand-off: every request under the OAuth prefix goes
// through the compatibility layer, then to oidc-provider's own handler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { ClientSecretAttempts } from '../access/client-secret-throttle.ts';
import { countClientAuthentication, type ClientAuthAttempt } from './client-auth-limit.ts';
import { normalizeAuthorizationBody, normalizeAuthorizationQuery, normalizeClientRequest } from './compat/index.ts';
import { requireClientSecret } from './introspection-client-auth.ts';
import { allowedMethods, oauthPrefix, oauthRoutes } from './routes.ts';

const clientEndpoints = new Set<string>([oauthRoutes.token, oauthRoutes.revocation, oauthRoutes.introspection]);

/** `basicPresented`: whether the client itself used Basic, which decides WWW-Authenticate on a 401 (RFC 6749 5.2). */
export type RawRequest = FastifyRequest['raw'] & { body?: unknown; basicPresented?: boolean };

export interface MountOptions {
  provider: Provider;
  clientAttempts: ClientSecretAttempts;
  /** Production: the authorization steps set Secure cookies, so plain http gets a page instead (web/secure-connection.ts). */
  refusePlainHttp: ((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined;
}

export async function oauthMount(app: FastifyInstance, { provider, clientAttempts, refusePlainHttp }: MountOptions): Promise<void> {
  const callback = provider.callback();
  app.route({
    method: ['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'],
    url: `${oauthPrefix}/*`,
    schema: { hide: true },
    handler: async (request, reply) => {
      const raw = request.raw as RawRequest;
      const [pathPart = '', rawQuery = ''] = (raw.url ?? '').split(/\?(.*)/s);
      const path = pathPart.replace(/\/+$/, '');
      const allowed = allowedMethods(path);
      if (allowed && !allowed.includes(request.method)) return methodNotAllowed(reply, request.method, allowed);
      if (isAuthorizationStep(path) && refusePlainHttp?.(request, reply)) return reply;
      let clientAuth: ClientAuthAttempt | undefined;
      // The compatibility layer refuses with the provider's own errors; the root's error handler answers them (RFC 6749 5.2).
      if (clientEndpoints.has(path) && (request.method === 'GET' || request.method === 'POST')) {
        const { authorization, params } = normalizeClientRequest({ rawQuery, body: request.body, authorization: request.headers.authorization });
        if (path === oauthRoutes.introspection) requireClientSecret(authorization);
        // The legacy GET carries everything in the query: it becomes the POST
        // RFC 6749 asks for, and the query (with its secret) goes no further.
        raw.basicPresented = /^basic\s/i.test(request.headers.authorization ?? '');
        raw.method = 'POST';
        raw.url = path;
        setFormBody(raw, params);
        if (authorization === undefined) delete raw.headers.authorization;
        else raw.headers.authorization = authorization;
        clientAuth = await countClientAuthentication(clientAttempts, authorization);
        if (clientAuth.refused) {
          const { status, retryAfter, body } = clientAuth.refused;
          return reply.code(status).headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'retry-after': String(retryAfter) }).send(body);
        }
      } else if (path === oauthRoutes.authorization) {
        raw.url = `${path}?${normalizeAuthorizationQuery(rawQuery)}`;
        if (request.method === 'POST' && request.body && typeof request.body === 'object') {
          setFormBody(raw, normalizeAuthorizationBody(request.body as Record<string, unknown>));
        }
      } else {
        raw.url = rawQuery ? `${path}?${rawQuery}` : path;
      }
      await drain(raw);
      reply.hijack();
      try {
        await callback(raw, reply.raw);
      } finally {
        if (clientAuth && !clientAuth.refused) await clientAuth.answered(reply.raw.statusCode);
      }
    },
  });
}

/** The browser's steps: the request and its resumption after the sign-in and consent pages. */
function isAuthorizationStep(path: string): boolean {
  return path === oauthRoutes.authorization || path.startsWith(`${oauthRoutes.authorization}/`);
}

/** oidc-provider reads an already-parsed body from `req.body` once the stream has been consumed. */
function setFormBody(raw: RawRequest, params: Record<string, unknown>): void {
  const encoded = new URLSearchParams(params as Record<string, string>).toString();
  raw.body = params;
  raw.headers['content-type'] = 'application/x-www-form-urlencoded';
  raw.headers['content-length'] = String(Buffer.byteLength(encoded));
  delete raw.headers['transfer-encoding'];
}

async function drain(raw: RawRequest): Promise<void> {
  if (!raw.readable) return;
  for await (const _chunk of raw) { /* a body no parser claimed */ }
}

function methodNotAllowed(reply: FastifyReply, method: string, allowed: readonly string[]) {
  return reply.code(405).headers({ allow: allowed.join(', '), 'cache-control': 'no-store', pragma: 'no-cache' })
    .send({ error: 'invalid_request', error_description: `${method} is not allowed here; use ${allowed.filter((item) => item !== 'HEAD' && item !== 'OPTIONS').join(' or ')}.` });
}
