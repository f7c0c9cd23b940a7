// The pure rules of guest passes: which PINs are too easy to guess, and what
// status a pass has at an instant (phase2.md D.1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trivialPin } from '../../src/access/guests/credentials.ts';
import { passStatus } from '../../src/access/guests/status.ts';

describe('guest PINs', () => {
  it('refuses one digit repeated and runs up or down, nothing else', () => {
    for (const pin of ['1111', '000000', '1234', '456789', '9876', '3210']) assert.equal(trivialPin(pin), true, pin);
    for (const pin of ['1235', '8642', '1212', '0901', '97531']) assert.equal(trivialPin(pin), false, pin);
  });
});

describe('guest pass status', () => {
  const pass = { state: 'issued' as const, kind: 'window' as const, starts_at: 1000, ends_at: 5000, first_used_at: null };
  it('follows the clock: scheduled, active, expired', () => {
    assert.equal(passStatus(pass, 999), 'scheduled');
    assert.equal(passStatus(pass, 1000), 'active');
    assert.equal(passStatus(pass, 5000), 'expired');
  });
  it('ends a one_time pass 15 minutes after its first use, never past ends_at', () => {
    const used = { ...pass, kind: 'one_time' as const, first_used_at: 2000 };
    assert.equal(passStatus(used, 2000 + 899), 'active');
    assert.equal(passStatus(used, 2000 + 900), 'used');
    assert.equal(passStatus({ ...used, first_used_at: 4800 }, 5000), 'used');
  });
  it('keeps what people decided', () => {
    for (const state of ['pending', 'revoked', 'declined'] as const) assert.equal(passStatus({ ...pass, state }, 2000), state);
  });
});
