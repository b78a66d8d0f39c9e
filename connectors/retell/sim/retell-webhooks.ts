/** Signed webhook delivery for the Retell simulator, with the fault knobs the hub's tests need. */
import { createHmac } from 'node:crypto';

/** How a webhook's signature is made: correctly, with a wrong digest, or with a stale timestamp. */
export type SignatureMode = 'valid' | 'bad' | 'stale';

/** The three call events Retell posts, in the order it posts them. */
export type RetellEvent = 'call_started' | 'call_ended' | 'call_analyzed';

/** One delivery attempt, as recorded for tests to inspect. */
export interface WebhookDelivery {
  event: RetellEvent;
  callId: string;
  url: string;
  attempt: number;
  /** HTTP status the receiver answered, or undefined when the request itself failed. */
  status?: number;
  error?: string;
  signature: string;
  body: string;
  at: number;
}

/** Delivery settings shared by every call of one simulator. */
export interface DeliveryOptions {
  apiKey: string;
  /** Attempts per event before giving up; Retell retries a webhook that does not answer 2xx. */
  maxAttempts: number;
  retryDelayMs: number;
  timeoutMs: number;
}

/** How far in the past a 'stale' signature is dated: beyond the documented five-minute window. */
export const STALE_SIGNATURE_AGE_MS = 10 * 60_000;

/**
 * The `x-retell-signature` value: `v=<ms timestamp>,d=<hex>`, where d is HMAC-SHA256 keyed with
 * the API key over the raw body followed by the timestamp.
 */
export function signRetellBody(apiKey: string, body: string, timestampMs: number): string {
  const digest = createHmac('sha256', apiKey)
    .update(body + String(timestampMs))
    .digest('hex');
  return `v=${timestampMs},d=${digest}`;
}

function signatureFor(mode: SignatureMode, apiKey: string, body: string, now: number): string {
  if (mode === 'stale') return signRetellBody(apiKey, body, now - STALE_SIGNATURE_AGE_MS);
  if (mode === 'bad') return signRetellBody(`${apiKey}-wrong`, body, now);
  return signRetellBody(apiKey, body, now);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Posts one event to `url`, retrying on anything but 2xx, and appends every attempt to `log`.
 * Resolves with the last attempt; it never throws, because the call goes on whatever the receiver does.
 */
export async function deliverEvent(
  opts: DeliveryOptions,
  url: string,
  event: RetellEvent,
  payload: Record<string, unknown>,
  mode: SignatureMode,
  log: WebhookDelivery[],
): Promise<WebhookDelivery> {
  const body = JSON.stringify(payload);
  const callId = String((payload.call as { call_id?: string } | undefined)?.call_id ?? '');
  let last: WebhookDelivery | undefined;
  for (let attempt = 1; attempt <= Math.max(1, opts.maxAttempts); attempt++) {
    const signature = signatureFor(mode, opts.apiKey, body, Date.now());
    const record: WebhookDelivery = { event, callId, url, attempt, signature, body, at: Date.now() };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-retell-signature': signature },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    log.push(record);
    last = record;
    if (record.status !== undefined && record.status >= 200 && record.status < 300) break;
    if (attempt < opts.maxAttempts) await sleep(opts.retryDelayMs);
  }
  return last as WebhookDelivery;
}
