import type { Api } from './hub.js';

/** Waits until every job of a call has finished and returns the call's status document. */
export async function callDone(api: Api, agentId: string, callId: string, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', `/api/agents/${agentId}/calls/${callId}`);
    const jobs = (r.body?.integrations ?? []) as Array<{ status: string }>;
    if (jobs.length && jobs.every((j) => j.status === 'succeeded' || j.status === 'failed')) return r.body;
    if (Date.now() > deadline) throw new Error(`call ${callId} did not finish: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** A call in the original spec's shape; fields given override the defaults. */
export function sampleCall(callId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    call_id: callId,
    customer_name: 'Jane Smith',
    customer_phone: '+14079780655',
    customer_email: 'jane@example.com',
    call_outcome: 'appointment_booked',
    call_summary: 'Customer scheduled roof inspection',
    call_sentiment: 'positive',
    transcript: 'Full transcript...',
    recording_url: 'https://recordings.example.com/call_abc123.mp3',
    started_at: '2026-02-15T14:30:00Z',
    ended_at: '2026-02-15T14:35:00Z',
    duration_seconds: 300,
    appointment_booked: { date: '2026-02-20', time: '14:00', timezone: 'America/New_York', durationMinutes: 60 },
    ...extra,
  };
}

/** Waits until a call's jobs have finished and returns its first integration's status entry. */
export async function firstIntegrationDone(api: Api, agentId: string, callId: string, timeoutMs = 15_000): Promise<any> {
  return (await callDone(api, agentId, callId, timeoutMs)).integrations[0];
}
