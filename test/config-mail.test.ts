import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ConfigError, loadConfig, secretVariables } from '../src/config.ts';

function productionEnv(t: TestContext, overrides: Record<string, string | undefined> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://api.example.com', PARQEX_DATA_DIR: dir,
    PARQEX_COOKIE_SECRETS: 'c'.repeat(40), PARQEX_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ...overrides,
  };
}

function problems(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return assert.fail('expected a ConfigError');
}

describe('mail configuration', () => {
  it('defaults to no SMTP and MAIL_FROM "ParqEx <no-reply@localhost>"; production still starts without SMTP_URL', (t) => {
    const config = loadConfig(productionEnv(t));
    assert.equal(config.mail.smtpUrl, undefined);
    assert.equal(config.mail.from, 'ParqEx <no-reply@localhost>');
  });

  it('takes an smtp:// or smtps:// URL, and treats it as a secret', (t) => {
    for (const url of ['smtp://user:pass@mail.example.com:587', 'smtps://mail.example.com']) {
      assert.equal(loadConfig(productionEnv(t, { SMTP_URL: url })).mail.smtpUrl, url);
    }
    assert.ok((secretVariables as readonly string[]).includes('SMTP_URL'));
  });

  it('refuses other URLs without echoing them, and a MAIL_FROM that is no address', (t) => {
    const found = problems(() => loadConfig(productionEnv(t, { SMTP_URL: 'http://user:hunter2@mail.example.com', MAIL_FROM: 'ParqEx' })));
    const smtp = found.find((problem) => problem.startsWith('SMTP_URL:'));
    assert.match(smtp ?? '', /must be an smtp:\/\/ or smtps:\/\/ URL/);
    assert.doesNotMatch(found.join('\n'), /hunter2/);
    assert.ok(found.some((problem) => problem.startsWith('MAIL_FROM:')));
    assert.equal(loadConfig(productionEnv(t, { MAIL_FROM: 'Garage Co <gates@garage.example>' })).mail.from, 'Garage Co <gates@garage.example>');
  });
});
