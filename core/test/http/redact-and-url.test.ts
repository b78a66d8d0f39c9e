import { describe, expect, it } from 'vitest';
import { redact, redactText, REDACTED } from '../../src/http/redact.js';
import { assertSafeUrl, isBlockedAddress } from '../../src/http/safe-url.js';

describe('redact', () => {
  it('masks secret-looking keys at any depth and known secret values anywhere', () => {
    const secret = 'sk_live_abcdef123456';
    const out = redact(
      { authorization: 'Bearer x', nested: { api_key: 'k', note: `token is ${secret}` }, list: [{ refresh_token: 'r' }], ok: 'keep' },
      [secret],
    );
    expect(out).toEqual({
      authorization: REDACTED,
      nested: { api_key: REDACTED, note: `token is ${REDACTED}` },
      list: [{ refresh_token: REDACTED }],
      ok: 'keep',
    });
    expect(redactText(`https://hooks.example.com/${secret}/`, [secret])).not.toContain(secret);
  });
});

describe('the SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fc00::1',
    '::ffff:127.0.0.1',
    '100.64.0.1',
  ])('blocks %s', (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('allows %s', (ip) => {
    expect(isBlockedAddress(ip)).toBe(false);
  });
  it.each([
    ['http://hooks.zapier.com/x', 'must use https'],
    ['https://127.0.0.1/x', 'private, loopback'],
    ['https://[::1]/x', 'private, loopback'],
    ['https://169.254.169.254/latest/meta-data', 'private, loopback'],
    ['https://localhost/x', 'local host name'],
    ['https://user:pw@example.com/', 'user name or password'],
    ['ftp://example.com/', 'must use https'],
    ['not a url', 'not a valid URL'],
  ])('rejects %s naming the field', (url, message) => {
    expect(() => assertSafeUrl(url, 'webhook_url', false)).toThrowError(new RegExp(`webhook_url: .*${message.replace(/[()]/g, '.')}`));
  });
  it('accepts a public https URL, and loopback http only when private URLs are allowed', () => {
    expect(assertSafeUrl('https://hooks.zapier.com/hooks/catch/1/a/', 'u', false).hostname).toBe('hooks.zapier.com');
    expect(() => assertSafeUrl('http://127.0.0.1:9/x', 'u', false)).toThrow();
    expect(assertSafeUrl('http://127.0.0.1:9/x', 'u', true).port).toBe('9');
  });
});
