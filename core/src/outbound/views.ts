import type { OutboundCallDoc } from './documents.js';
import type { OutboundService } from './outbound-service.js';

type TypeOf = (integrationId: string) => Promise<string | undefined>;

/** Each integration's type, read once however many calls share it (an agent's calls share one voice integration). */
function integrationTypes(out: OutboundService): TypeOf {
  const seen = new Map<string, Promise<string | undefined>>();
  return (id) => {
    let type = seen.get(id);
    if (!type) seen.set(id, (type = out.hub.repos.integrations.byId(id).then((i) => i?.type)));
    return type;
  };
}

/** An outbound call as the API shows it: state, provider call id, and how its sync jobs stand. */
export async function outboundCallView(
  out: OutboundService,
  doc: OutboundCallDoc,
  typeOf: TypeOf = integrationTypes(out),
): Promise<Record<string, unknown>> {
  const jobs = doc.providerCallId ? await out.hub.queue.forCall(doc.tenantId, doc.agentId, doc.providerCallId) : [];
  // Also under the provider's own name (`retell_call_id`), which is what a tenant looks for in its dashboard.
  const type = await typeOf(doc.voiceIntegrationId);
  return {
    id: doc._id,
    agent_id: doc.agentId,
    state: doc.state,
    phone: doc.phone,
    contact_name: doc.contactName ?? null,
    contact_id: doc.contactId ?? null,
    integration_id: doc.integrationId ?? null,
    voice_integration_id: doc.voiceIntegrationId,
    provider_call_id: doc.providerCallId ?? null,
    ...(type ? { [`${type.replace(/-/g, '_')}_call_id`]: doc.providerCallId ?? null } : {}),
    callback: doc.callbackUrl ? { delivered_at: doc.callbackDeliveredAt ?? null, error: doc.callbackError ?? null } : null,
    error: doc.error ?? null,
    sync: jobs.map((j) => ({
      integration_id: j.integrationId,
      type: j.type,
      job_id: j._id,
      status: j.status,
      ...(j.lastError ? { last_error: j.lastError } : {}),
    })),
    history: doc.history,
    created_at: doc.createdAt,
    updated_at: doc.updatedAt,
  };
}

/** Several outbound calls as the API shows them; the voice integrations they share are read once, not once a call. */
export function outboundCallViews(out: OutboundService, docs: OutboundCallDoc[]): Promise<Record<string, unknown>[]> {
  const typeOf = integrationTypes(out);
  return Promise.all(docs.map((d) => outboundCallView(out, d, typeOf)));
}
