import { signRetellBody, startRetellSim, STALE_SIGNATURE_AGE_MS, type RetellSim } from '../../connectors/retell/sim/index.js';
import type { Api, TestHub } from './hub.js';

/** How a test signs a request to a voice hook: as Retell does, with the wrong key, dated too long ago, or not at all. */
export type Signing = 'valid' | 'bad' | 'stale' | 'missing';

/** Posts a body to a voice hook path (event, inbound or tool) signed the way Retell signs it. */
export async function signedPost(
  hub: TestHub,
  path: string,
  body: unknown,
  apiKey: string,
  signing: Signing = 'valid',
): Promise<{ status: number; body: any }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const now = Date.now();
  const sig =
    signing === 'valid'
      ? signRetellBody(apiKey, raw, now)
      : signing === 'bad'
        ? signRetellBody(`${apiKey}-wrong`, raw, now)
        : signRetellBody(apiKey, raw, now - STALE_SIGNATURE_AGE_MS);
  const res = await fetch(`${hub.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signing === 'missing' ? {} : { 'x-retell-signature': sig }) },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Connects Retell to an agent and makes its voice hook; returns the hook's path on the test hub and its id. */
export async function connectVoice(
  api: Api,
  agentId: string,
  apiKey: string,
  config: Record<string, unknown> = {},
): Promise<{ integrationId: string; voiceWebhookId: string; path: string }> {
  const r = await api('POST', `/api/agents/${agentId}/integrations/connect`, {
    type: 'retell',
    api_key: apiKey,
    config: { from_number: '+14155550000', ...config },
  });
  if (r.status !== 201) throw new Error(`retell connect answered ${r.status}: ${JSON.stringify(r.body)}`);
  const vh = await api('POST', `/api/agents/${agentId}/voice-webhooks`, { integration_id: r.body.id });
  if (vh.status !== 201) throw new Error(`voice hook answered ${vh.status}: ${JSON.stringify(vh.body)}`);
  return { integrationId: r.body.id, voiceWebhookId: vh.body.id, path: new URL(vh.body.url).pathname };
}

/** A Retell call object as its webhooks and tool calls carry it. */
export function retellCall(callId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    call_id: callId,
    agent_id: 'agent_sim_1',
    call_type: 'phone_call',
    direction: 'inbound',
    from_number: '+14079780655',
    to_number: '+14155550000',
    call_status: 'ongoing',
    ...over,
  };
}

/**
 * Starts a Retell simulator that knows `apiKey` and adds it to a test hub's connector overrides:
 * connecting Retell checks the key against Retell's API.
 */
export async function withRetellSim(
  env: Record<string, string>,
  apiKey: string,
): Promise<{ retell: RetellSim; env: Record<string, string> }> {
  const retell = await startRetellSim({ apiKey });
  const overrides = JSON.parse(env.HUB_CONNECTOR_OVERRIDES ?? '{}') as Record<string, unknown>;
  return { retell, env: { ...env, HUB_CONNECTOR_OVERRIDES: JSON.stringify({ ...overrides, retell: { baseUrl: retell.url } }) } };
}
