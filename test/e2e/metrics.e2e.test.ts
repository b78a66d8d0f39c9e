import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

type ZapSim = Awaited<ReturnType<typeof startZapierSim>>;
let hub: TestHub;
let zap: ZapSim;
const TOKEN = 'metrics-token-0123456789';

beforeAll(async () => {
  zap = await startZapierSim();
  hub = await startTestHub({ HUB_METRICS_TOKEN: TOKEN }, { connectors: ['zapier'] });
});
afterAll(async () => {
  await hub?.close();
  await zap?.close();
});

const scrape = async () => (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
/** The value of one sample, e.g. value(text, 'hub_jobs{state="failed"}'). */
function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
const finished = (agent: string, callId: string) =>
  eventually(
    async () => {
      const s = (await hub.api('GET', `/api/agents/${agent}/calls/${callId}`)).body.integrations?.[0]?.status;
      return (s === 'succeeded' || s === 'failed') && s;
    },
    15_000,
    `call ${callId}`,
  );

describe('GET /metrics', () => {
  it('needs the bearer token when HUB_METRICS_TOKEN is set', async () => {
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${hub.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
  });

  it('counts calls, jobs by state, step latency, CRM answers by class and dead letters; a failed step logs who, what and the CRM message', async () => {
    const id = (
      await hub.api('POST', '/api/agents/agent_m/integrations/connect', {
        type: 'zapier',
        webhook_url: `${zap.url}/hooks/catch/1/m/`,
        test: false,
      })
    ).body.id;
    await hub.api('POST', '/api/agents/agent_m/calls', sampleCall('m1'));
    expect(await finished('agent_m', 'm1')).toBe('succeeded');
    zap.inject({ method: 'POST', path: /hooks\/catch\/1\/m/, status: 410, body: { status: 'gone for good' }, times: 4 });
    await hub.api('POST', '/api/agents/agent_m/calls', sampleCall('m2'));
    expect(await finished('agent_m', 'm2')).toBe('failed');
    await hub.api('POST', '/api/agents/agent_m/calls/bulk', [sampleCall('m3')]);
    await finished('agent_m', 'm3');

    const text = await scrape();
    expect(value(text, 'hub_calls_ingested_total{source="live"}')).toBe(2);
    expect(value(text, 'hub_calls_ingested_total{source="bulk"}')).toBe(1);
    expect(value(text, 'hub_jobs{state="succeeded"}')).toBe(2);
    expect(value(text, 'hub_jobs{state="failed"}')).toBe(1);
    expect(value(text, 'hub_jobs{state="queued"}')).toBe(0);
    expect(value(text, 'hub_oldest_queued_job_age_seconds')).toBe(0);
    expect(value(text, 'hub_step_duration_seconds_count{connector="zapier",step="event",outcome="success"}')).toBe(2);
    expect(value(text, 'hub_step_duration_seconds_count{connector="zapier",step="event",outcome="failed"}')).toBe(4);
    expect(value(text, 'hub_crm_responses_total{connector="zapier",status_class="2xx"}')).toBe(2);
    expect(value(text, 'hub_crm_responses_total{connector="zapier",status_class="4xx"}')).toBe(4);
    expect(value(text, 'hub_dead_letters_total{type="zapier"}')).toBe(1);
    expect(text).toContain('# TYPE hub_token_refreshes_total counter');
    expect(text).toContain('hub_process_resident_memory_bytes');
    expect(text).not.toContain(TOKEN);

    const failed = hub.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'sync step failed');
    expect(failed).toMatchObject({
      tenantId: hub.tenant.tenantId,
      agentId: 'agent_m',
      callId: 'm2',
      jobId: expect.stringMatching(/^job_/),
      integrationId: id,
      connector: 'zapier',
      step: 'event',
      crmMessage: expect.stringContaining('zapier answered 410'),
    });
  });

  it('the age of the oldest due job grows while no worker runs it', async () => {
    const idle = await startTestHub({ HUB_WORKER: '0' }, { connectors: ['zapier'] });
    try {
      await idle.running.hub.queue.enqueue({
        tenantId: 't',
        agentId: 'a',
        callId: 'stuck',
        integrationId: 'int_x',
        type: 'zapier',
        runAt: Date.now() - 5000,
      });
      const text = await (await fetch(`${idle.url}/metrics`)).text();
      expect(value(text, 'hub_oldest_queued_job_age_seconds')).toBeGreaterThanOrEqual(5);
      expect(value(text, 'hub_jobs{state="queued"}')).toBe(1);
    } finally {
      await idle.close();
    }
  });
});
