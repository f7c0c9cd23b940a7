// Standard Webhooks signatures (https://www.standardwebhooks.com/), computed by the
// reference `standardwebhooks` package so they are byte-identical to what receivers verify:
// HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`, sent as `v1,<base64>`.
// The endpoint's API key (`X-ParqEx-Api-Key`) is a separate header, added by the dispatcher.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32; // the spec allows 24 to 64 random bytes

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new endpoint secret in the `whsec_<base64>` form receivers' libraries accept. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * Headers for one delivery. With several secrets (during rotation) the signature header
 * lists one `v1,<base64>` per secret, space-separated; a receiver holding any one accepts.
 */
export function signDelivery(secrets: string[], id: string, timestamp: Date, body: string): SignatureHeaders {
  if (secrets.length === 0) throw new Error('at least one signing secret is required');
  if (id.length === 0 || id.includes('.')) throw new Error('webhook id must be non-empty and contain no "."');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(' '),
  };
}
