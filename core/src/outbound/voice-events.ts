import { HubError, inputError, notFound } from '../errors/hub-error.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import type { HookContext } from '../engine/types.js';
import type { OutboundCallDoc, VoiceWebhookDoc } from './documents.js';
import type { OutboundService } from './outbound-service.js';
import { cleanCallData } from './clean-call.js';
import { syncVoiceCall } from './settle.js';
import { parseBoundedJson } from '../security/json-limits.js';
import { lookupCaller } from '../voice/caller-lookup.js';
import { voiceHooks } from './webhooks.js';

/**
 * A provider event as a voice connector's `readEvent` hook gives it back. The connector knows the
 * provider's payload; the engine only knows these fields.
 */
export interface VoiceEvent {
  kind: 'started' | 'ended' | 'analyzed' | 'inbound' | 'other';
  providerCallId: string;
  connected: boolean;
  metadata: Record<string, unknown>;
  call: Record<string, unknown>;
}

/** What the event route answers: what the event did. */
export interface VoiceEventResult {
  received: true;
  event: VoiceEvent['kind'];
  call_id: string;
  outbound_call_id?: string;
  action: string;
}

/** The hub's outbound call an event belongs to: named in its metadata, and only within the same tenant and integration. */
async function outboundFor(out: OutboundService, webhook: VoiceWebhookDoc, ev: VoiceEvent): Promise<OutboundCallDoc | undefined> {
  const id = ev.metadata.hub_outbound_call_id;
  if (typeof id !== 'string') return undefined;
  const call = await out.calls.byId(id);
  return call && call.tenantId === webhook.tenantId && call.voiceIntegrationId === webhook.integrationId ? call : undefined;
}

/** A voice webhook whose request carried a valid provider signature: the webhook, its integration and the parsed body. */
export interface VerifiedVoiceRequest {
  webhook: VoiceWebhookDoc;
  integration: IntegrationDoc;
  body: unknown;
  ctx: HookContext;
}

/**
 * Checks one request to a voice webhook (an event, the inbound webhook or a tool call). The signature is
 * checked by the connector's `verifyEvent` hook over the raw body with the integration's stored key,
 * before the body is even parsed; unknown webhooks, bad signatures and bad bodies are refused with
 * nothing written.
 */
export async function verifyVoiceRequest(
  out: OutboundService,
  type: string,
  voiceWebhookId: string,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<VerifiedVoiceRequest> {
  const webhook = await out.webhooks.voiceWebhook(voiceWebhookId);
  if (!webhook || webhook.type !== type) throw notFound('voice webhook', voiceWebhookId);
  const integration = await out.hub.repos.integrations.byId(webhook.integrationId);
  const connector = out.hub.registry.get(type);
  const voice = connector && voiceHooks(connector);
  if (!integration || !voice) throw notFound('voice webhook', voiceWebhookId);
  const rt = out.hub.runtimeFor(integration);
  // Event hooks see no call: they read one out of the provider's payload.
  const ctx = await rt.hookContext({ call: {}, steps: {} });
  const verdict = (await voice.verifyEvent(ctx, { rawBody, headers, credentials: rt.connection.credentials, now: Date.now() })) as {
    ok: boolean;
    reason?: string;
  };
  if (!verdict.ok) throw new HubError('HUB_ERR_UNAUTHORIZED', `signature refused: ${verdict.reason ?? 'invalid'}`, { field: 'headers' });
  return { webhook, integration, body: parseBoundedJson(rawBody), ctx };
}

/** Verifies and handles one provider event (see verifyVoiceRequest); `call_inbound` is answered with what the CRMs know of the caller. */
export async function receiveVoiceEvent(
  out: OutboundService,
  type: string,
  voiceWebhookId: string,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<VoiceEventResult | Record<string, unknown>> {
  const { webhook, integration, body, ctx } = await verifyVoiceRequest(out, type, voiceWebhookId, rawBody, headers);
  const connector = out.hub.registry.get(type)!;
  let ev: VoiceEvent;
  try {
    ev = (await voiceHooks(connector)!.readEvent(ctx, { body })) as VoiceEvent;
  } catch (err) {
    throw inputError('body', (err as Error).message);
  }
  if (ev.kind === 'inbound') return answerInbound(out, webhook, ctx, ev);
  return handleEvent(out, webhook, integration, ev);
}

/**
 * The inbound webhook (before the call is answered): the caller looked up in the agent's CRMs and the
 * hub's history within `callerLookupMs`, answered as dynamic variables in the connector's shape
 * (`answerInbound` hook; without one, `{dynamic_variables, metadata}`).
 */
async function answerInbound(
  out: OutboundService,
  webhook: VoiceWebhookDoc,
  ctx: HookContext,
  ev: VoiceEvent,
): Promise<Record<string, unknown>> {
  const found = await lookupCaller(out.hub, webhook.tenantId, webhook.agentId, ev.call.customer_phone, out.opts.callerLookupMs);
  out.hub.logger.info(
    { voiceWebhookId: webhook._id, known: found.variables.customer_known, ms: found.ms, missed: found.missed },
    'inbound caller looked up',
  );
  const metadata = {
    hub_voice_hook_id: webhook._id,
    hub_lookup_ms: found.ms,
    ...(found.variables.crm_contact_id ? { hub_contact_id: found.variables.crm_contact_id } : {}),
  };
  const connector = out.hub.registry.get(webhook.type);
  const shape = connector && voiceHooks(connector)?.answerInbound;
  return shape
    ? ((await shape(ctx, { variables: found.variables, metadata })) as Record<string, unknown>)
    : { dynamic_variables: found.variables, metadata };
}

async function handleEvent(
  out: OutboundService,
  webhook: VoiceWebhookDoc,
  integration: IntegrationDoc,
  ev: VoiceEvent,
): Promise<VoiceEventResult> {
  const outbound = await outboundFor(out, webhook, ev);
  const base = {
    received: true as const,
    event: ev.kind,
    call_id: ev.providerCallId,
    ...(outbound ? { outbound_call_id: outbound._id } : {}),
  };
  const link = { providerCallId: ev.providerCallId };
  if (ev.kind === 'other') return { ...base, action: 'ignored' };
  if (ev.kind === 'started') {
    if (outbound) await out.calls.advance(outbound._id, 'in_progress', link);
    return { ...base, action: outbound ? 'in_progress' : 'ignored' };
  }
  const agentId = outbound?.agentId ?? webhook.agentId;
  // A call the hub placed is outbound whatever the provider's payload says.
  const call = cleanCallData({ ...ev.call, call_id: ev.providerCallId, ...(outbound ? { direction: 'outbound' } : {}) }, out.hub.logger);
  const key = {
    tenantId: webhook.tenantId,
    agentId,
    integrationId: integration._id,
    providerCallId: ev.providerCallId,
    ...(outbound ? { outboundCallId: outbound._id } : {}),
  };
  const voiceCall = await out.voiceCalls.record(key, call, ev.kind === 'analyzed');
  if (outbound) await out.calls.advance(outbound._id, ev.kind === 'analyzed' ? 'analyzed' : 'ended', link);
  if (ev.kind === 'analyzed' || !ev.connected) {
    const synced = await syncVoiceCall(out, voiceCall);
    return { ...base, action: synced ? 'synced' : 'already synced' };
  }
  await out.enqueue(
    'settle',
    { tenantId: webhook.tenantId, agentId, integrationId: integration._id, key: voiceCall._id },
    Date.now() + out.opts.analysisWaitMs,
  );
  return { ...base, action: `waiting up to ${out.opts.analysisWaitMs} ms for the analysis` };
}
