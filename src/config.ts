// Every setting, read from the environment once and validated together, so a
// bad deployment fails at start with one message listing every problem.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

export type Environment = 'development' | 'production';

export interface Config {
  readonly env: Environment;
  readonly host: string;
  readonly port: number;
  /** The issuer and the base of every link: an origin, no path. */
  readonly publicUrl: string;
  /** Fastify's `trustProxy`: false, true, a hop count, or a list of addresses/CIDRs. */
  readonly trustProxy: boolean | number | string[];
  readonly dataDir: string;
  /** PostgreSQL when set; otherwise SQLite at `sqlitePath`. */
  readonly databaseUrl: string | undefined;
  readonly sqlitePath: string;
  /** PostgreSQL's timeouts: nothing waits on an unreachable or frozen database for longer. */
  readonly database: {
    /** Connecting, and waiting for a free connection of the pool. */
    readonly connectTimeoutMs: number;
    /** One statement (the server cancels it; the client gives up half a second later). */
    readonly statementTimeoutMs: number;
  };
  readonly sandbox: boolean;
  /** Domain time: the system clock, or (development only) a manual one that moves when told to. */
  readonly clock: { readonly kind: 'system' } | { readonly kind: 'manual'; /** Epoch ms it starts at. */ readonly start: number };
  readonly logLevel: string;
  readonly secrets: {
    /** Newest first; older ones still verify cookies during rotation. */
    readonly cookieKeys: readonly string[];
    /** 32 bytes for AES-256-GCM. */
    readonly encryptionKey: Buffer;
  };
  readonly oauth: {
    readonly accessTokenTtl: number;
    readonly refreshTokenIdleTtl: number;
    readonly refreshGraceSeconds: number;
  };
  readonly devices: {
    /** The embedded broker (when no MQTT_URL): where it listens. */
    readonly mqttHost: string;
    readonly mqttPort: number;
    /** False when MQTT_PORT was left at its default, which development may replace when it is taken. */
    readonly mqttPortExplicit: boolean;
    /** An external broker the platform joins as a privileged client (Mosquitto, EMQX). */
    readonly mqttUrl: string | undefined;
    /** How long a toggle waits for the controller's answer. */
    readonly toggleDeadlineMs: number;
    /** How long an acknowledged door move may take to be reported done before it is failed. */
    readonly travelDeadlineMs: number;
    /** Run the sandbox controllers in the simulator (development). */
    readonly simulator: boolean;
    readonly simulatorTravelMs: number;
    /** How often this process looks for doors left open past their alert time. */
    readonly doorAlertIntervalMs: number;
    /** The largest MQTT packet the embedded broker takes, and the platform's client receives. */
    readonly maxPacketBytes: number;
    /** Messages a controller may send each second; state and presence beyond it are coalesced, events dropped. */
    readonly controllerMessagesPerSecond: number;
  };
  /** Plate reads are kept this many days (phase2.md B.6): reads of no vehicle, the others. */
  readonly lpr: {
    readonly unmatchedDays: number;
    readonly retentionDays: number;
  };
  /** Where parking notices' evidence files are kept (phase2.md C.2); never served without authorization. */
  readonly evidenceDir: string;
  readonly webhooks: {
    /** Deliver webhooks from this process (every process may; none delivers one twice). */
    readonly dispatch: boolean;
    readonly intervalMs: number;
  };
  readonly rateLimits: {
    readonly perTokenPerMinute: number;
    readonly perPersonPerMinute: number;
    readonly perDoorPerMinute: number;
    /** Requests with an unknown, expired or revoked bearer token per client address. */
    readonly badTokensPerAddressPerMinute: number;
    /** Shared counters across processes when set. */
    readonly redisUrl: string | undefined;
  };
  readonly mail: {
    /** smtp:// or smtps://; unset: development keeps mail in the /dev/mailbox, production cannot send mail. */
    readonly smtpUrl: string | undefined;
    readonly from: string;
  };
  readonly login: {
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerAddress: number;
    readonly lockoutSeconds: number;
    /** Failed client authentications per client id (token, revocation, introspection, webhooks API) in the lockout period. */
    readonly maxFailuresPerClient: number;
  };
}

/** Names of the variables whose values must never reach a log. */
export const secretVariables = ['PARQEX_COOKIE_SECRETS', 'PARQEX_ENCRYPTION_KEY', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'MQTT_URL'] as const;

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | Invalid): T => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const parsed = parse(raw);
    if (parsed instanceof Invalid) {
      problems.push(`${name}: ${parsed.message}`);
      return fallback;
    }
    return parsed;
  };

  const envName = read<Environment>('PARQEX_ENV', 'development', (raw) =>
    raw === 'development' || raw === 'production' ? raw : new Invalid('must be "development" or "production"'));
  const production = envName === 'production';

  const port = read('PORT', 3000, (raw) => parseInteger(raw, 0, 65535));
  const host = read('HOST', production ? '0.0.0.0' : '127.0.0.1', (raw) => raw);
  const publicUrl = read('PARQEX_PUBLIC_URL', `http://localhost:${port}`, (raw) => raw);
  const publicUrlProblem = checkPublicUrl(publicUrl, production);
  if (publicUrlProblem) problems.push(`PARQEX_PUBLIC_URL: ${publicUrlProblem}`);

  const trustProxy = read<boolean | number | string[]>('PARQEX_TRUST_PROXY', false, parseTrustProxy);
  const dataDir = resolve(read('PARQEX_DATA_DIR', './data', (raw) => raw));
  const evidenceDir = resolve(read('PARQEX_EVIDENCE_DIR', join(dataDir, 'evidence'), (raw) => raw));
  const databaseUrl = read<string | undefined>('DATABASE_URL', undefined, (raw) =>
    /^postgres(ql)?:\/\//.test(raw) ? raw : new Invalid('must be a postgres:// or postgresql:// URL'));
  const database = {
    connectTimeoutMs: read('PARQEX_DB_CONNECT_TIMEOUT_MS', 2000, (raw) => parseInteger(raw, 100, 60_000)),
    statementTimeoutMs: read('PARQEX_DB_STATEMENT_TIMEOUT_MS', 5000, (raw) => parseInteger(raw, 100, 600_000)),
  };
  const sandbox = read('PARQEX_SANDBOX', !production, parseBoolean);
  if (production && sandbox) problems.push('PARQEX_SANDBOX: the sandbox cannot run in production');

  const clockKind = read<'system' | 'manual'>('PARQEX_CLOCK', 'system', (raw) =>
    raw === 'system' || raw === 'manual' ? raw : new Invalid('must be "system" or "manual"'));
  if (production && clockKind === 'manual') problems.push('PARQEX_CLOCK: a manual clock cannot run in production');
  const clockStart = read<number | undefined>('PARQEX_CLOCK_START', undefined, parseInstant);
  if (clockStart !== undefined && clockKind !== 'manual') problems.push('PARQEX_CLOCK_START: only a manual clock has a start (set PARQEX_CLOCK=manual)');

  const oauth = {
    accessTokenTtl: read('PARQEX_ACCESS_TOKEN_TTL', 3600, (raw) => parseInteger(raw, 60, 86400)),
    refreshTokenIdleTtl: read('PARQEX_REFRESH_TOKEN_IDLE_TTL', 90 * 86400, (raw) => parseInteger(raw, 3600, 3650 * 86400)),
    refreshGraceSeconds: read('PARQEX_REFRESH_GRACE_SECONDS', 60, (raw) => parseInteger(raw, 0, 3600)),
  };
  const login = {
    maxFailuresPerAccount: read('PARQEX_LOGIN_MAX_FAILURES', 5, (raw) => parseInteger(raw, 1, 1000)),
    maxFailuresPerAddress: read('PARQEX_LOGIN_MAX_FAILURES_PER_ADDRESS', 20, (raw) => parseInteger(raw, 1, 100000)),
    lockoutSeconds: read('PARQEX_LOGIN_LOCKOUT_SECONDS', 900, (raw) => parseInteger(raw, 1, 86400)),
    maxFailuresPerClient: read('PARQEX_CLIENT_AUTH_MAX_FAILURES', 20, (raw) => parseInteger(raw, 1, 100000)),
  };
  const devices = {
    mqttHost: read('MQTT_HOST', '127.0.0.1', (raw) => raw),
    mqttPort: read('MQTT_PORT', 1883, (raw) => parseInteger(raw, 0, 65535)),
    mqttPortExplicit: Boolean(env.MQTT_PORT?.trim()),
    mqttUrl: read<string | undefined>('MQTT_URL', undefined, (raw) => (/^mqtts?:\/\//.test(raw) ? raw : new Invalid('must be an mqtt:// or mqtts:// URL'))),
    toggleDeadlineMs: read('PARQEX_TOGGLE_DEADLINE_MS', 8000, (raw) => parseInteger(raw, 100, 120_000)),
    travelDeadlineMs: read('PARQEX_DOOR_TRAVEL_DEADLINE_MS', 60_000, (raw) => parseInteger(raw, 100, 3_600_000)),
    simulator: read('PARQEX_SIMULATOR', !production, parseBoolean),
    simulatorTravelMs: read('PARQEX_SIMULATOR_TRAVEL_MS', 3000, (raw) => parseInteger(raw, 0, 120_000)),
    doorAlertIntervalMs: read('PARQEX_DOOR_ALERT_INTERVAL_MS', 15_000, (raw) => parseInteger(raw, 100, 3_600_000)),
    // A full state report of 100 doors is about 10 KiB.
    maxPacketBytes: read('PARQEX_MQTT_MAX_PACKET_BYTES', 65_536, (raw) => parseInteger(raw, 16_384, 16_777_216)),
    controllerMessagesPerSecond: read('PARQEX_CONTROLLER_MESSAGES_PER_SECOND', 20, (raw) => parseInteger(raw, 2, 10_000)),
  };
  const lpr = {
    unmatchedDays: read('PARQEX_LPR_UNMATCHED_DAYS', 30, (raw) => parseInteger(raw, 1, 3650)),
    retentionDays: read('PARQEX_LPR_RETENTION_DAYS', 365, (raw) => parseInteger(raw, 1, 3650)),
  };
  if (lpr.unmatchedDays > lpr.retentionDays) problems.push('PARQEX_LPR_UNMATCHED_DAYS: must not be more than PARQEX_LPR_RETENTION_DAYS (reads of no vehicle are kept no longer than the others)');
  const webhooks = {
    dispatch: read('PARQEX_WEBHOOKS', true, parseBoolean),
    intervalMs: read('PARQEX_WEBHOOK_INTERVAL_MS', 250, (raw) => parseInteger(raw, 10, 60_000)),
  };
  const rateLimits = {
    perTokenPerMinute: read('PARQEX_RATE_LIMIT_PER_TOKEN', 120, (raw) => parseInteger(raw, 1, 1_000_000)),
    perPersonPerMinute: read('PARQEX_RATE_LIMIT_PER_PERSON', 600, (raw) => parseInteger(raw, 1, 1_000_000)),
    perDoorPerMinute: read('PARQEX_RATE_LIMIT_PER_DOOR', 10, (raw) => parseInteger(raw, 1, 1_000_000)),
    badTokensPerAddressPerMinute: read('PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS', 30, (raw) => parseInteger(raw, 1, 1_000_000)),
    redisUrl: read<string | undefined>('REDIS_URL', undefined, (raw) => (/^rediss?:\/\//.test(raw) ? raw : new Invalid('must be a redis:// or rediss:// URL'))),
  };
  const mail = {
    smtpUrl: read<string | undefined>('SMTP_URL', undefined, parseSmtpUrl),
    from: read('MAIL_FROM', 'ParqEx <no-reply@localhost>', (raw) =>
      /^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(raw) ? raw : new Invalid('must be an address, optionally with a name: ParqEx <no-reply@example.com>')),
  };
  const logLevel = read('LOG_LEVEL', 'info', (raw) =>
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw) ? raw : new Invalid('must be one of fatal, error, warn, info, debug, trace, silent'));

  const secrets = readSecrets(env, production, dataDir, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    env: envName,
    host,
    port,
    publicUrl: new URL(publicUrl).origin,
    trustProxy,
    dataDir,
    databaseUrl,
    sqlitePath: join(dataDir, 'parqex.sqlite'),
    evidenceDir,
    database: Object.freeze(database),
    sandbox,
    // A manual clock without a start begins at the real time the process starts.
    clock: Object.freeze(clockKind === 'manual' ? { kind: 'manual' as const, start: clockStart ?? Date.now() } : { kind: 'system' as const }),
    logLevel,
    secrets: secrets!,
    oauth: Object.freeze(oauth),
    login: Object.freeze(login),
    mail: Object.freeze(mail),
    rateLimits: Object.freeze(rateLimits),
    devices: Object.freeze(devices),
    lpr: Object.freeze(lpr),
    webhooks: Object.freeze(webhooks),
  });
}

class Invalid {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

function parseInteger(raw: string, min: number, max: number): number | Invalid {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) return new Invalid(`must be a whole number from ${min} to ${max}`);
  return value;
}

function parseInstant(raw: string): number | Invalid {
  // An offset is required: an instant without one would depend on the server's zone.
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) ? Date.parse(raw) : NaN;
  return Number.isFinite(ms) ? ms : new Invalid('must be an ISO 8601 instant with Z or an offset, such as 2026-03-04T22:50:00-05:00');
}

function parseSmtpUrl(raw: string): string | Invalid {
  try {
    const url = new URL(raw);
    if ((url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname) return raw;
  } catch {
    // reported below, without echoing the value: it may hold a password
  }
  return new Invalid('must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.com:587');
}

function parseBoolean(raw: string): boolean | Invalid {
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  return new Invalid('must be true or false');
}

function parseTrustProxy(raw: string): boolean | number | string[] | Invalid {
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  return bad.length === 0 ? entries : new Invalid(`must be true, false, a hop count, or addresses/CIDRs; not ${bad.join(', ')}`);
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

function checkPublicUrl(raw: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL such as https://parqex.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use http or https';
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password || /[?#]/.test(raw)) {
    return 'must be an origin (scheme, host and optional port) without a path, query or fragment';
  }
  if (production && url.protocol !== 'https:') return 'must use https in production';
  return undefined;
}

function readSecrets(env: Env, production: boolean, dataDir: string, problems: string[]) {
  let cookieRaw = env.PARQEX_COOKIE_SECRETS?.trim();
  let keyRaw = env.PARQEX_ENCRYPTION_KEY?.trim();
  if ((!cookieRaw || !keyRaw) && production) {
    if (!cookieRaw) problems.push('PARQEX_COOKIE_SECRETS: required in production (comma-separated, each at least 32 characters, newest first)');
    if (!keyRaw) problems.push('PARQEX_ENCRYPTION_KEY: required in production (32 random bytes, base64)');
    return undefined;
  }
  if (!cookieRaw || !keyRaw) {
    const generated = developmentSecrets(dataDir);
    cookieRaw ||= generated.cookieSecret;
    keyRaw ||= generated.encryptionKey;
  }
  const cookieKeys = cookieRaw.split(',').map((key) => key.trim()).filter(Boolean);
  if (cookieKeys.length === 0 || cookieKeys.some((key) => key.length < 32)) {
    problems.push('PARQEX_COOKIE_SECRETS: each secret must be at least 32 characters');
  }
  const encryptionKey = Buffer.from(keyRaw, 'base64');
  if (encryptionKey.length !== 32) problems.push('PARQEX_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  return Object.freeze({ cookieKeys: Object.freeze(cookieKeys), encryptionKey });
}

/** Development keeps generated secrets in the data dir so sessions survive restarts. */
function developmentSecrets(dataDir: string): { cookieSecret: string; encryptionKey: string } {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    cookieSecret: randomBytes(32).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
