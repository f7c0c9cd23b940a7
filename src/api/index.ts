// The resource API (spec 4): bearer hook, error and not-found handlers, and one
// line per route. Registered once per documented prefix; no route is copied.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { DomainError } from '../access/errors.ts';
import type { BearerVerifier } from '../oauth/bearer.ts';
import type { Database } from '../store/database.ts';
import type { SettingsDeps } from '../access/settings.ts';
import type { RateLimits } from '../security/rate-limits.ts';
import type { ToggleDeps } from '../access/toggle-door.ts';
import { toggleRoutes } from './routes/toggle.ts';
import { sendToggleError, usesToggleEnvelope } from './toggle-envelope.ts';
import { syncRoutes } from './routes/sync.ts';
import { toggleHistoryRoute } from './routes/toggle-history.ts';
import { settingsRoute } from './routes/settings.ts';
import { bearerAuth } from './auth.ts';
import { sendErrors, sendUnavailable, statusFor, unexpectedMessage, validationMessage } from './errors.ts';
import { storeFailure } from '../store/unavailable.ts';
import { userInfoRoute } from './routes/user-info.ts';
import { inviteRoutes } from './routes/invite.ts';
import type { Mailer } from '../mail/mailer.ts';

export interface ApiDeps {
  db: Kysely<Database>;
  /** Domain time: the instant access rules are asked about. */
  clock: Clock;
  verifyBearer: BearerVerifier;
  settings: SettingsDeps;
  /** Invitations: mail and the origin of its links. */
  mailer: Mailer;
  publicUrl: string;
  limits: RateLimits;
  toggle: ToggleDeps;
}

export interface ApiOptions extends ApiDeps {
  /** The aliases answer the same routes but stay out of the OpenAPI document. */
  documented: boolean;
}

export const apiPrefixes = ['/oauth/v1/endpoints', '/api/oauth/v1/endpoints', '/oauth/v1/endpoint', '/api/oauth/v1/endpoint'];

/** Known paths and their methods, for 405 answers. */
const routeMethods: Record<string, string[]> = {
  'user-info': ['GET', 'POST'],
  sync: ['GET', 'POST'],
  'toggle-history': ['GET'],
  toggle: ['POST'],
  invite: ['POST', 'DELETE'],
};

export async function resourceApi(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { documented: _documented, prefix: _prefix, ...deps } = options as ApiOptions & { prefix?: string };
  if (!options.documented) {
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
  }
  app.decorateRequest('principal', null);
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]!.replace(/\/+$/, '').split('/').pop() ?? '';
    const methods = routeMethods[path];
    if (methods && !methods.includes(request.method)) {
      reply.header('allow', methods.join(', '));
      return sendErrors(reply, 405, `${request.method} is not allowed here; use ${methods.join(' or ')}.`);
    }
    return sendErrors(reply, 404, 'Not found.');
  });

  // One handler; the route picks the envelope (toggle has its own, spec 4).
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const send = (status: number, message: string, doorName?: string) => (usesToggleEnvelope(request)
      ? sendToggleError(reply, status, doorName, message)
      : sendErrors(reply, status, message));
    if (error instanceof DomainError) {
      if (error.retryAfter) reply.header('retry-after', String(error.retryAfter));
      if (error.scope) reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${error.scope}"`);
      return send(statusFor[error.code], error.message, error.doorName);
    }
    if (error.validation) return send(400, validationMessage(error));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const messages: Record<number, string> = { 413: 'The request body is too large.', 415: 'Send JSON (Content-Type: application/json).' };
      return send(error.statusCode === 413 || error.statusCode === 415 ? error.statusCode : 400, messages[error.statusCode] ?? 'Malformed request.');
    }
    const failure = storeFailure(error);
    if (failure) return sendUnavailable(request, reply, failure, error, send);
    request.log.error({ err: error }, 'api request failed');
    return send(500, unexpectedMessage);
  });

  await app.register(async (authenticated) => {
    authenticated.addHook('onRequest', bearerAuth(deps.verifyBearer, deps.db, deps.limits));
    await authenticated.register(userInfoRoute, deps);
    await authenticated.register(inviteRoutes, deps);
    await authenticated.register(settingsRoute, deps);
    await authenticated.register(syncRoutes, deps);
    await authenticated.register(toggleHistoryRoute, deps);
    await authenticated.register(toggleRoutes, deps);
  });
}
