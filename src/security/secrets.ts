// Secrets we hand out (client secrets, session ids) and look up later are
// high-entropy, so a plain SHA-256 is the right storage form: fast on every
// request and useless to whoever reads the database.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * A secret made only of `[A-Za-z0-9_-]`, so clients that forget to form-encode it still work.
 * Never one that starts with `-`: it is pasted after `--secret` on command lines, where a
 * leading dash reads as an option (one draw in 64 did).
 */
export function generateSecret(bytes = 32): string {
  for (;;) {
    const secret = randomBytes(bytes).toString('base64url');
    if (!secret.startsWith('-')) return secret;
  }
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

export function secretMatches(value: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(value));
  const expected = Buffer.from(storedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function randomDigits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i += 1) out += String(randomInt(10));
  return out;
}
