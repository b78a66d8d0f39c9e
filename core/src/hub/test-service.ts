import { HubError, isHubError } from '../errors/hub-error.js';
import { ConnectorRuntime } from '../engine/runtime.js';
import type { ExchangeSummary } from '../http/client.js';
import type { HubServices } from '../services.js';
import { normalizeCall, type CallData } from '../sync/call-data.js';
import type { IntegrationDoc } from '../store/repos/documents.js';

/** A sample call in the original spec's shape, for test events. */
export function sampleCall(agentId: string): CallData {
  const now = Date.now();
  return normalizeCall(
    {
      call_id: `call_test_${now}`,
      agent_id: agentId,
      customer_name: 'Jane Smith',
      customer_phone: '+14079780655',
      customer_email: 'jane@example.com',
      call_outcome: 'appointment_booked',
      call_summary: 'Customer scheduled roof inspection',
      call_sentiment: 'positive',
      transcript: 'Full transcript...',
      recording_url: 'https://example.com/recordings/call_test.mp3',
      started_at: new Date(now - 300_000).toISOString(),
      ended_at: new Date(now).toISOString(),
      duration_seconds: 300,
      appointment_booked: { date: new Date(now + 5 * 86_400_000).toISOString().slice(0, 10), time: '14:00', timezone: 'America/New_York', durationMinutes: 60 },
    },
    agentId,
  );
}

/** Builds a runtime for one stored integration. */
export function runtimeFor(hub: HubServices, doc: IntegrationDoc, onExchange?: (s: ExchangeSummary) => void, signal?: AbortSignal): ConnectorRuntime {
  const connector = hub.registry.get(doc.type);
  if (!connector) throw new HubError('HUB_ERR_UNKNOWN_CONNECTOR', `connector ${doc.type} is not installed`);
  return new ConnectorRuntime(
    connector,
    { view: hub.connectionView(doc), config: doc.config, credentials: hub.repos.integrations.credentials(doc), fieldMappings: doc.fieldMappings, mappings: doc.mappings },
    hub.runtimeDeps,
    { onExchange, signal },
  );
}

/** Runs the connector's testConnection with sample data (Zapier: the call_completed payload). */
export async function testIntegration(hub: HubServices, doc: IntegrationDoc): Promise<Record<string, unknown>> {
  const requests: ExchangeSummary[] = [];
  const rt = runtimeFor(hub, doc, (s) => requests.push(s));
  if (!rt.has('testConnection')) throw new HubError('HUB_ERR_CAPABILITY', `${doc.type} has no connection test`);
  if (doc.status !== 'connected') throw new HubError('HUB_ERR_CONFLICT', `integration ${doc._id} is ${doc.status}; connect it first`);
  const ctx = { call: sampleCall(doc.agentId) as Record<string, unknown>, steps: {} };
  const input = rt.connector.manifest.mappings?.event ? await rt.map('event', ctx) : undefined;
  try {
    const result = await rt.execute('testConnection', input, ctx);
    return { ok: true, result, requests };
  } catch (err) {
    if (!isHubError(err)) throw err;
    if (err.code === 'HUB_ERR_CRM_AUTH') await hub.repos.integrations.setStatus(doc._id, 'needs_reauth', err.message);
    return { ok: false, error: err.toJSON(), requests };
  }
}
