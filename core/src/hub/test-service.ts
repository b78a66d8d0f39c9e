import { HubError, isHubError } from '../errors/hub-error.js';
import type { ExchangeSummary } from '../http/client.js';
import type { HubServices } from '../services.js';
import { normalizeCall, type CallData } from '../sync/call-data.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { ready } from './scheduling-service.js';

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
      appointment_booked: {
        date: new Date(now + 5 * 86_400_000).toISOString().slice(0, 10),
        time: '14:00',
        timezone: 'America/New_York',
        durationMinutes: 60,
      },
    },
    agentId,
  );
}

/** Runs the connector's testConnection with sample data (Zapier: the call_completed payload). */
export async function testIntegration(hub: HubServices, doc: IntegrationDoc): Promise<Record<string, unknown>> {
  const requests: ExchangeSummary[] = [];
  const rt = hub.runtimeFor(doc, { onExchange: (s) => requests.push(s) });
  if (!rt.has('testConnection')) throw new HubError('HUB_ERR_CAPABILITY', `${doc.type} has no connection test`);
  ready(doc);
  const ctx = { call: sampleCall(doc.agentId) as Record<string, unknown>, steps: {} };
  const input = rt.connector.manifest.mappings?.event ? await rt.map('event', ctx) : undefined;
  try {
    const result = await rt.execute('testConnection', input, ctx);
    return { ok: true, result, requests };
  } catch (err) {
    if (!isHubError(err)) throw err;
    await hub.noteAuthFailure(doc._id, err);
    return { ok: false, error: err.toJSON(), requests };
  }
}
