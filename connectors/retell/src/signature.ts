/** Retell's webhook signature: `x-retell-signature: v=<ms timestamp>,d=<hex HMAC-SHA256(api key, body + timestamp)>`. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Retell's documented window: a signature more than five minutes off is rejected. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** Why a signature was refused; the reason is safe to show (it never echoes the key or digest). */
export type SignatureVerdict = { ok: true; timestampMs: number } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

const HEADER = /^v=(\d{10,16}),d=([0-9a-fA-F]{64})$/;

/** Signs a body the way Retell does (for tests and the simulator's counterpart). */
export function signRetellPayload(apiKey: string, rawBody: string, timestampMs: number): string {
  return `v=${timestampMs},d=${createHmac('sha256', apiKey)
    .update(rawBody + String(timestampMs))
    .digest('hex')}`;
}

/**
 * Checks `x-retell-signature` over the raw body exactly as received (a re-serialised JSON body would
 * not match). The digest comparison is constant-time; the timestamp check comes first because it
 * needs no secret.
 */
export function verifyRetellSignature(
  rawBody: string,
  header: string | undefined,
  apiKey: string,
  now = Date.now(),
  toleranceMs = SIGNATURE_TOLERANCE_MS,
): SignatureVerdict {
  if (!header) return { ok: false, reason: 'missing' };
  const m = HEADER.exec(header.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const timestampMs = Number(m[1]);
  if (!Number.isSafeInteger(timestampMs) || Math.abs(now - timestampMs) > toleranceMs) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', apiKey)
    .update(rawBody + m[1])
    .digest();
  const given = Buffer.from(m[2], 'hex');
  // Both are 32 bytes here (the pattern fixes 64 hex digits), so timingSafeEqual never throws.
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true, timestampMs }
    : { ok: false, reason: 'mismatch' };
}
