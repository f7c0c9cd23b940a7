// A guest pass's credentials (phase2.md D.1): a link token of 256 random bits
// and an optional keypad PIN. Both are kept sealed, so the issuer sees them
// again, and hashed, so the page and the keypad find the pass by them.
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.ts';
import { claimGuestPin } from '../../store/repositories/guest-passes.ts';
import { generateSecret, hashSecret } from '../../security/secrets.ts';
import type { Box } from '../../security/encryption.ts';
import { pinLookup } from '../settings.ts';

export function newLinkToken(box: Box): { token: string; sealed: string; hash: string } {
  const token = generateSecret(32);
  return { token, sealed: box.seal(token), hash: hashSecret(token) };
}

export function linkTokenHash(token: string): string {
  return hashSecret(token);
}

export function linkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/g/${token}`;
}

/** One digit repeated (1111) or a run up or down (1234, 9876): the first PINs anyone tries. */
export function trivialPin(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((digit, index) => digit - digits[index]!));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

function drawPin(length: number): string {
  for (;;) {
    const pin = Array.from({ length }, () => randomInt(10)).join('');
    if (!trivialPin(pin)) return pin;
  }
}

const pinDraws = 50;

/** Draws PINs until one is free at the account and claims it for the pass (redrawn on collision). */
export async function claimNewPin(db: Kysely<Database>, deps: { box: Box; pinKey: Buffer }, pass: { id: string; account_id: string; issuer_id: string }, length: number): Promise<{ pin: string; sealed: string; lookup: string }> {
  for (let draw = 0; draw < pinDraws; draw += 1) {
    const pin = drawPin(length);
    const lookup = pinLookup(deps.pinKey, pin);
    if (await claimGuestPin(db, pass, lookup)) return { pin, sealed: deps.box.seal(pin), lookup };
  }
  throw new Error(`no free guest PIN of ${length} digits after ${pinDraws} draws`);
}
