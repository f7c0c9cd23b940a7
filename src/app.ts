// Composition root: builds the store, services, provider and the Fastify app.
// Tests call the same function; nothing here is a module-level singleton.
import Fastify, { type FastifyInstance } from 'fastify';
import { errorHandler } from './errors/handler.ts';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { securityHeaders } from './security/security-headers.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import type { DestinationStream } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config.ts';
import { ManualClock, systemClock, type Clock } from './clock.ts';
import { guestMailJob } from './access/guests/mail-job.ts';
import { overstayJob } from './access/enforcer/overstay.ts';
import { createJobs, type Jobs } from './jobs.ts';
import { lprRetentionJob } from './access/lpr-retention.ts';
import { sandboxClockRoute } from './sandbox/clock-route.ts';
import { sandboxPlateReadRoute } from './sandbox/plate-read-route.ts';
import { DomainError } from './access/errors.ts';
import { resourceApi, apiPrefixes } from './api/index.ts';
import { webhookEndpointsApi, webhooksPrefix } from './api/webhook-endpoints.ts';
import { healthRoutes } from './health.ts';
import { createRateLimits } from './security/rate-limits.ts';
import { clientSecretAttempts } from './access/client-secret-throttle.ts';
import { startDeviceSide } from './devices/device-side.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';
import { webhookDocs } from './events/openapi.ts';
import { describeClient } from './oauth/clients.ts';
import { startSandboxControllers } from './devices/simulator/sandbox.ts';
import { bearerVerifier } from './oauth/bearer.ts';
import { interactions } from './oauth/interactions.ts';
import { authorizationServerMetadata } from './oauth/metadata.ts';
import { oauthMount } from './oauth/mount.ts';
import { buildProvider } from './oauth/provider.ts';
import { startHousekeeping } from './housekeeping.ts';
import { startOpenDoorAlerts } from './access/open-door-alerts.ts';
import { doorSide } from './access/door-side.ts';
import { startOverdueMoves } from './overdue-moves.ts';
import { metadataPath } from './oauth/routes.ts';
import { seedSandbox, sandboxPresence } from './sandbox/seed.ts';
import { createBox, deriveKey } from './security/encryption.ts';
import type { Database } from './store/database.ts';
import { openDatabase, type Engine } from './store/dialect.ts';
import { migrateToLatest } from './store/migrate.ts';
import { oauthErrorPage } from './web/error-page.ts';
import { webPages } from './web/index.ts';
import { endBrowserSessionsOf } from './oauth/browser-sessions.ts';
import { plainHttpRefusal } from './web/secure-connection.ts';
import { createLogger } from './logging.ts';
import { fallbackHandlers } from './fallback-answers.ts';
import { mailboxMailer } from './mail/mailbox.ts';
import { unconfiguredMailer } from './mail/mailer.ts';
import { smtpMailer } from './mail/smtp.ts';

export interface App {
  server: FastifyInstance;
  db: Kysely<Database>;
  engine: Engine;
  provider: Provider;
  config: Config;
  /** Domain time; a ManualClock when PARQEX_CLOCK=manual. */
  clock: Clock;
  jobs: Jobs;
  /** Where controllers connect. */
  brokerUrl: string;
  /** The platform's sign-in on the embedded broker: benchmarks measure a bare round trip on it. */
  brokerPlatformLogin: { username: string; password: string } | undefined;
  close(): Promise<void>;
}

/** A hop count becomes the function Fastify's types expect. */
function trustProxyOption(value: Config['trustProxy']) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}

export interface BuildOptions {
  /** Where logs go (tests capture them to prove no secret is written). */
  logStream?: DestinationStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Domain time for routes and pages: what they pass to access/ as `at`. */
    clock: Clock;
  }
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const log = createLogger(config.logLevel, options.logStream);
  const clock = config.clock.kind === 'manual' ? new ManualClock(config.clock.start) : systemClock;
  const { db, engine } = openDatabase({
    ...config,
    onIdleConnectionError: (error) => log.warn({ err: error }, 'an idle database connection failed; it was discarded'),
  });
  const box = createBox(config.secrets.encryptionKey);
  const settings = { db, box, pinKey: deriveKey(config.secrets.encryptionKey, 'pin lookup'), clock };
  try {
    await migrateToLatest(db, engine);
    const rules = { apiHost: new URL(config.publicUrl).hostname, production: config.env === 'production' };
    if (config.env === 'production') {
      const present = await sandboxPresence(db);
      if (present.people > 0 || present.clients > 0) {
        throw new DomainError('invalid', `refusing to start in production: the database holds sandbox data (${present.people} people, ${present.clients} clients) whose passwords are public`);
      }
    }
    if (config.sandbox) await seedSandbox(db, rules, settings);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const secureCookies = config.env === 'production';
  const fallback = fallbackHandlers(config.sandbox);
  const server = Fastify({
    loggerInstance: log,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: fallback.frameworkErrors,
    clientErrorHandler: fallback.clientError,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });

  const provider = buildProvider({
    issuer: config.publicUrl,
    db,
    box,
    log: server.log,
    trustProxy: config.trustProxy !== false,
    secureCookies,
    cookieKeys: config.secrets.cookieKeys,
    accessTokenTtl: config.oauth.accessTokenTtl,
    refreshTokenIdleTtl: config.oauth.refreshTokenIdleTtl,
    refreshGraceSeconds: config.oauth.refreshGraceSeconds,
    statementTimeoutMs: config.database.statementTimeoutMs,
    renderError: (out) => oauthErrorPage(config.sandbox, out),
  });

  server.decorate('clock', clock);
  // Mail goes over SMTP when SMTP_URL is set; otherwise development keeps it for /dev/mailbox and production cannot send it.
  const devMailbox = !config.mail.smtpUrl && config.env !== 'production';
  const mailer = config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from) : devMailbox ? mailboxMailer(db) : unconfiguredMailer();
  if (!config.mail.smtpUrl && !devMailbox) server.log.warn('SMTP_URL is not set: invitation emails cannot be sent');
  const jobs = createJobs({ db, clock, log: server.log }, [lprRetentionJob(config.lpr), guestMailJob({ box, mailer, publicUrl: config.publicUrl }), overstayJob()]);
  // A JSON Content-Type on a request without a body is harmless (spec 4).
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new DomainError('invalid', 'The request body is not valid JSON.'), undefined);
    }
  });
  // One handler for every scope: each error is answered in the shape of the surface its path belongs to.
  server.setErrorHandler(errorHandler(config.sandbox));
  // Paths no route claims answer in the shape of the surface they were aimed at (the API and webhooks scopes have their own).
  server.setNotFoundHandler(fallback.notFound);
  // Clients are told to send Accept-Encoding: gzip (spec 4); honour it for every body size.
  await server.register(compress, { global: true, threshold: 0, encodings: ['gzip', 'deflate'] });
  await server.register(formbody);
  await server.register(cookie, { secret: [...config.secrets.cookieKeys] });
  server.addHook('onRequest', securityHeaders({
    frameguard: { action: 'deny' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Helmet's default adds 'unsafe-inline' (and any https: stylesheet): the pages use only /assets/parqex.css.
        styleSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Chrome applies form-action to the redirect after consent, which leaves for the client's redirect URI.
        formAction: null,
        // Page scripts are files under /assets/ (enhancements only): never inline.
        scriptSrc: ["'self'"],
      },
    },
    hsts: config.env === 'production',
  }));
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ParqEx API', version: '1.0.0', description: 'The ParqEx resource API. Authorize with OAuth 2.0; see docs/oauth.md.' },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      // The option's types (openapi-types) lack JSON Schema's type "null", which OpenAPI 3.1
      // allows; the document is checked by an OpenAPI 3.1 validator in test/api/openapi.test.ts.
      webhooks: webhookDocs() as never,
    },
  });

  await server.register(healthRoutes, { db });
  server.get(metadataPath, { schema: { tags: ['OAuth'], summary: 'Authorization server metadata (RFC 8414)' } }, async () => authorizationServerMetadata(config.publicUrl));
  if (config.env === 'production' && config.trustProxy === false) {
    server.log.warn('PARQEX_TRUST_PROXY is not set: this server speaks plain http, so in production TLS must end at a proxy it trusts. Set PARQEX_TRUST_PROXY to that proxy (it then reads X-Forwarded-Proto); until then every sign-in and authorization request is refused with a page saying so');
  }
  const refusePlainHttp = secureCookies ? plainHttpRefusal(config.sandbox) : undefined;
  const clientAttempts = clientSecretAttempts(db, config.login);
  await server.register(oauthMount, { provider, clientAttempts, refusePlainHttp });
  // One set of counters for every alias: a prefix is no way around a limit.
  const limits = createRateLimits(config.rateLimits, { warn: (message) => server.log.warn(message), info: (message) => server.log.info(message) });
  // Counting in Redis from the first request; a Redis that is down does not keep the server from starting.
  const redisReady = await Promise.race([limits.ready().then(() => true), sleep(2000).then(() => false)]);
  if (!redisReady) server.log.warn('Redis did not answer within 2 s: rate limits count per process until it does');
  const devices = await startDeviceSide(config.devices, {
    db,
    clock,
    doorSide: (toggle) => doorSide({ toggle, pinKey: settings.pinKey, keypadGuesses: limits.keypadGuesses }),
    log: server.log,
    development: config.env === 'development',
  }).catch(async (error: unknown) => {
    await limits.close();
    await server.close();
    await db.destroy();
    throw error;
  });
  const simulated = config.sandbox && config.devices.simulator ? await startSandboxControllers(devices.brokerUrl, config.devices.simulatorTravelMs) : [];
  const verifyBearer = bearerVerifier(db, box);
  // Applications are held to the per-door limit; people at the door (keypad, plates) are not.
  const apiToggle = { ...devices.toggle, doorLimit: (doorId: string) => limits.consumeDoor(doorId) };
  const enforcer = { db, clock, evidenceDir: config.evidenceDir };
  for (const prefix of apiPrefixes) {
    await server.register(resourceApi, { prefix, db, clock, settings, limits, verifyBearer, mailer, toggle: apiToggle, enforcer, publicUrl: config.publicUrl, documented: prefix === apiPrefixes[0] });
  }
  await server.register(webhookEndpointsApi, { prefix: webhooksPrefix, db, box, production: config.env === 'production', clientAttempts });
  await server.register(webPages, {
    db,
    clock,
    refusePlainHttp,
    interactions: interactions(provider),
    sandbox: config.sandbox,
    secureCookies,
    throttle: config.login,
    devMailbox,
    settings,
    toggle: devices.toggle,
    enforcer,
    identity: {
      db,
      clock,
      mailer,
      publicUrl: config.publicUrl,
      mailRequests: limits.mailRequests,
      endBrowserSessions: (personId: string) => endBrowserSessionsOf(db, box, personId),
    },
    developers: { rules: { apiHost: new URL(config.publicUrl).hostname, production: config.env === 'production' }, box },
  });
  if (config.env === 'development' && clock instanceof ManualClock) await server.register(sandboxClockRoute, { clock, jobs });
  if (config.env === 'development' && simulated.length > 0) await server.register(sandboxPlateReadRoute, { controllers: simulated });
  server.get('/openapi.json', { schema: { hide: true } }, async () => server.swagger());
  // The reference UI runs its own scripts: its routes carry their own CSP instead of the pages' script-src 'self'.
  await server.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { url: '/openapi.json' } as never });

  const housekeeping = startHousekeeping({ db, log: server.log, refreshGraceSeconds: config.oauth.refreshGraceSeconds });
  // Every process sweeps; the claim lets one of them announce each opening.
  const doorAlerts = startOpenDoorAlerts({ db, log: server.log, intervalMs: config.devices.doorAlertIntervalMs });
  // Every process sweeps; the move's own state lets one of them fail each.
  const overdueMoves = startOverdueMoves({ db, clock, log: server.log, travelDeadlineMs: config.devices.travelDeadlineMs });
  const dispatcher = new WebhookDispatcher({
    db,
    box,
    clock,
    skipLocked: engine === 'postgres',
    production: config.env === 'production',
    log: server.log,
    onDisabled: async (endpoint) => {
      const client = await describeClient(db, endpoint.client_id);
      server.log.warn({ endpoint: endpoint.id, client: endpoint.client_id }, 'webhook endpoint disabled after failing for days');
      if (client?.contact_email) {
        await mailer.send({ to: client.contact_email, subject: 'ParqEx webhook endpoint disabled', text: `Your endpoint ${endpoint.url} for ${client.name} failed for days and was disabled. Fix it, then enable it again with \`parqex webhooks enable\` or the webhooks API.` }).catch(() => undefined);
      }
    },
  });
  if (config.webhooks.dispatch) dispatcher.start(config.webhooks.intervalMs);
  jobs.start();
  return {
    server,
    db,
    engine,
    provider,
    config,
    clock,
    jobs,
    brokerUrl: devices.brokerUrl,
    brokerPlatformLogin: devices.platformLogin,
    async close() {
      housekeeping.stop();
      await jobs.stop();
      await doorAlerts.stop();
      await overdueMoves.stop();
      await dispatcher.stop();
      await server.close();
      await limits.close();
      await Promise.all(simulated.map((controller) => controller.stop()));
      await devices.close();
      await db.destroy();
    },
  };
}
