import { describe, expect, it } from 'vitest';
import { canonicalJson, idempotencyKey, readPhone, readTrigger } from '../../src/outbound/trigger.js';
import { CALLBACK_TOLERANCE_MS, signCallback, verifyCallback } from '../../src/outbound/callback.js';
import { provablyNotPlaced } from '../../src/outbound/place-call.js';
import { classify } from '../../src/errors/classify.js';
import { statesBefore } from '../../src/outbound/outbound-calls.js';
import { HubError } from '../../src/errors/hub-error.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as HubError).code, field: (err as HubError).field, message: (err as Error).message };
  }
  return undefined;
};

describe('phone numbers', () => {
  it('accepts E.164, with the separators people type, and normalises it', () => {
    expect(readPhone('+14155550123')).toBe('+14155550123');
    expect(readPhone(' +1 (415) 555-0123 ')).toBe('+14155550123');
    expect(readPhone('+44 20 7946 0958')).toBe('+442079460958');
  });

  it('refuses anything else with a 400 naming phone', () => {
    for (const bad of [
      '4155550123',
      '(415) 555-0123',
      '+1415',
      '+999999999999',
      'call me',
      '',
      '   ',
      42,
      null,
      undefined,
      ['+14155550123'],
    ]) {
      expect(
        fieldOf(() => readPhone(bad)),
        String(bad),
      ).toMatchObject({ code: 'HUB_ERR_VALIDATION', field: 'phone' });
    }
    expect(fieldOf(() => readPhone('+1415'))?.message).toMatch(/E\.164.*\+14155550123/);
  });
});

describe('trigger bodies', () => {
  it("reads the original spec's body, GoHighLevel's {phone, name} and customData, and extra scalars as contact data", () => {
    expect(
      readTrigger(
        { phone: '+14079780655', contact_name: 'John Doe', contact_data: { email: 'john@example.com', address: '123 Main St' } },
        false,
      ),
    ).toEqual({
      phone: '+14079780655',
      contactName: 'John Doe',
      contactData: { email: 'john@example.com', address: '123 Main St' },
    });
    expect(
      readTrigger(
        {
          phone: '+14079780655',
          name: 'John',
          contact_id: 'c1',
          customData: { plan: 'gold' },
          email: 'j@x.io',
          tags: ['a'],
          location: { id: 'l' },
        },
        false,
      ),
    ).toEqual({
      phone: '+14079780655',
      contactName: 'John',
      contactId: 'c1',
      contactData: { email: 'j@x.io', plan: 'gold' },
    });
  });

  it('names the field that is wrong', () => {
    expect(fieldOf(() => readTrigger([], false))).toMatchObject({ field: 'body' });
    expect(fieldOf(() => readTrigger({ phone: '+14079780655', contact_data: 'x' }, false))).toMatchObject({ field: 'contact_data' });
    expect(fieldOf(() => readTrigger({ phone: '+14079780655', name: 7 }, false))).toMatchObject({ field: 'name' });
    expect(fieldOf(() => readTrigger({ phone: '+14079780655', contact_data: { blob: 'x'.repeat(20_000) } }, false))).toMatchObject({
      field: 'contact_data',
    });
  });

  it('puts callback_url through the SSRF guard', () => {
    for (const url of [
      'http://example.com/cb',
      'https://127.0.0.1/cb',
      'https://[::1]/cb',
      'https://10.0.0.8/cb',
      'https://169.254.169.254/',
      'https://localhost/cb',
      'https://u:p@example.com/',
    ]) {
      expect(
        fieldOf(() => readTrigger({ phone: '+14079780655', callback_url: url }, false)),
        url,
      ).toMatchObject({ code: 'HUB_ERR_UNSAFE_URL', field: 'callback_url' });
    }
    expect(readTrigger({ phone: '+14079780655', callback_url: 'https://hooks.example.com/cb' }, false).callbackUrl).toBe(
      'https://hooks.example.com/cb',
    );
    expect(readTrigger({ phone: '+14079780655', callback_url: 'http://127.0.0.1:9/cb' }, true).callbackUrl).toBe('http://127.0.0.1:9/cb');
  });
});

describe('idempotency keys', () => {
  const windows = { keyWindowMs: 86_400_000, bodyWindowMs: 600_000 };
  it('hashes the content of the body, not its bytes or key order', () => {
    const a = idempotencyKey(undefined, { phone: '+1', contact_data: { a: 1, b: [1, { c: 2, d: 3 }] } }, windows);
    const b = idempotencyKey(undefined, { contact_data: { b: [1, { d: 3, c: 2 }], a: 1 }, phone: '+1' }, windows);
    expect(a).toEqual(b);
    expect(a.windowMs).toBe(600_000);
    expect(idempotencyKey(undefined, { phone: '+2' }, windows).key).not.toBe(a.key);
    expect(canonicalJson({ b: 1, a: [null, 'x'] })).toBe('{"a":[null,"x"],"b":1}');
  });

  it('prefers the Idempotency-Key header, remembered longer, and checks it', () => {
    expect(idempotencyKey('exec-42', { phone: '+1' }, windows)).toEqual({ key: 'key:exec-42', windowMs: 86_400_000 });
    expect(idempotencyKey('exec-42', { phone: '+2' }, windows).key).toBe('key:exec-42');
    expect(fieldOf(() => idempotencyKey('has space', {}, windows))).toMatchObject({ field: 'headers.idempotency-key' });
    expect(fieldOf(() => idempotencyKey('', {}, windows))).toMatchObject({ field: 'headers.idempotency-key' });
  });
});

describe('outbound call states', () => {
  it('only move forward; provider events may revive a call whose placement outcome was unknown', () => {
    expect(statesBefore('dialing')).toEqual(['queued']);
    expect(statesBefore('in_progress')).toEqual(['queued', 'dialing', 'failed']);
    expect(statesBefore('synced')).not.toContain('synced');
    expect(statesBefore('analyzed')).not.toContain('synced');
    expect(statesBefore('failed')).toEqual(['queued', 'dialing']);
  });

  it('retries a placement only when the answer proves nothing was dialled', () => {
    const http = (
      status: number,
      code: 'HUB_ERR_CRM_TRANSIENT' | 'HUB_ERR_CRM_REJECTED' | 'HUB_ERR_CRM_RATE_LIMITED' = 'HUB_ERR_CRM_TRANSIENT',
    ) => new HubError(code, `retell answered ${status}`, { details: { status } });
    expect(provablyNotPlaced(http(429, 'HUB_ERR_CRM_RATE_LIMITED'))).toBe(true);
    expect(provablyNotPlaced(http(503))).toBe(true);
    const network = (code: string) => {
      const c = classify({ networkError: code });
      return new HubError(c.action === 'retry' ? 'HUB_ERR_CRM_TRANSIENT' : 'HUB_ERR_CRM_REJECTED', `retell: ${c.reason}`, {
        retryable: c.action === 'retry',
        details: { network: code, notSent: c.notSent },
      });
    };
    expect(provablyNotPlaced(network('ECONNREFUSED'))).toBe(true);
    expect(provablyNotPlaced(network('ENOTFOUND'))).toBe(true);
    // The message no longer decides: a refused connection is read from the classification, not the text.
    expect(provablyNotPlaced(new HubError('HUB_ERR_CRM_TRANSIENT', 'retell: network error ECONNREFUSED calling http://x'))).toBe(false);
    expect(provablyNotPlaced(http(500))).toBe(false);
    expect(provablyNotPlaced(http(502))).toBe(false);
    expect(provablyNotPlaced(network('ETIMEDOUT'))).toBe(false);
    expect(provablyNotPlaced(network('ECONNRESET'))).toBe(false);
    // A refused certificate sent nothing either, but it will not change by itself: no retry.
    expect(provablyNotPlaced(network('CERT_HAS_EXPIRED'))).toBe(false);
    expect(provablyNotPlaced(http(422, 'HUB_ERR_CRM_REJECTED'))).toBe(false);
    expect(provablyNotPlaced(new Error('boom'))).toBe(false);
  });
});

describe('callback signatures', () => {
  const secret = 'whsign_test';
  const body = '{"event":"outbound_call.completed"}';
  it('verify with the signing secret over t.body, in a five-minute window', () => {
    const now = Date.now();
    const t = Math.floor(now / 1000);
    const header = signCallback(secret, body, t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyCallback(secret, body, header, now)).toBe(true);
    expect(verifyCallback('other', body, header, now)).toBe(false);
    expect(verifyCallback(secret, `${body} `, header, now)).toBe(false);
    expect(verifyCallback(secret, body, header, now + CALLBACK_TOLERANCE_MS + 1000)).toBe(false);
    expect(verifyCallback(secret, body, undefined, now)).toBe(false);
    expect(verifyCallback(secret, body, 'v1=abc', now)).toBe(false);
  });
});
