import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { generateSigningSecret, signDelivery } from '../../src/webhooks/signing.ts';

const id = '0123456789ABCDEF0123456789ABCDEF';
const body = JSON.stringify({ id, eventType: 'door1_open', doorState: 'OPEN', eventOccurred: 1638417671 });

/** What docs/webhooks.md shows integrators: verify with node:crypto alone. */
function verifyByHand(secret: string, headers: Record<string, string>, payload: string, nowSeconds: number): boolean {
  const timestamp = Number(headers['webhook-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 5 * 60) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${payload}`;
  const expected = createHmac('sha256', key).update(signed).digest();
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature = ''] = entry.split(',');
    const given = Buffer.from(signature, 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('webhook signing', () => {
  it('generates whsec_ secrets of 32 random bytes that differ each time', () => {
    const a = generateSigningSecret();
    const b = generateSigningSecret();
    assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(a.slice('whsec_'.length), 'base64').length, 32);
    assert.notEqual(a, b);
  });

  it('sends the id, the timestamp in whole seconds and one v1 signature per secret', () => {
    const headers = signDelivery([generateSigningSecret(), generateSigningSecret()], id, new Date(1_700_000_000_999), body);
    assert.equal(headers['webhook-id'], id);
    assert.equal(headers['webhook-timestamp'], '1700000000');
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('matches the Standard Webhooks reference vector', () => {
    const headers = signDelivery(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], 'msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}');
    assert.deepEqual(headers, {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('is accepted by the standardwebhooks verifier [each of two rotation secrets]', () => {
    const [oldSecret, newSecret] = [generateSigningSecret(), generateSigningSecret()];
    const headers = signDelivery([oldSecret, newSecret], id, new Date(), body);
    assert.deepEqual(new Webhook(oldSecret).verify(body, headers), JSON.parse(body));
    assert.deepEqual(new Webhook(newSecret).verify(body, headers), JSON.parse(body));
  });

  it('is refused when the body changed', () => {
    const secret = generateSigningSecret();
    const headers = signDelivery([secret], id, new Date(), body);
    assert.throws(() => new Webhook(secret).verify(body.replace('OPEN', 'CLOSED'), headers), /No matching signature/);
  });

  it('is refused with a different secret', () => {
    const headers = signDelivery([generateSigningSecret()], id, new Date(), body);
    assert.throws(() => new Webhook(generateSigningSecret()).verify(body, headers), /No matching signature/);
  });

  it('is refused when the timestamp is older than 5 minutes [replay]', () => {
    const secret = generateSigningSecret();
    const headers = signDelivery([secret], id, new Date(Date.now() - 6 * 60 * 1000), body);
    assert.throws(() => new Webhook(secret).verify(body, headers), /too old/);
  });

  it('agrees with a hand-written node:crypto verification', () => {
    const [oldSecret, newSecret] = [generateSigningSecret(), generateSigningSecret()];
    const now = new Date();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const headers = { ...signDelivery([oldSecret, newSecret], id, now, body) };
    assert.equal(verifyByHand(oldSecret, headers, body, nowSeconds), true);
    assert.equal(verifyByHand(newSecret, headers, body, nowSeconds), true);
    assert.equal(verifyByHand(generateSigningSecret(), headers, body, nowSeconds), false);
    assert.equal(verifyByHand(oldSecret, headers, `${body} `, nowSeconds), false);
    assert.equal(verifyByHand(oldSecret, headers, body, nowSeconds + 6 * 60), false);
  });

  it('refuses to sign without a secret or with an id containing "."', () => {
    assert.throws(() => signDelivery([], id, new Date(), body), /at least one/);
    assert.throws(() => signDelivery([generateSigningSecret()], 'a.b', new Date(), body), /webhook id/);
  });
});
