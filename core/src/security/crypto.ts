import { createCipheriv, createDecipheriv, createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** An encrypted value as stored: key id, IV, auth tag and ciphertext, all base64. */
export interface Sealed {
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/** AES-256-GCM keys by id; the first is used to seal, all are tried to open (key rotation). */
export class Keyring {
  private readonly keys = new Map<string, Buffer>();
  readonly currentId: string;

  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('a keyring needs at least one key');
    for (const key of keys) {
      if (key.length !== 32) throw new Error('HUB_SECRET_KEY must be 32 bytes, base64-encoded');
      this.keys.set(keyId(key), key);
    }
    this.currentId = keyId(keys[0]);
  }

  /** Encrypts a JSON-serialisable value. */
  seal(value: unknown): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return { kid: this.currentId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  /** Decrypts a sealed value; throws when the key is unknown or the data was tampered with. */
  open<T = unknown>(sealed: Sealed): T {
    const key = this.keys.get(sealed.kid);
    if (!key) throw new Error(`no key with id ${sealed.kid}: was HUB_SECRET_KEY changed without keeping the old key?`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as T;
  }
}

/** A short, non-secret id for a key: the first bytes of its SHA-256. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Hashes a high-entropy secret (tenant API keys, webhook secrets) for storage and lookup. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Compares two strings in constant time (for secrets and signatures). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab); // keep the time spent independent of where the strings differ
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** A random URL-safe token with a readable prefix, e.g. `hub_live_…`. */
export function randomToken(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
