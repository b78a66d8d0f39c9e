import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { callDone, sampleCall } from '../helpers/fixtures.js';

let hub: TestHub;
let zap: Awaited<ReturnType<typeof startZapierSim>>;
const AGENT = 'agent_limits';

/** A value nested `depth` levels deep ({"a":{"a":…"end"}}), written as text so building it needs no recursion. */
const deepText = (depth: number) => '{"a":'.repeat(depth) + '"end"' + '}'.repeat(depth);
/** A call body whose custom field `deep` holds a value `depth` levels deep (the body itself is one more). */
const callWithDeepField = (callId: string, depth: number) =>
  JSON.stringify(sampleCall(callId)).replace(/}$/, `,"deep":${deepText(depth)}}`);

beforeAll(async () => {
  zap = await startZapierSim();
  hub = await startTestHub({}, { connectors: ['zapier'] });
  const res = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
    type: 'zapier',
    webhook_url: `${zap.url}/hooks/catch/1/limits/`,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
});
afterAll(async () => {
  await hub?.close();
  await zap?.close();
});

describe('limits at the boundary', () => {
  it('a call with JSON nested 2,000 deep is refused with a 400 naming the body, and nothing is stored', async () => {
    const res = await hub.api('POST', `/api/agents/${AGENT}/calls`, callWithDeepField('call_deep_2000', 2000));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'HUB_ERR_VALIDATION', field: 'body', message: expect.stringContaining('at most 32 levels') });
    expect((await hub.api('GET', `/api/agents/${AGENT}/calls/call_deep_2000`)).status).toBe(404);
    expect((await hub.api('GET', '/health')).status).toBe(200);
  });

  it('a call at the depth limit is accepted, syncs, and every later read of it answers', async () => {
    const res = await hub.api('POST', `/api/agents/${AGENT}/calls`, callWithDeepField('call_deep_31', 31));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const status = await callDone(hub.api, AGENT, 'call_deep_31');
    expect(status.integrations[0].status).toBe('succeeded');
    expect((await hub.api('GET', `/api/agents/${AGENT}/sync-logs?limit=5`)).status).toBe(200);
    const sent = zap
      .caught()
      .map((c) => c.body as { call: Record<string, unknown> })
      .find((b) => b.call.call_id === 'call_deep_31');
    expect(JSON.stringify(sent?.call.deep)).toBe(deepText(31));
  });

  it('deep JSON on connect, PUT and the outbound trigger is a 400 too, never a 500', async () => {
    const deep = (prefix: string) => `${prefix.replace(/}$/, ',')}"config":${deepText(2000)}}`;
    const connect = await hub.api(
      'POST',
      `/api/agents/${AGENT}/integrations/connect`,
      deep('{"type":"zapier","webhook_url":"https://hooks.zapier.com/hooks/catch/1/x/"}'),
    );
    expect([connect.status, connect.body.field]).toEqual([400, 'body']);
    const list = await hub.api('GET', `/api/agents/${AGENT}/integrations`);
    const put = await hub.api('PUT', `/api/agents/${AGENT}/integrations/${list.body.integrations[0].id}`, deep('{}'));
    expect([put.status, put.body.field]).toEqual([400, 'body']);
    const trigger = await hub.api('POST', `/api/agents/${AGENT}/outbound/call`, deep('{"phone":"+14155550123"}'));
    expect([trigger.status, trigger.body.field]).toEqual([400, 'body']);
    expect((await hub.api('GET', `/api/agents/${AGENT}/integrations`)).body.integrations).toHaveLength(1);
  });

  it('4.8 MB of unknown fields are refused, naming what is allowed', async () => {
    const res = await hub.api('POST', `/api/agents/${AGENT}/calls`, {
      ...sampleCall('call_huge'),
      ...Object.fromEntries(Array.from({ length: 96 }, (_, i) => [`extra_${i}`, 'x'.repeat(50_000)])),
    });
    expect(res.status).toBe(400);
    expect(res.body.field).toMatch(/^body\.extra_\d+$/);
    expect(res.body.message).toMatch(/at most 10000 characters/);
    const many = await hub.api('POST', `/api/agents/${AGENT}/calls`, {
      ...sampleCall('call_wide'),
      ...Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`extra_${i}`, 'x'.repeat(2_000)])),
    });
    expect(many.status).toBe(400);
    expect(many.body.message).toMatch(/at most 65536 bytes/);
    expect((await hub.api('GET', `/api/agents/${AGENT}/calls/call_huge`)).status).toBe(404);
  });

  it('a phone that is not a phone is kept as given and flagged; the call still syncs', async () => {
    const res = await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('call_bad_phone', { customer_phone: 'not a phone' }));
    expect(res.status).toBe(202);
    await callDone(hub.api, AGENT, 'call_bad_phone');
    const sent = zap
      .caught()
      .map((c) => c.body as { call: Record<string, unknown> })
      .find((b) => b.call.call_id === 'call_bad_phone');
    expect(sent?.call).toMatchObject({ customer_phone: 'not a phone', customer_phone_valid: false });
  });
});
