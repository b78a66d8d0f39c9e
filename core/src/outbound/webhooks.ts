import { HubError, inputError } from '../errors/hub-error.js';
import { hashSecret, randomToken } from '../security/crypto.js';
import type { Connector, Hook } from '../engine/types.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import type { OutboundWebhookDoc, VoiceWebhookDoc } from './documents.js';
import type { OutboundService } from './outbound-service.js';

/** The body of POST …/outbound/webhooks. */
export interface NewWebhookInput {
  name?: string;
  integration_id?: string;
  voice_integration_id?: string;
  rate_limit?: { requests: number; per_seconds: number };
}

/** A voice provider's event hooks, as its manifest's `voice` names them (checked at load), or undefined. */
export function voiceHooks(connector: Connector): { verifyEvent: Hook; readEvent: Hook; answerInbound?: Hook } | undefined {
  const voice = connector.manifest.voice;
  if (!voice) return undefined;
  const answerInbound = voice.answerInbound ? connector.hooks[voice.answerInbound] : undefined;
  return {
    verifyEvent: connector.hooks[voice.verifyEvent],
    readEvent: connector.hooks[voice.readEvent],
    ...(answerInbound ? { answerInbound } : {}),
  };
}

const canCall = (out: OutboundService, doc: IntegrationDoc) => {
  const m = out.hub.registry.get(doc.type)?.manifest;
  return Boolean(m?.capabilities.includes('outbound') && m.operations.placeCall);
};

/** The integration that places calls: the one named, else the agent's only one that can. */
async function voiceIntegration(out: OutboundService, tenantId: string, agentId: string, id: string | undefined): Promise<IntegrationDoc> {
  if (id !== undefined) {
    const doc = await out.hub.repos.integrations.get(tenantId, agentId, id).catch(() => {
      throw inputError('voice_integration_id', `no integration ${id} on agent ${agentId}`);
    });
    if (!canCall(out, doc)) throw inputError('voice_integration_id', `${doc.type} cannot place calls (no outbound capability)`);
    return doc;
  }
  const able = (await out.hub.repos.integrations.list(tenantId, agentId)).filter((d) => canCall(out, d));
  if (able.length === 1) return able[0];
  throw inputError(
    'voice_integration_id',
    able.length === 0
      ? `agent ${agentId} has no integration that can place calls; connect Retell first`
      : `agent ${agentId} has ${able.length} integrations that can place calls; name one`,
  );
}

/** Creates a trigger webhook; the secret and signing secret are in the answer this once, never again. */
export async function createOutboundWebhook(
  out: OutboundService,
  tenantId: string,
  agentId: string,
  body: NewWebhookInput,
): Promise<Record<string, unknown>> {
  const voice = await voiceIntegration(out, tenantId, agentId, body.voice_integration_id);
  if (body.integration_id !== undefined) {
    await out.hub.repos.integrations.get(tenantId, agentId, body.integration_id).catch(() => {
      throw inputError('integration_id', `no integration ${body.integration_id} on agent ${agentId}`);
    });
    if (body.integration_id === voice._id)
      throw inputError('integration_id', 'is the integration that places the calls; name the CRM results go back to');
  }
  const secret = randomToken('whsec_', 32);
  const signingSecret = randomToken('whsign_', 32);
  const rl = body.rate_limit;
  const doc = await out.webhooks.createWebhook({
    tenantId,
    agentId,
    ...(body.name ? { name: body.name } : {}),
    secretHash: hashSecret(secret),
    signingSecret: out.hub.keyring.seal(signingSecret),
    ...(body.integration_id ? { integrationId: body.integration_id } : {}),
    voiceIntegrationId: voice._id,
    rateLimit: rl ? { requests: rl.requests, perMs: rl.per_seconds * 1000 } : { ...out.opts.defaultRateLimit },
  });
  return { ...publicWebhook(out, doc), secret, signing_secret: signingSecret };
}

/** A trigger webhook as the API shows it: never the secrets. */
export function publicWebhook(out: OutboundService, doc: OutboundWebhookDoc): Record<string, unknown> {
  return {
    id: doc._id,
    agent_id: doc.agentId,
    name: doc.name ?? null,
    url: `${out.hub.settings.publicUrl}/api/agents/${encodeURIComponent(doc.agentId)}/outbound/call`,
    integration_id: doc.integrationId ?? null,
    voice_integration_id: doc.voiceIntegrationId,
    rate_limit: { requests: doc.rateLimit.requests, per_seconds: doc.rateLimit.perMs / 1000 },
    created_at: doc.createdAt,
  };
}

/** Creates the URL a voice provider posts call events to, verified with the named integration's key. */
export async function createVoiceWebhook(
  out: OutboundService,
  tenantId: string,
  agentId: string,
  integrationId: string,
): Promise<Record<string, unknown>> {
  const doc = await out.hub.repos.integrations.get(tenantId, agentId, integrationId).catch(() => {
    throw inputError('integration_id', `no integration ${integrationId} on agent ${agentId}`);
  });
  const connector = out.hub.registry.get(doc.type);
  if (!connector || !voiceHooks(connector)) {
    throw new HubError('HUB_ERR_CAPABILITY', `integration_id: ${doc.type} does not receive call events`, { field: 'integration_id' });
  }
  const webhook = await out.webhooks.createVoiceWebhook({ _id: randomToken('vh_', 18), tenantId, agentId, integrationId, type: doc.type });
  return publicVoiceWebhook(out, webhook);
}

/** A voice webhook as the API shows it. */
export function publicVoiceWebhook(out: OutboundService, doc: VoiceWebhookDoc): Record<string, unknown> {
  return {
    id: doc._id,
    agent_id: doc.agentId,
    integration_id: doc.integrationId,
    type: doc.type,
    url: `${out.hub.settings.publicUrl}/webhooks/${doc.type}/${doc._id}`,
    created_at: doc.createdAt,
  };
}
