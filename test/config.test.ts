import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

const cookieSecret = 'c'.repeat(40);
const encryptionKey = randomBytes(32).toString('base64');

function tempDataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Production settings that pass, so each test changes only what it is about. */
function productionEnv(t: TestContext, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PARQEX_ENV: 'production',
    PARQEX_PUBLIC_URL: 'https://api.example.com',
    PARQEX_DATA_DIR: tempDataDir(t),
    PARQEX_COOKIE_SECRETS: cookieSecret,
    PARQEX_ENCRYPTION_KEY: encryptionKey,
    ...overrides,
  };
}

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loadConfig to throw a ConfigError');
}

function problemFor(error: ConfigError, variable: string): string {
  const problem = error.problems.find((p) => p.startsWith(`${variable}:`));
  assert.ok(problem, `no problem names ${variable}; problems: ${JSON.stringify(error.problems)}`);
  return problem;
}

describe('loadConfig', () => {
  describe('in development', () => {
    it('defaults to 127.0.0.1:3000, http://localhost:3000, the sandbox, a 60 s grace and one-hour access tokens', (t) => {
      const dataDir = tempDataDir(t);
      const config = loadConfig({ PARQEX_DATA_DIR: dataDir });
      assert.equal(config.env, 'development');
      assert.equal(config.host, '127.0.0.1');
      assert.equal(config.port, 3000);
      assert.equal(config.publicUrl, 'http://localhost:3000');
      assert.equal(config.sandbox, true);
      assert.equal(config.trustProxy, false);
      assert.equal(config.databaseUrl, undefined);
      assert.equal(config.dataDir, dataDir);
      assert.equal(config.sqlitePath, join(dataDir, 'parqex.sqlite'));
      assert.equal(config.logLevel, 'info');
      assert.equal(config.oauth.refreshGraceSeconds, 60);
      assert.equal(config.oauth.accessTokenTtl, 3600);
      assert.equal(config.oauth.refreshTokenIdleTtl, 90 * 86400);
    });

    it('derives the default public URL from PORT', (t) => {
      const config = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PORT: '8081' });
      assert.equal(config.port, 8081);
      assert.equal(config.publicUrl, 'http://localhost:8081');
    });

    it('treats an empty DATABASE_URL as unset and uses SQLite', (t) => {
      const config = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), DATABASE_URL: '' });
      assert.equal(config.databaseUrl, undefined);
    });

    it('generates secrets into secrets.json with mode 0600 and reuses them on the next load', (t) => {
      const dataDir = tempDataDir(t);
      const file = join(dataDir, 'secrets.json');
      assert.equal(existsSync(file), false);

      const first = loadConfig({ PARQEX_DATA_DIR: dataDir });
      assert.ok(existsSync(file), 'secrets.json was created in the data dir');
      if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { cookieSecret: string; encryptionKey: string };
      assert.deepEqual(first.secrets.cookieKeys, [stored.cookieSecret]);
      assert.ok(stored.cookieSecret.length >= 32);
      assert.equal(first.secrets.encryptionKey.length, 32);
      assert.equal(first.secrets.encryptionKey.toString('base64'), stored.encryptionKey);

      const second = loadConfig({ PARQEX_DATA_DIR: dataDir });
      assert.deepEqual(second.secrets.cookieKeys, first.secrets.cookieKeys);
      assert.ok(second.secrets.encryptionKey.equals(first.secrets.encryptionKey));
      assert.equal(readFileSync(file, 'utf8'), JSON.stringify(stored));
    });

    it('uses the secrets from the environment when both are set and writes no secrets.json', (t) => {
      const dataDir = tempDataDir(t);
      const config = loadConfig({ PARQEX_DATA_DIR: dataDir, PARQEX_COOKIE_SECRETS: `${cookieSecret}, ${'o'.repeat(32)}`, PARQEX_ENCRYPTION_KEY: encryptionKey });
      assert.deepEqual(config.secrets.cookieKeys, [cookieSecret, 'o'.repeat(32)]);
      assert.equal(config.secrets.encryptionKey.toString('base64'), encryptionKey);
      assert.equal(existsSync(join(dataDir, 'secrets.json')), false);
    });
  });

  describe('in production', () => {
    it('refuses to start without PARQEX_COOKIE_SECRETS and PARQEX_ENCRYPTION_KEY, naming both', (t) => {
      const error = configError(() => loadConfig(productionEnv(t, { PARQEX_COOKIE_SECRETS: undefined, PARQEX_ENCRYPTION_KEY: undefined })));
      assert.match(problemFor(error, 'PARQEX_COOKIE_SECRETS'), /required in production/);
      assert.match(problemFor(error, 'PARQEX_ENCRYPTION_KEY'), /required in production/);
      assert.equal(error.problems.length, 2);
      assert.match(error.message, /^Invalid configuration:\n  - PARQEX_COOKIE_SECRETS: .*\n  - PARQEX_ENCRYPTION_KEY: /);
    });

    it('names only the missing secret when the other is set', (t) => {
      const error = configError(() => loadConfig(productionEnv(t, { PARQEX_ENCRYPTION_KEY: '' })));
      assert.deepEqual(error.problems.map((p) => p.split(':')[0]), ['PARQEX_ENCRYPTION_KEY']);
    });

    it('never generates a secrets.json', (t) => {
      const env = productionEnv(t, { PARQEX_COOKIE_SECRETS: undefined, PARQEX_ENCRYPTION_KEY: undefined });
      configError(() => loadConfig(env));
      assert.equal(existsSync(join(env.PARQEX_DATA_DIR!, 'secrets.json')), false);
    });

    it('refuses an http PARQEX_PUBLIC_URL', (t) => {
      const error = configError(() => loadConfig(productionEnv(t, { PARQEX_PUBLIC_URL: 'http://api.example.com' })));
      assert.equal(problemFor(error, 'PARQEX_PUBLIC_URL'), 'PARQEX_PUBLIC_URL: must use https in production');
    });

    it('refuses the default public URL, which is http', (t) => {
      const error = configError(() => loadConfig(productionEnv(t, { PARQEX_PUBLIC_URL: undefined })));
      assert.equal(problemFor(error, 'PARQEX_PUBLIC_URL'), 'PARQEX_PUBLIC_URL: must use https in production');
    });

    it('refuses PARQEX_SANDBOX=true', (t) => {
      const error = configError(() => loadConfig(productionEnv(t, { PARQEX_SANDBOX: 'true' })));
      assert.equal(problemFor(error, 'PARQEX_SANDBOX'), 'PARQEX_SANDBOX: the sandbox cannot run in production');
    });

    it('defaults host to 0.0.0.0 and the sandbox to off', (t) => {
      const config = loadConfig(productionEnv(t));
      assert.equal(config.env, 'production');
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.sandbox, false);
      assert.equal(config.publicUrl, 'https://api.example.com');
      assert.deepEqual(config.secrets.cookieKeys, [cookieSecret]);
    });
  });

  describe('PARQEX_PUBLIC_URL', () => {
    for (const url of ['https://api.example.com/parqex', 'https://api.example.com/?x=1', 'https://api.example.com/#top', 'api.example.com', 'ftp://api.example.com']) {
      it(`refuses ${url}`, (t) => {
        const error = configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_PUBLIC_URL: url }));
        problemFor(error, 'PARQEX_PUBLIC_URL');
      });
    }

    it('accepts an origin with a port and a trailing slash, and returns the bare origin', (t) => {
      const config = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_PUBLIC_URL: 'http://parqex.test:8443/' });
      assert.equal(config.publicUrl, 'http://parqex.test:8443');
    });
  });

  it('lists every bad value in one ConfigError', (t) => {
    const error = configError(() => loadConfig({
      PARQEX_DATA_DIR: tempDataDir(t),
      PORT: 'abc',
      PARQEX_ENV: 'staging',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    }));
    assert.match(problemFor(error, 'PORT'), /^PORT: must be a whole number from 0 to 65535$/);
    assert.match(problemFor(error, 'PARQEX_ENV'), /must be "development" or "production"/);
    assert.match(problemFor(error, 'LOG_LEVEL'), /must be one of fatal, error, warn, info, debug, trace, silent/);
    assert.match(problemFor(error, 'DATABASE_URL'), /must be a postgres:\/\/ or postgresql:\/\/ URL/);
    assert.equal(error.problems.length, 4, JSON.stringify(error.problems));
    for (const problem of error.problems) assert.ok(error.message.includes(`  - ${problem}`));
    assert.ok(!error.message.includes('mysql://x'), 'the message does not echo DATABASE_URL, a secret variable');
  });

  it('refuses out-of-range numbers', (t) => {
    const error = configError(() => loadConfig({
      PARQEX_DATA_DIR: tempDataDir(t),
      PORT: '70000',
      PARQEX_ACCESS_TOKEN_TTL: '59',
      PARQEX_REFRESH_GRACE_SECONDS: '-1',
      PARQEX_SANDBOX: 'maybe',
    }));
    assert.deepEqual(error.problems.map((p) => p.split(':')[0]), ['PORT', 'PARQEX_SANDBOX', 'PARQEX_ACCESS_TOKEN_TTL', 'PARQEX_REFRESH_GRACE_SECONDS']);
  });

  it('gives an acknowledged door move 60 s to be reported unless PARQEX_DOOR_TRAVEL_DEADLINE_MS says otherwise, never below 100 ms', (t) => {
    assert.equal(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) }).devices.travelDeadlineMs, 60_000);
    assert.equal(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_DOOR_TRAVEL_DEADLINE_MS: '90000' }).devices.travelDeadlineMs, 90_000);
    problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_DOOR_TRAVEL_DEADLINE_MS: '50' })), 'PARQEX_DOOR_TRAVEL_DEADLINE_MS');
  });

  it('sweeps for doors left open every 15 s unless PARQEX_DOOR_ALERT_INTERVAL_MS says otherwise, never below 100 ms', (t) => {
    assert.equal(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) }).devices.doorAlertIntervalMs, 15_000);
    assert.equal(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_DOOR_ALERT_INTERVAL_MS: '60000' }).devices.doorAlertIntervalMs, 60_000);
    problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_DOOR_ALERT_INTERVAL_MS: '50' })), 'PARQEX_DOOR_ALERT_INTERVAL_MS');
  });

  it('waits at most 2 s to connect and 5 s for a statement unless PARQEX_DB_CONNECT_TIMEOUT_MS and PARQEX_DB_STATEMENT_TIMEOUT_MS say otherwise, within bounds', (t) => {
    assert.deepEqual(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) }).database, { connectTimeoutMs: 2000, statementTimeoutMs: 5000 });
    assert.deepEqual(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_DB_CONNECT_TIMEOUT_MS: '500', PARQEX_DB_STATEMENT_TIMEOUT_MS: '30000' }).database, { connectTimeoutMs: 500, statementTimeoutMs: 30_000 });
    const error = configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_DB_CONNECT_TIMEOUT_MS: '0', PARQEX_DB_STATEMENT_TIMEOUT_MS: '1e9' }));
    assert.match(problemFor(error, 'PARQEX_DB_CONNECT_TIMEOUT_MS'), /100 to 60000/);
    assert.match(problemFor(error, 'PARQEX_DB_STATEMENT_TIMEOUT_MS'), /100 to 600000/);
  });

  it('limits client-secret failures to 20 per client id and bad bearer tokens to 30 a minute per address unless set otherwise, never below 1', (t) => {
    const defaults = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) });
    assert.equal(defaults.login.maxFailuresPerClient, 20);
    assert.equal(defaults.rateLimits.badTokensPerAddressPerMinute, 30);
    const set = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_CLIENT_AUTH_MAX_FAILURES: '50', PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS: '100' });
    assert.equal(set.login.maxFailuresPerClient, 50);
    assert.equal(set.rateLimits.badTokensPerAddressPerMinute, 100);
    const error = configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_CLIENT_AUTH_MAX_FAILURES: '0', PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS: 'many' }));
    problemFor(error, 'PARQEX_CLIENT_AUTH_MAX_FAILURES');
    problemFor(error, 'PARQEX_RATE_LIMIT_BAD_TOKENS_PER_ADDRESS');
  });

  it('limits MQTT packets to 64 KiB and controllers to 20 messages a second unless told, within bounds', (t) => {
    const defaults = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) }).devices;
    assert.deepEqual([defaults.maxPacketBytes, defaults.controllerMessagesPerSecond], [65_536, 20]);
    const set = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_MQTT_MAX_PACKET_BYTES: '1048576', PARQEX_CONTROLLER_MESSAGES_PER_SECOND: '100' }).devices;
    assert.deepEqual([set.maxPacketBytes, set.controllerMessagesPerSecond], [1_048_576, 100]);
    const error = configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_MQTT_MAX_PACKET_BYTES: '100000000', PARQEX_CONTROLLER_MESSAGES_PER_SECOND: '0' }));
    assert.match(problemFor(error, 'PARQEX_MQTT_MAX_PACKET_BYTES'), /from 16384 to 16777216/);
    assert.match(problemFor(error, 'PARQEX_CONTROLLER_MESSAGES_PER_SECOND'), /from 2 to 10000/);
  });

  it('accepts a postgres DATABASE_URL', (t) => {
    const config = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), DATABASE_URL: 'postgresql://u:p@db:5432/parqex' });
    assert.equal(config.databaseUrl, 'postgresql://u:p@db:5432/parqex');
  });

  describe('PARQEX_TRUST_PROXY', () => {
    const cases: [string, boolean | number | string[]][] = [
      ['true', true],
      ['FALSE', false],
      ['2', 2],
      ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ];
    for (const [raw, expected] of cases) {
      it(`parses ${JSON.stringify(raw)} as ${JSON.stringify(expected)}`, (t) => {
        assert.deepEqual(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_TRUST_PROXY: raw }).trustProxy, expected);
      });
    }
  });

  describe('secrets', () => {
    it('refuses a cookie secret shorter than 32 characters, even as the older one of two', (t) => {
      for (const cookies of ['short', `${cookieSecret},short`]) {
        const error = configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_COOKIE_SECRETS: cookies, PARQEX_ENCRYPTION_KEY: encryptionKey }));
        assert.equal(problemFor(error, 'PARQEX_COOKIE_SECRETS'), 'PARQEX_COOKIE_SECRETS: each secret must be at least 32 characters');
        assert.ok(!error.message.includes('short'), 'the message does not echo the secret');
      }
    });

    it('refuses an encryption key that is not 32 bytes', (t) => {
      for (const key of [randomBytes(16).toString('base64'), randomBytes(33).toString('base64')]) {
        const error = configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_COOKIE_SECRETS: cookieSecret, PARQEX_ENCRYPTION_KEY: key }));
        assert.equal(problemFor(error, 'PARQEX_ENCRYPTION_KEY'), 'PARQEX_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
      }
    });

    it('refuses bad secrets in production too', (t) => {
      const error = configError(() => loadConfig(productionEnv(t, { PARQEX_COOKIE_SECRETS: 'short', PARQEX_ENCRYPTION_KEY: 'AAAA' })));
      assert.deepEqual(error.problems.map((p) => p.split(':')[0]), ['PARQEX_COOKIE_SECRETS', 'PARQEX_ENCRYPTION_KEY']);
    });
  });

  it('returns a frozen config', (t) => {
    const config = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.oauth));
    assert.ok(Object.isFrozen(config.login));
    assert.ok(Object.isFrozen(config.secrets.cookieKeys));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (config.oauth as { accessTokenTtl: number }).accessTokenTtl = 1;
    }, TypeError);
  });
});

describe('loadConfig [reported edge cases]', () => {
  const base = { PARQEX_COOKIE_SECRETS: 'c'.repeat(40), PARQEX_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), PARQEX_DATA_DIR: '/tmp/parqex-config-edge' };
  it('refuses a PARQEX_TRUST_PROXY that is not true, false, a count or addresses', () => {
    assert.throws(() => loadConfig({ ...base, PARQEX_TRUST_PROXY: 'garbage' }), /PARQEX_TRUST_PROXY/);
    assert.throws(() => loadConfig({ ...base, PARQEX_TRUST_PROXY: '10.0.0.0/33' }), /PARQEX_TRUST_PROXY/);
    assert.deepEqual(loadConfig({ ...base, PARQEX_TRUST_PROXY: '::1, 10.0.0.0/8' }).trustProxy, ['::1', '10.0.0.0/8']);
  });
  it('accepts an origin written with upper case or its default port', () => {
    assert.equal(loadConfig({ ...base, PARQEX_PUBLIC_URL: 'https://API.example.com' }).publicUrl, 'https://api.example.com');
    assert.equal(loadConfig({ ...base, PARQEX_PUBLIC_URL: 'https://api.example.com:443/' }).publicUrl, 'https://api.example.com');
  });
  it('freezes the secrets too', () => {
    assert.ok(Object.isFrozen(loadConfig(base).secrets));
  });
});

describe('loadConfig [clock]', () => {
  it('defaults to the system clock', (t) => {
    assert.deepEqual(loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) }).clock, { kind: 'system' });
  });
  it('takes a manual clock with an ISO start in development', (t) => {
    const config = loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-04T22:50:00-05:00' });
    assert.deepEqual(config.clock, { kind: 'manual', start: Date.UTC(2026, 2, 5, 3, 50) });
  });
  it('refuses a manual clock in production', (t) => {
    const error = configError(() => loadConfig(productionEnv(t, { PARQEX_CLOCK: 'manual' })));
    assert.equal(problemFor(error, 'PARQEX_CLOCK'), 'PARQEX_CLOCK: a manual clock cannot run in production');
  });
  it('refuses a start without an offset, a start for the system clock, and an unknown clock', (t) => {
    const dir = tempDataDir(t);
    assert.match(problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: dir, PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-04T22:50:00' })), 'PARQEX_CLOCK_START'), /ISO 8601 instant/);
    assert.match(problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: dir, PARQEX_CLOCK_START: '2026-03-04T22:50:00Z' })), 'PARQEX_CLOCK_START'), /only a manual clock/);
    assert.match(problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: dir, PARQEX_CLOCK: 'fake' })), 'PARQEX_CLOCK'), /"system" or "manual"/);
  });
});

describe('loadConfig [plate read retention]', () => {
  it('keeps reads of no vehicle 30 days and the others 365 by default, or as set', (t) => {
    assert.deepEqual({ ...loadConfig({ PARQEX_DATA_DIR: tempDataDir(t) }).lpr }, { unmatchedDays: 30, retentionDays: 365 });
    assert.deepEqual({ ...loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_LPR_UNMATCHED_DAYS: '7', PARQEX_LPR_RETENTION_DAYS: '90' }).lpr }, { unmatchedDays: 7, retentionDays: 90 });
  });

  it('refuses days out of range, and unmatched reads kept longer than the others', (t) => {
    for (const days of ['0', '3651', '1.5', 'a month']) problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_LPR_UNMATCHED_DAYS: days })), 'PARQEX_LPR_UNMATCHED_DAYS');
    problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_LPR_RETENTION_DAYS: '0' })), 'PARQEX_LPR_RETENTION_DAYS');
    problemFor(configError(() => loadConfig({ PARQEX_DATA_DIR: tempDataDir(t), PARQEX_LPR_UNMATCHED_DAYS: '60', PARQEX_LPR_RETENTION_DAYS: '30' })), 'PARQEX_LPR_UNMATCHED_DAYS');
  });
});
