import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signRetellBody } from '../sim/index.js';
import { signRetellPayload, verifyRetellSignature, SIGNATURE_TOLERANCE_MS } from '../src/index.js';
import { verifyEvent } from '../src/hooks.js';

const KEY = 'key_test_retell_abc';
const BODY = JSON.stringify({ event: 'call_ended', call: { call_id: 'c1', call_status: 'ended' } });
const NOW = 1_760_000_000_000;

describe('x-retell-signature', () => {
  it('accepts what the simulator signs, and agrees with HMAC-SHA256(key, body + timestamp) from first principles', () => {
    const header = signRetellBody(KEY, BODY, NOW);
    expect(header).toBe(signRetellPayload(KEY, BODY, NOW));
    expect(header).toBe(`v=${NOW},d=${createHmac('sha256', KEY).update(`${BODY}${NOW}`).digest('hex')}`);
    expect(verifyRetellSignature(BODY, header, KEY, NOW + 1000)).toEqual({ ok: true, timestampMs: NOW });
  });

  it('refuses a digest made with another key, and a body changed by one byte', () => {
    expect(verifyRetellSignature(BODY, signRetellPayload('other-key', BODY, NOW), KEY, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyRetellSignature(BODY.replace('ended', 'Ended'), signRetellPayload(KEY, BODY, NOW), KEY, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    // Re-serialised JSON is not the raw body: whitespace alone breaks the digest.
    expect(verifyRetellSignature(JSON.stringify(JSON.parse(BODY), null, 1), signRetellPayload(KEY, BODY, NOW), KEY, NOW).ok).toBe(false);
  });

  it('refuses a timestamp outside the five-minute window, in either direction, even with a right digest', () => {
    const old = signRetellPayload(KEY, BODY, NOW - SIGNATURE_TOLERANCE_MS - 1);
    expect(verifyRetellSignature(BODY, old, KEY, NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyRetellSignature(BODY, signRetellPayload(KEY, BODY, NOW + SIGNATURE_TOLERANCE_MS + 1), KEY, NOW)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyRetellSignature(BODY, signRetellPayload(KEY, BODY, NOW - SIGNATURE_TOLERANCE_MS), KEY, NOW).ok).toBe(true);
  });

  it('refuses a captured delivery replayed after the window', () => {
    const captured = signRetellPayload(KEY, BODY, NOW);
    expect(verifyRetellSignature(BODY, captured, KEY, NOW + 60_000).ok).toBe(true);
    expect(verifyRetellSignature(BODY, captured, KEY, NOW + 6 * 60_000)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses missing and malformed headers without throwing', () => {
    expect(verifyRetellSignature(BODY, undefined, KEY, NOW)).toEqual({ ok: false, reason: 'missing' });
    for (const bad of [
      'garbage',
      `v=${NOW}`,
      `v=${NOW},d=abc`,
      `d=${'a'.repeat(64)},v=${NOW}`,
      `v=x,d=${'a'.repeat(64)}`,
      `v=${NOW},d=${'z'.repeat(64)}`,
    ]) {
      expect(verifyRetellSignature(BODY, bad, KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('the verifyEvent hook reads the header and keys with the api_key credential', async () => {
    const headers = { 'x-retell-signature': signRetellPayload(KEY, BODY, NOW) };
    expect(await verifyEvent({}, { rawBody: BODY, headers, credentials: { api_key: KEY }, now: NOW })).toEqual({ ok: true });
    expect(await verifyEvent({}, { rawBody: BODY, headers, credentials: { api_key: 'nope' }, now: NOW })).toEqual({
      ok: false,
      reason: 'x-retell-signature mismatch',
    });
    expect((await verifyEvent({}, { rawBody: BODY, headers, credentials: {}, now: NOW })).ok).toBe(false);
  });
});
