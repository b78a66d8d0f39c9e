import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { apiClient, eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

// The sync endpoint reads the API key's tenant and the agent's integrations from memory on the
// embedded engine: every change made through the API is seen by the very next call, each tenant
// still sees only its own, and each answered request is logged once without its key.
type ZapSim = Awaited<ReturnType<typeof startZapierSim>>;
let hub: TestHub;
let zap: ZapSim;

beforeAll(async () => {
  zap = await startZapierSim();
  hub = await startTestHub({ LOG_LEVEL: 'info' }, { connectors: ['zapier'] });
});
afterAll(async () => {
  await hub?.close();
  await zap?.close();
});

const agent = 'agent_ingest_path';
let n = 0;
const post = (api = hub.api, a = agent) => api('POST', `/api/agents/${a}/calls`, sampleCall(`ingest_path_${n++}`));
const connect = async (hook: number) => {
  const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
    type: 'zapier',
    webhook_url: `${zap.url}/hooks/catch/${hook}/path/`,
    test: false,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

describe('the sync endpoint after integration changes', () => {
  it('queues for exactly the integrations the agent has at each call, whatever changed just before', async () => {
    expect((await post()).body.jobs).toEqual([]);
    const first = await connect(1);
    expect((await post()).body.jobs.map((j: { integration_id: string }) => j.integration_id)).toEqual([first]);
    const second = await connect(2);
    expect((await post()).body.jobs).toHaveLength(2);
    const disabled = await hub.api('PUT', `/api/agents/${agent}/integrations/${first}`, { status: 'disabled' });
    expect(disabled.status).toBe(200);
    expect((await post()).body.jobs.map((j: { integration_id: string }) => j.integration_id)).toEqual([second]);
    await hub.api('PUT', `/api/agents/${agent}/integrations/${first}`, { status: 'connected' });
    expect((await post()).body.jobs).toHaveLength(2);
    expect((await hub.api('DELETE', `/api/agents/${agent}/integrations/${second}`)).status).toBe(204);
    expect((await post()).body.jobs.map((j: { integration_id: string }) => j.integration_id)).toEqual([first]);
    // Conditions changed through the API apply to the next call.
    await hub.api('PUT', `/api/agents/${agent}/integrations/${first}`, { sync_conditions: { call_outcome: ['voicemail'] } });
    expect((await post()).body.jobs).toEqual([]);
  });

  it("keeps tenants apart: another tenant's key reaches only its own agent and calls", async () => {
    const other = await hub.newTenant();
    expect((await post(other.api)).body.jobs).toEqual([]);
    const mine = await post();
    expect(mine.status).toBe(202);
    expect((await other.api('GET', `/api/agents/${agent}/calls/${mine.body.call_id}`)).status).toBe(404);
    expect((await post(apiClient(hub.url, `${hub.tenant.apiKey}x`))).status).toBe(401);
    expect((await post(apiClient(hub.url))).status).toBe(401);
  });

  it('still answers 400 naming the field, and a repeat call_id queues nothing new', async () => {
    const bad = await hub.api('POST', `/api/agents/${agent}/calls`, { ...sampleCall('ingest_path_bad'), customer_email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body.customer_email');
    const call = sampleCall('ingest_path_repeat');
    const once = await hub.api('POST', `/api/agents/${agent}/calls`, call);
    const again = await hub.api('POST', `/api/agents/${agent}/calls`, call);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.jobs).toEqual(once.body.jobs);
  });

  it('logs each answered request once, with method, url, status and time, never the key', async () => {
    const from = hub.logs.length;
    await post();
    await hub.api('GET', `/api/agents/${agent}/integrations`);
    // The line is written when the answer has been sent, so it may land just after the client reads it.
    const requestLines = () =>
      hub.logs
        .slice(from)
        .map(
          (l) =>
            JSON.parse(l) as { msg: string; req?: { method: string; url: string }; res?: { statusCode: number }; responseTime?: number },
        )
        .filter((l) => l.req || l.res);
    const lines = await eventually(async () => requestLines().length >= 2 && requestLines(), 5000, 'two request log lines');
    expect(lines.map((l) => [l.msg, l.req?.method, l.req?.url, l.res?.statusCode])).toEqual([
      ['request completed', 'POST', `/api/agents/${agent}/calls`, 202],
      ['request completed', 'GET', `/api/agents/${agent}/integrations`, 200],
    ]);
    expect(lines.every((l) => typeof l.responseTime === 'number')).toBe(true);
    expect(hub.logs.join('\n')).not.toContain(hub.tenant.apiKey);
  });
});
