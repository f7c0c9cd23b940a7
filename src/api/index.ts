// The resource API (spec 4): bearer hook, not-found handler, and one
// line per route. Registered once per documented prefix; no route is copied.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { BearerVerifier } from '../oauth/bearer.ts';
import type { Database } from '../store/database.ts';
import type { SettingsDeps } from '../access/settings.ts';
import type { RateLimits } from '../security/rate-limits.ts';
import type { EnforcerDeps } from '../access/enforcer/common.ts';
import type { ToggleDeps } from '../access/toggle-door.ts';
import { toggleRoutes } from './routes/toggle.ts';
import { syncRoutes } from './routes/sync.ts';
import { toggleHistoryRoute } from './routes/toggle-history.ts';
import { settingsRoute } from './routes/settings.ts';
import { bearerAuth } from './auth.ts';
import { refuseIn } from '../errors/handler.ts';
import { userInfoRoute } from './routes/user-info.ts';
import { inviteRoutes } from './routes/invite.ts';
import { accountRoutes } from './routes/accounts.ts';
import { memberRoutes } from './routes/members.ts';
import { vehicleRoutes } from './routes/vehicles.ts';
import { lprVehiclesRoute } from './routes/lpr-vehicles.ts';
import { enforcementAlertMoveRoutes } from './routes/enforcement-alert-moves.ts';
import { enforcementAlertRoutes } from './routes/enforcement-alerts.ts';
import { enforcementAllowanceRoutes } from './routes/enforcement-allowances.ts';
import { enforcementNoticeEvidenceRoutes } from './routes/enforcement-notice-evidence.ts';
import { enforcementNoticeRemarksRoute } from './routes/enforcement-notice-remarks.ts';
import { enforcementNoticeStatusRoute } from './routes/enforcement-notice-status.ts';
import { enforcementNoticeRoutes } from './routes/enforcement-notices.ts';
import { enforcementPlateSearchRoute } from './routes/enforcement-plate-search.ts';
import { enforcementPlateStatusRoute } from './routes/enforcement-plate-status.ts';
import { enforcementWatchlistRoutes } from './routes/enforcement-watchlist.ts';
import { lprExclusionRoutes } from './routes/lpr-exclusions.ts';
import { lprReaderRoutes } from './routes/lpr-readers.ts';
import { guestPassRoutes } from './routes/guest-passes.ts';
import { guestPassItemRoutes } from './routes/guest-pass.ts';
import { guestLinkRoutes } from './routes/guest-links.ts';
import { lprReadsRoute } from './routes/lpr-reads.ts';
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
  /** The Enforcer's routes: its rules, and where evidence files are kept. */
  enforcer: EnforcerDeps;
}

export interface ApiOptions extends ApiDeps {
  /** The aliases answer the same routes but stay out of the OpenAPI document. */
  documented: boolean;
}

export const apiPrefixes = ['/oauth/v1/endpoints', '/api/oauth/v1/endpoints', '/oauth/v1/endpoint', '/api/oauth/v1/endpoint'];

/** Known route patterns (after the prefix) and their methods, for 405 answers. */
const routeMethods: [RegExp, string[]][] = [
  [/^user-info$/, ['GET', 'POST']],
  [/^sync$/, ['GET', 'POST']],
  [/^toggle-history$/, ['GET']],
  [/^toggle$/, ['POST']],
  [/^invite$/, ['POST', 'DELETE']],
  [/^accounts$/, ['GET']],
  [/^accounts\/[^/]+\/members$/, ['GET']],
  [/^vehicles$/, ['GET', 'POST']],
  [/^vehicles\/[^/]+$/, ['PATCH', 'DELETE']],
  [/^lpr\/vehicles$/, ['GET']],
  [/^lpr\/exclusions\/[^/]+$/, ['PUT', 'DELETE']],
  [/^lpr\/readers$/, ['GET']],
  [/^lpr\/readers\/[^/]+\/[^/]+$/, ['PUT']],
  [/^lpr\/reads$/, ['GET']],
  [/^enforcement\/allowances$/, ['GET', 'POST']],
  [/^enforcement\/allowances\/[^/]+$/, ['PATCH', 'DELETE']],
  [/^enforcement\/watchlist$/, ['GET', 'POST']],
  [/^enforcement\/watchlist\/[^/]+$/, ['DELETE']],
  [/^enforcement\/plate-status$/, ['GET']],
  [/^enforcement\/plate-search$/, ['GET']],
  [/^enforcement\/notices$/, ['GET', 'POST']],
  [/^enforcement\/notices\/[^/]+$/, ['GET']],
  [/^enforcement\/notices\/[^/]+\/(status|remarks|evidence)$/, ['POST']],
  [/^enforcement\/notices\/[^/]+\/evidence\/[^/]+$/, ['GET']],
  [/^enforcement\/alerts$/, ['GET']],
  [/^enforcement\/alerts\/[^/]+$/, ['GET']],
  [/^enforcement\/alerts\/[^/]+\/(accept|reject)$/, ['POST']],
  [/^guest-passes$/, ['GET', 'POST']],
  [/^guest-passes\/[^/]+$/, ['GET', 'PATCH', 'DELETE']],
  [/^guest-passes\/[^/]+\/(send|approve|decline)$/, ['POST']],
  [/^guest-links$/, ['GET', 'POST']],
  [/^guest-links\/[^/]+$/, ['PATCH', 'DELETE']],
];

function methodsOf(url: string): string[] | undefined {
  const path = url.split('?')[0]!.replace(/\/+$/, '');
  const prefix = apiPrefixes.find((candidate) => path.startsWith(`${candidate}/`));
  const rest = prefix ? path.slice(prefix.length + 1) : '';
  return routeMethods.find(([pattern]) => pattern.test(rest))?.[1];
}

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

  // Errors are answered by the root's handler (src/errors/handler.ts); unknown paths and methods here.
  app.setNotFoundHandler(async (request, reply) => {
    const methods = methodsOf(request.url);
    if (methods && !methods.includes(request.method)) {
      reply.header('allow', methods.join(', '));
      return refuseIn('api', reply, { status: 405, message: `${request.method} is not allowed here; use ${methods.join(' or ')}.` });
    }
    return refuseIn('api', reply, { status: 404, message: 'Not found.' });
  });

  await app.register(async (authenticated) => {
    authenticated.addHook('onRequest', bearerAuth(deps.verifyBearer, deps.db, deps.limits));
    await authenticated.register(userInfoRoute, deps);
    await authenticated.register(inviteRoutes, deps);
    await authenticated.register(accountRoutes, deps);
    await authenticated.register(memberRoutes, deps);
    await authenticated.register(vehicleRoutes, deps);
    await authenticated.register(lprVehiclesRoute, deps);
    await authenticated.register(lprExclusionRoutes, deps);
    await authenticated.register(lprReaderRoutes, deps);
    await authenticated.register(lprReadsRoute, deps);
    await authenticated.register(enforcementAllowanceRoutes, deps);
    await authenticated.register(enforcementWatchlistRoutes, deps);
    await authenticated.register(enforcementPlateStatusRoute, deps);
    await authenticated.register(enforcementPlateSearchRoute, deps);
    await authenticated.register(enforcementNoticeRoutes, deps);
    await authenticated.register(enforcementNoticeStatusRoute, deps);
    await authenticated.register(enforcementNoticeRemarksRoute, deps);
    await authenticated.register(enforcementNoticeEvidenceRoutes, deps);
    await authenticated.register(enforcementAlertRoutes, deps);
    await authenticated.register(enforcementAlertMoveRoutes, deps);
    await authenticated.register(guestPassRoutes, deps);
    await authenticated.register(guestPassItemRoutes, deps);
    await authenticated.register(guestLinkRoutes, deps);
    await authenticated.register(settingsRoute, deps);
    await authenticated.register(syncRoutes, deps);
    await authenticated.register(toggleHistoryRoute, deps);
    await authenticated.register(toggleRoutes, deps);
  });
}
