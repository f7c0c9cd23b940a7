// AES-256-GCM for what must be read back (keypad PINs, webhook signing secrets,
// token payloads). The output is self-describing so the key can be rotated later.
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface Box {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function createBox(rawKey: Buffer): Box {
  if (rawKey.length !== 32) throw new Error('encryption key must be 32 bytes');
  // Imported once: a raw Buffer would be turned into a key object on every call (token payloads are opened per request).
  const key = createSecretKey(rawKey);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unrecognized sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** A separate key per purpose, derived from the one configured key (HKDF). */
export function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `parqex ${purpose}`, 32));
}
