import { createHash } from 'node:crypto';
import { HubError, inputError } from '../errors/hub-error.js';
import { assertPublicUrl, assertSafeUrl } from '../http/safe-url.js';
import { toE164 } from '../sync/phone.js';
import type { OutboundCallDoc } from './documents.js';
import type { OutboundService } from './outbound-service.js';

/** A trigger body read into one shape, whichever form the CRM sent. */
export interface TriggerInput {
  phone: string;
  contactName?: string;
  contactId?: string;
  contactData: Record<string, unknown>;
  callbackUrl?: string;
}

const KNOWN = new Set(['phone', 'contact_name', 'name', 'contact_id', 'contact_data', 'customData', 'callback_url']);
const MAX_DATA_BYTES = 16 * 1024;

function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw inputError(field, 'must be a string');
  if (v.length > max) throw inputError(field, `must be at most ${max} characters`);
  return v.trim();
}

/** Checks a phone number strictly: E.164 form (a leading +), and a number libphonenumber calls valid. */
export function readPhone(raw: unknown, field = 'phone'): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw inputError(field, 'is required: the number to call, in E.164 form such as +14155550123');
  const compact = raw.replace(/[\s().-]/g, '');
  const e164 = /^\+[1-9]\d{6,14}$/.test(compact) ? toE164(compact) : undefined;
  if (!e164) throw inputError(field, `"${raw.slice(0, 40)}" is not a valid phone number in E.164 form (e.g. +14155550123)`);
  return e164;
}

/**
 * Reads the original spec's `{phone, contact_name, contact_data}`, GoHighLevel's `{phone, name}`
 * and its `customData`, plus `contact_id` and `callback_url`. Other top-level scalars (a CRM's default
 * payload carries many) join contact_data so they reach the agent as variables.
 */
export function readTrigger(body: unknown, allowPrivateUrls: boolean): TriggerInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw inputError('body', 'must be a JSON object with at least "phone"');
  const b = body as Record<string, unknown>;
  const phone = readPhone(b.phone);
  const data = b.contact_data ?? b.customData;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data)))
    throw inputError(b.contact_data !== undefined ? 'contact_data' : 'customData', 'must be an object');
  const contactData: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) if (!KNOWN.has(k) && ['string', 'number', 'boolean'].includes(typeof v)) contactData[k] = v;
  Object.assign(contactData, data ?? {});
  if (Buffer.byteLength(JSON.stringify(contactData)) > MAX_DATA_BYTES)
    throw inputError('contact_data', `must be at most ${MAX_DATA_BYTES} bytes`);
  const callbackRaw = optionalString(b, 'callback_url', 2000);
  const callbackUrl = callbackRaw === undefined ? undefined : assertSafeUrl(callbackRaw, 'callback_url', allowPrivateUrls).toString();
  const contactName = optionalString(b, 'contact_name', 300) ?? optionalString(b, 'name', 300);
  const contactId = optionalString(b, 'contact_id', 200);
  return {
    phone,
    contactData,
    ...(contactName ? { contactName } : {}),
    ...(contactId ? { contactId } : {}),
    ...(callbackUrl ? { callbackUrl } : {}),
  };
}

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The idempotency key of a trigger: the caller's `Idempotency-Key` when it sends one (remembered for
 * keyWindowMs), else a hash of the body's content (for bodyWindowMs): a CRM that re-delivers a
 * webhook sends the same body, while the same person called again later is a new request.
 */
export function idempotencyKey(
  header: string | undefined,
  body: unknown,
  windows: { keyWindowMs: number; bodyWindowMs: number },
): { key: string; windowMs: number } {
  if (header !== undefined) {
    if (!/^[\x21-\x7e]{1,200}$/.test(header)) throw inputError('headers.idempotency-key', 'must be 1 to 200 printable ASCII characters');
    return { key: `key:${header}`, windowMs: windows.keyWindowMs };
  }
  return { key: `body:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`, windowMs: windows.bodyWindowMs };
}

/**
 * Handles one trigger: secret, rate limit, body, idempotency, then a queued call and its place
 * job. Nothing is written before every check has passed.
 */
export async function triggerCall(
  out: OutboundService,
  agentId: string,
  secret: string | undefined,
  body: unknown,
  idemHeader: string | undefined,
): Promise<{ call: OutboundCallDoc; created: boolean }> {
  if (!secret)
    throw new HubError('HUB_ERR_UNAUTHORIZED', 'send the webhook secret as X-Webhook-Secret', { field: 'headers.x-webhook-secret' });
  const webhook = await out.webhooks.webhookBySecret(agentId, secret);
  if (!webhook)
    throw new HubError('HUB_ERR_UNAUTHORIZED', 'the webhook secret is not valid for this agent', { field: 'headers.x-webhook-secret' });
  const limit = await out.rates.hit(webhook._id, webhook.rateLimit);
  if (!limit.allowed)
    throw new HubError(
      'HUB_ERR_RATE_LIMITED',
      `this webhook allows ${webhook.rateLimit.requests} calls per ${webhook.rateLimit.perMs / 1000} s`,
      { retryAfterMs: limit.retryAfterMs },
    );
  const input = readTrigger(body, out.hub.settings.allowPrivateUrls);
  if (input.callbackUrl)
    await assertPublicUrl(input.callbackUrl, 'callback_url', out.hub.settings.allowPrivateUrls, out.hub.settings.resolveHost);
  const idem = idempotencyKey(idemHeader, body, out.opts);
  const result = await out.calls.createOnce({
    tenantId: webhook.tenantId,
    agentId,
    webhookId: webhook._id,
    idemKey: idem.key,
    idemExpiresAt: Date.now() + idem.windowMs,
    phone: input.phone,
    contactData: input.contactData,
    voiceIntegrationId: webhook.voiceIntegrationId,
    ...(input.contactName ? { contactName: input.contactName } : {}),
    ...(input.contactId ? { contactId: input.contactId } : {}),
    ...(input.callbackUrl ? { callbackUrl: input.callbackUrl } : {}),
    ...(webhook.integrationId ? { integrationId: webhook.integrationId } : {}),
  });
  // A repeat of a call still queued re-enqueues (a no-op when its job exists), healing a crash between the two writes.
  if (result.created || result.call.state === 'queued')
    await out.enqueue('place', { tenantId: webhook.tenantId, agentId, integrationId: webhook.voiceIntegrationId, key: result.call._id });
  return result;
}
