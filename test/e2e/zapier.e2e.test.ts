import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

type ZapSim = Awaited<ReturnType<typeof startZapierSim>>;
let hub: TestHub;
let zap: ZapSim;
let hookUrl: string;

const call = { ...sampleCall('call_abc123'), agent_id: 'agent_xyz789' };

beforeAll(async () => {
  zap = await startZapierSim();
  hub = await startTestHub({}, { connectors: ['zapier'] });
  hookUrl = `${zap.url}/hooks/catch/123456/abcdef/`;
});
afterAll(async () => {
  await hub?.close();
  await zap?.close();
});

async function connectZapier(agent = 'agent_xyz789', extra: Record<string, unknown> = {}): Promise<string> {
  const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
    type: 'zapier',
    webhook_url: hookUrl,
    test: false,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('Zapier end to end', () => {
  it('connect → post a call → the original spec payload arrives exactly once; a repeat syncs nothing', async () => {
    const id = await connectZapier();
    const first = await hub.api('POST', '/api/agents/agent_xyz789/calls', call);
    expect(first.status).toBe(202);
    expect(first.body.jobs).toEqual([{ id: expect.any(String), integration_id: id, type: 'zapier' }]);
    await eventually(async () => zap.caught().length === 1, 10_000, 'the catch hook to receive the call');
    const payload = zap.caught()[0].body as Record<string, any>;
    expect(payload.action).toBe('call_completed');
    expect(Date.parse(payload.timestamp)).not.toBeNaN();
    expect(payload.call).toEqual(call);

    const status = await eventually(async () => {
      const r = await hub.api('GET', '/api/agents/agent_xyz789/calls/call_abc123');
      return r.body.integrations?.[0]?.status === 'succeeded' && r.body;
    });
    expect(status.integrations[0].steps).toEqual([expect.objectContaining({ name: 'event', status: 'succeeded' })]);

    const again = await hub.api('POST', '/api/agents/agent_xyz789/calls', call);
    expect(again.status).toBe(202);
    expect(again.body.jobs).toEqual(first.body.jobs);
    expect(again.body.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(zap.caught().length).toBe(1);

    const list = await hub.api('GET', '/api/agents/agent_xyz789/integrations');
    expect(list.body.integrations[0]).toMatchObject({ id, total_syncs: 1, successful_syncs: 1, failed_syncs: 0 });
    expect(JSON.stringify(list.body)).not.toContain('hooks/catch');
    const stats = await hub.api('GET', '/api/stats/sync');
    expect(stats.body.types).toEqual([
      expect.objectContaining({ integration_type: 'zapier', agents_connected: 1, total_syncs: 1, success_rate_percent: 100 }),
    ]);
    const logs = await hub.api('GET', `/api/agents/agent_xyz789/sync-logs?status=success&integration_id=${id}`);
    expect(logs.body.logs).toEqual([expect.objectContaining({ step: 'event', status: 'success', callId: 'call_abc123' })]);
    expect(JSON.stringify(logs.body)).not.toContain('abcdef');
  });

  it('since= narrows sync logs and stats to what happened after it', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await hub.api('GET', `/api/agents/agent_xyz789/sync-logs?since=${future}`)).body.logs).toEqual([]);
    expect((await hub.api('GET', `/api/agents/agent_xyz789/sync-logs?since=${past}`)).body.logs.length).toBeGreaterThan(0);
    expect((await hub.api('GET', `/api/stats/sync?since=${future}`)).body.types).toEqual([
      expect.objectContaining({ integration_type: 'zapier', total_syncs: 0, success_rate_percent: null }),
    ]);
    expect((await hub.api('GET', '/api/agents/agent_xyz789/sync-logs?since=yesterday')).body.field).toBe('querystring.since');
  });

  it('the test button sends the call_completed payload with sample data', async () => {
    const id = await connectZapier('agent_test');
    const before = zap.caught().length;
    const res = await hub.api('POST', `/api/agents/agent_test/integrations/${id}/test`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    const payload = zap.caught()[before].body as Record<string, any>;
    expect(payload.action).toBe('call_completed');
    expect(payload.call).toMatchObject({ customer_name: 'Jane Smith', call_outcome: 'appointment_booked' });
  });

  it('retries anything but 2xx, dead-letters after the last attempt, and retries by API', async () => {
    await connectZapier('agent_retry');
    zap.inject({ method: 'POST', path: /hooks\/catch/, status: 410, body: { status: 'gone' }, times: 4 });
    const posted = await hub.api('POST', '/api/agents/agent_retry/calls', { ...call, call_id: 'call_retry' });
    const jobId = posted.body.jobs[0].id;
    const failed = await eventually(async () => {
      const r = await hub.api('GET', '/api/agents/agent_retry/calls/call_retry');
      return r.body.integrations[0].status === 'failed' && r.body.integrations[0];
    });
    expect(failed).toMatchObject({
      attempts: 4,
      dead_lettered: true,
      last_error: expect.objectContaining({ code: 'HUB_ERR_CRM_TRANSIENT' }),
    });
    const logs = await hub.api('GET', '/api/agents/agent_retry/sync-logs?status=failed');
    expect(logs.body.logs.length).toBe(4);
    const retried = await hub.api('POST', `/api/agents/agent_retry/sync-jobs/${jobId}/retry`);
    expect(retried.status).toBe(202);
    await eventually(
      async () => (await hub.api('GET', '/api/agents/agent_retry/calls/call_retry')).body.integrations[0].status === 'succeeded',
    );
    expect(zap.caught().filter((c) => (c.body as any).call.call_id === 'call_retry').length).toBe(1);
  });

  it('sync_conditions decide which integrations get a job', async () => {
    await connectZapier('agent_cond', { sync_conditions: { call_outcome: ['qualified_lead'], min_duration_seconds: 60 } });
    const res = await hub.api('POST', '/api/agents/agent_cond/calls', { ...call, call_id: 'call_cond' });
    expect(res.body.jobs).toEqual([]);
    const status = await hub.api('GET', '/api/agents/agent_cond/calls/call_cond');
    expect(status.body.integrations[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('call_outcome') });
  });
});

describe('secrets', () => {
  it('never appear in any log line: tenant keys, catch-hook URLs', async () => {
    expect(hub.logs.length).toBeGreaterThan(0);
    const all = hub.logs.join('');
    expect(all).not.toContain(hub.tenant.apiKey);
    expect(all).not.toContain('abcdef');
  });
});

describe('bad input and other tenants', () => {
  it.each([
    ['a missing call_id', { customer_name: 'x' }, 'body.call_id'],
    ['a bad email', { call_id: 'x', customer_email: 'nope' }, 'body.customer_email'],
    [
      'a bad appointment time',
      { call_id: 'x', appointment_booked: { date: '2026-02-20', time: '2pm', timezone: 'UTC' } },
      'body.appointment_booked.time',
    ],
    ['a string duration', { call_id: 'x', duration_seconds: '300' }, 'body.duration_seconds'],
  ])('POST /calls with %s answers 400 naming the field', async (_name, body, field) => {
    const res = await hub.api('POST', '/api/agents/agent_xyz789/calls', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'HUB_ERR_VALIDATION', field });
    expect(res.body.message).toContain(field);
  });

  it.each([
    ['an unknown type', { type: 'myspace' }, 'type'],
    ['a missing webhook_url', { type: 'zapier' }, 'webhook_url'],
    ['an unknown field', { type: 'zapier', webhook_url: 'https://hooks.zapier.com/hooks/catch/1/a/', colour: 'red' }, 'colour'],
    [
      'a bad sync condition',
      { type: 'zapier', webhook_url: 'https://hooks.zapier.com/hooks/catch/1/a/', sync_conditions: { when: '(((' } },
      'sync_conditions.when',
    ],
  ])('connect with %s answers 400 naming the field', async (_name, body, field) => {
    const res = await hub.api('POST', '/api/agents/agent_x/integrations/connect', body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it("connect sends the test event (the spec's Workflow 3) before answering; a hook that refuses it is a 400, an unreachable one a 502, and neither is stored", async () => {
    const before = zap.caught().length;
    const ok = await hub.api('POST', '/api/agents/agent_test_event/integrations/connect', { type: 'zapier', webhook_url: hookUrl });
    expect(ok.status).toBe(201);
    expect(zap.caught().length).toBe(before + 1);
    expect(zap.caught().at(-1)!.body).toMatchObject({ action: 'call_completed', call: { customer_name: 'Jane Smith' } });

    const refused = await hub.api('POST', '/api/agents/agent_test_event/integrations/connect', {
      type: 'zapier',
      webhook_url: `${zap.url}/hooks/nope/`,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ field: 'webhook_url', message: expect.stringMatching(/Zapier refused these credentials .*404/) });
    const down = await hub.api('POST', '/api/agents/agent_test_event/integrations/connect', {
      type: 'zapier',
      auth_data: { webhook_url: 'http://127.0.0.1:9/hooks/catch/1/a/' },
    });
    expect(down.status).toBe(502);
    expect(down.body.message).toMatch(/could not be reached.*nothing was stored/);
    expect((await hub.api('GET', '/api/agents/agent_test_event/integrations')).body.integrations).toHaveLength(1);

    const skipped = await hub.api('POST', '/api/agents/agent_test_event/integrations/connect', {
      type: 'zapier',
      webhook_url: 'http://127.0.0.1:9/hooks/catch/1/a/',
      test: false,
    });
    expect(skipped.status).toBe(201);
    expect(
      (await hub.api('POST', '/api/agents/agent_test_event/integrations/connect', { type: 'zapier', webhook_url: hookUrl, test: 'no' }))
        .body.field,
    ).toBe('body.test');
  });

  it('malformed JSON answers 400', async () => {
    const res = await hub.api('POST', '/api/agents/agent_x/calls', '{"call_id":', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('HUB_ERR_VALIDATION');
  });

  it('no key, a wrong key → 401; another tenant sees 404 for ids that exist', async () => {
    expect((await fetch(`${hub.url}/api/agents/a/integrations`)).status).toBe(401);
    expect((await fetch(`${hub.url}/api/agents/a/integrations`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const id = await connectZapier('agent_private');
    await hub.api('POST', '/api/agents/agent_private/calls', { ...call, call_id: 'call_private' });
    const other = await hub.newTenant();
    expect((await other.api('GET', `/api/agents/agent_private/integrations/${id}`)).status).toBe(404);
    expect((await other.api('DELETE', `/api/agents/agent_private/integrations/${id}`)).status).toBe(404);
    expect((await other.api('GET', '/api/agents/agent_private/calls/call_private')).status).toBe(404);
    expect((await other.api('GET', '/api/agents/agent_private/integrations')).body.integrations).toEqual([]);
    expect((await other.api('GET', '/api/agents/agent_private/sync-logs')).body.logs).toEqual([]);
  });

  it('PUT changes config and mappings; DELETE disconnects', async () => {
    const id = await connectZapier('agent_edit');
    const put = await hub.api('PUT', `/api/agents/agent_edit/integrations/${id}`, { name: 'My Zap', status: 'disabled' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'My Zap', status: 'disabled' });
    const bad = await hub.api('PUT', `/api/agents/agent_edit/integrations/${id}`, { mappings: { event: '{{' } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('mappings.event');
    expect((await hub.api('DELETE', `/api/agents/agent_edit/integrations/${id}`)).status).toBe(204);
    expect((await hub.api('GET', `/api/agents/agent_edit/integrations/${id}`)).status).toBe(404);
  });
});
