import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSecret } from '../../src/security/secrets.ts';

describe('generated secrets', () => {
  it('are 43 URL-safe characters for 32 bytes, all different', () => {
    const secrets = Array.from({ length: 200 }, () => generateSecret());
    for (const secret of secrets) assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(new Set(secrets).size, secrets.length);
  });

  it('never start with a dash, so `--secret <value>` on a command line is not read as an option', () => {
    // One base64url draw in 64 starts with "-": 3,000 draws without the rule all miss it with odds of 1e-21.
    const leading = Array.from({ length: 3000 }, () => generateSecret(8)[0]);
    assert.ok(!leading.includes('-'));
    assert.ok(leading.includes('_'), 'the other 63 first characters are still drawn');
  });
});
