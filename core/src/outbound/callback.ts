import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConnectorHttp } from '../http/client.js';
import { RateLimiter } from '../http/limiter.js';
import { noneStrategy } from '../auth/static-strategies.js';
import { HubError, isHubError } from '../errors/hub-error.js';
import { IDEMPOTENCY_HEADER } from '../engine/runtime.js';
import type { JobDoc } from '../store/repos/documents.js';
import type { OutboundService } from './outbound-service.js';
import type { HubServices } from '../services.js';
import type { OutboundCallDoc } from './documents.js';

/** The header a callback's signature travels in. */
export const CALLBACK_SIGNATURE_HEADER = 'x-hub-signature';
/** How far a receiver should accept a callback's timestamp from its own clock. */
export const CALLBACK_TOLERANCE_MS = 5 * 60_000;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>`, the value of X-Hub-Signature. */
export function signCallback(signingSecret: string, rawBody: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${createHmac('sha256', signingSecret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}

/** What a receiver does with X-Hub-Signature: recompute, compare in constant time, check the clock. */
export function verifyCallback(signingSecret: string, rawBody: string, header: string | undefined, now = Date.now()): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m || Math.abs(now - Number(m[1]) * 1000) > CALLBACK_TOLERANCE_MS) return false;
  const expected = createHmac('sha256', signingSecret).update(`${m[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}

/** A signed event to a tenant's URL: the body, where it goes, the secret it is signed with. */
export interface SignedDelivery {
  url: string;
  secret: string;
  event: string;
  /** the same on every retry of one delivery, so a receiver can drop repeats */
  deliveryId: string;
  /** whose requests these are, for the HTTP client's bookkeeping */
  connectionId: string;
  payload: Record<string, unknown>;
}

/**
 * POSTs an event signed with X-Hub-Signature, its delivery id as Idempotency-Key (and X-Hub-Delivery), through the one outbound client (SSRF guard on every
 * connect and redirect, the secret redacted from anything logged). Throws a classified HubError.
 */
export async function postSigned(hub: HubServices, d: SignedDelivery, signal?: AbortSignal): Promise<void> {
  const http = new ConnectorHttp({
    connectorId: 'callback',
    auth: noneStrategy,
    authContext: { connectionId: d.connectionId, credentials: {} },
    limiter: new RateLimiter(undefined),
    guard: true,
    allowPrivate: hub.settings.allowPrivateUrls,
    secrets: () => [d.secret],
    timeoutMs: 10_000,
  });
  // The HTTP client serialises JSON bodies with JSON.stringify, so this is byte for byte what is sent.
  const raw = JSON.stringify(d.payload);
  const headers = {
    [CALLBACK_SIGNATURE_HEADER]: signCallback(d.secret, raw, Math.floor(Date.now() / 1000)),
    'x-hub-event': d.event,
    'x-hub-delivery': d.deliveryId,
    [IDEMPOTENCY_HEADER]: d.deliveryId,
  };
  await http.send({ method: 'POST', url: d.url, headers, body: d.payload }, signal);
}

/** The callback body: the outbound call, its provider call id, and the call as CallData. */
async function callbackPayload(out: OutboundService, call: OutboundCallDoc): Promise<Record<string, unknown>> {
  const voice = call.providerCallId ? await out.voiceCalls.byId(`${call.voiceIntegrationId}:${call.providerCallId}`) : null;
  return {
    event: 'outbound_call.completed',
    outbound_call_id: call._id,
    agent_id: call.agentId,
    status: call.state,
    phone: call.phone,
    contact_id: call.contactId ?? null,
    integration_id: call.integrationId ?? null,
    provider_call_id: call.providerCallId ?? null,
    call: voice?.call ?? null,
    sync_jobs: call.syncJobs ?? [],
    timestamp: new Date().toISOString(),
  };
}

/**
 * The callback job: POSTs the result to the trigger's callback_url, signed with the webhook's
 * signing secret. The URL passed the SSRF guard when it was given and passes it again here, at
 * connect time (DNS rebinding, redirects). Failures retry with the queue's backoff.
 */
export async function runCallbackJob(out: OutboundService, job: JobDoc, owner: string, signal: AbortSignal): Promise<void> {
  const id = job.callId.slice('callback:'.length);
  const call = await out.calls.byId(id);
  const webhook = call?.callbackUrl ? await out.webhooks.outboundWebhooks.findOne({ _id: call.webhookId }) : null;
  if (!call?.callbackUrl || !webhook) return out.queue.succeed(job._id, owner);
  const payload = await callbackPayload(out, call);
  const secret = out.hub.keyring.open<string>(webhook.signingSecret);
  try {
    await postSigned(
      out.hub,
      { url: call.callbackUrl, secret, event: 'outbound_call.completed', deliveryId: job._id, connectionId: webhook._id, payload },
      signal,
    );
    await out.calls.set(id, { callbackDeliveredAt: new Date().toISOString() });
    await out.queue.succeed(job._id, owner);
  } catch (err) {
    const e = isHubError(err) ? err : new HubError('HUB_ERR_INTERNAL', (err as Error).message, { retryable: true });
    out.hub.logger.warn({ outboundCallId: id, code: e.code }, 'callback delivery failed');
    await out.calls.set(id, { callbackError: e.toJSON() });
    await out.queue.fail(job, owner, e.toJSON(), e.retryable, e.retryAfterMs);
  }
}
