import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHousecallproSim, type HousecallproSim } from '../../connectors/housecallpro/sim/index.js';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';

let hub: TestHub;
let sim: HousecallproSim;

const call = (id: string, over: Record<string, unknown> = {}) => ({
  call_id: id,
  customer_name: 'Homer Simpson',
  customer_phone: '+1 (407) 978-0655',
  customer_email: 'homer@example.com',
  call_outcome: 'appointment_booked',
  call_summary: 'Water heater leaking in the basement',
  call_sentiment: 'neutral',
  started_at: '2026-02-15T14:30:00Z',
  ended_at: '2026-02-15T14:35:00Z',
  address: '742 Evergreen Terrace, Springfield, IL 62704',
  ...over,
});

async function finished(agent: string, callId: string): Promise<any> {
  return eventually(async () => {
    const r = await hub.api('GET', `/api/agents/${agent}/calls/${callId}`);
    const s = r.body.integrations?.[0]?.status;
    return (s === 'succeeded' || s === 'failed') && r.body.integrations[0];
  }, 15_000, `call ${callId} to finish`);
}

async function connect(agent: string, config: Record<string, unknown> = { default_employee_id: 'pro_sim_1' }): Promise<string> {
  const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, { type: 'housecallpro', api_key: sim.apiKey, config });
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  sim = await startHousecallproSim();
  hub = await startTestHub({ HUB_CONNECTOR_OVERRIDES: JSON.stringify({ housecallpro: { baseUrl: sim.url } }) }, { connectors: ['housecallpro'] });
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});
beforeEach(() => sim.reset());

describe('Housecall Pro end to end', () => {
  it('connect fills the config defaults; a booked call becomes customer, scheduled job and job note; the same call again adds nothing', async () => {
    const res = await hub.api('POST', '/api/agents/agent_hcp/integrations/connect', { type: 'housecallpro', api_key: sim.apiKey, config: { default_employee_id: 'pro_sim_1' } });
    expect(res.body.config).toMatchObject({ business_hours_start: 8, business_hours_end: 18, slot_duration_minutes: 120 });
    const body = call('call_hcp_1', { appointment_booked: { date: '2030-01-08', time: '10:00', timezone: 'America/New_York' } });
    expect((await hub.api('POST', '/api/agents/agent_hcp/calls', body)).status).toBe(202);
    const result = await finished('agent_hcp', 'call_hcp_1');
    expect(result.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(['contact:succeeded', 'job:succeeded', 'note:succeeded']);
    expect(sim.customers.size).toBe(1);
    expect(sim.jobs.size).toBe(1);
    expect(sim.jobs.all()[0]).toMatchObject({ schedule: { scheduled_start: '2030-01-08T15:00:00.000Z' }, notes: [expect.objectContaining({ content: expect.stringContaining('Water heater') })] });

    expect((await hub.api('POST', '/api/agents/agent_hcp/calls', body)).body.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect([sim.customers.size, sim.jobs.size, sim.jobs.all()[0].notes.length]).toEqual([1, 1, 1]);
    expect(sim.violations).toEqual([]);
  });

  it('a message-only call notes the customer; a second call later from the same phone finds the customer', async () => {
    await connect('agent_msg');
    await hub.api('POST', '/api/agents/agent_msg/calls', call('call_msg_1', { call_outcome: 'message_taken', address: undefined }));
    expect((await finished('agent_msg', 'call_msg_1')).status).toBe('succeeded');
    await hub.api('POST', '/api/agents/agent_msg/calls', call('call_msg_2', { call_outcome: 'message_taken', call_summary: 'Called back about the quote', customer_email: null }));
    expect((await finished('agent_msg', 'call_msg_2')).status).toBe('succeeded');
    expect(sim.customers.size).toBe(1);
    const notes = String(sim.customers.all()[0].notes);
    expect(notes).toContain('Water heater');
    expect(notes).toContain('Called back about the quote');
    expect(sim.violations).toEqual([]);
  });

  it('two different calls from the same phone at the same moment make one customer, even when search is slow', async () => {
    await connect('agent_race');
    // A slow search widens the window in which both jobs would see "no such customer" and both create one.
    sim.inject({ method: 'GET', path: '/customers', delayMs: 400, times: 4 });
    const calls = ['call_race_a', 'call_race_b', 'call_race_c'].map((id) => call(id, { call_outcome: 'message_taken', customer_email: null, address: undefined }));
    await Promise.all(calls.map((c) => hub.api('POST', '/api/agents/agent_race/calls', c)));
    for (const c of calls) expect((await finished('agent_race', c.call_id)).status).toBe('succeeded');
    expect(sim.customers.size).toBe(1);
    expect(sim.requests.filter((r) => r.method === 'POST' && r.path === '/customers')).toHaveLength(1);
    expect(sim.violations).toEqual([]);
  });

  it('a wrong key marks the integration needs_reauth and the key never shows', async () => {
    const res = await hub.api('POST', '/api/agents/agent_bad/integrations/connect', { type: 'housecallpro', api_key: 'hcp_wrong_key_000000000', config: {} });
    await hub.api('POST', '/api/agents/agent_bad/calls', call('call_bad_1'));
    expect((await finished('agent_bad', 'call_bad_1')).status).toBe('failed');
    const after = await hub.api('GET', `/api/agents/agent_bad/integrations/${res.body.id}`);
    expect(after.body.status).toBe('needs_reauth');
    const logs = await hub.api('GET', '/api/agents/agent_bad/sync-logs');
    expect(JSON.stringify(logs.body)).not.toContain('hcp_wrong_key_000000000');
    expect(hub.logs.join('\n')).not.toContain('hcp_wrong_key_000000000');
    expect(hub.logs.join('\n')).not.toContain(sim.apiKey);
  });
});
