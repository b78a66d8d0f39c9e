import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring, hashSecret, keyId, randomToken, safeEqual } from '../../src/security/crypto.js';

describe('Keyring (AES-256-GCM)', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('seals and opens; the sealed form carries no plaintext and a key id', () => {
    const ring = new Keyring([k1]);
    const sealed = ring.seal({ api_key: 'pit-secret-value' });
    expect(JSON.stringify(sealed)).not.toContain('pit-secret-value');
    expect(sealed.kid).toBe(keyId(k1));
    expect(ring.open(sealed)).toEqual({ api_key: 'pit-secret-value' });
    expect(ring.seal('x').iv).not.toBe(ring.seal('x').iv);
  });

  it('detects tampering', () => {
    const ring = new Keyring([k1]);
    const sealed = ring.seal({ a: 1 });
    const data = Buffer.from(sealed.data, 'base64');
    data[0] ^= 1;
    expect(() => ring.open({ ...sealed, data: data.toString('base64') })).toThrow();
  });

  it('rotates: a new first key seals, old keys still open', () => {
    const old = new Keyring([k1]).seal('old secret');
    const rotated = new Keyring([k2, k1]);
    expect(rotated.open(old)).toBe('old secret');
    expect(rotated.seal('new').kid).toBe(keyId(k2));
    expect(() => new Keyring([k2]).open(old)).toThrow(/no key with id/);
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => new Keyring([randomBytes(16)])).toThrow(/32 bytes/);
  });
});

describe('secrets helpers', () => {
  it('compares in constant time and hashes deterministically', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(hashSecret('k')).toBe(hashSecret('k'));
    expect(hashSecret('k')).not.toBe(hashSecret('K'));
    expect(randomToken('hub_sk_')).toMatch(/^hub_sk_[\w-]{32}$/);
  });
});
