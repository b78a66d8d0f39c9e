import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPipedriveSim, type PipedriveSim } from '../../connectors/pipedrive/sim/index.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { firstIntegrationDone } from '../helpers/fixtures.js';

let hub: TestHub;
let sim: PipedriveSim;

const call = (id: string, over: Record<string, unknown> = {}) => ({
  call_id: id,
  customer_name: 'Ada Lovelace',
  customer_phone: '+14155550100',
  customer_email: 'ada@example.com',
  call_outcome: 'qualified_lead',
  call_summary: 'Wants a demo for 20 seats',
  started_at: '2026-02-15T14:30:00Z',
  ended_at: '2026-02-15T14:35:00Z',
  ...over,
});

const finished = (agent: string, callId: string): Promise<any> => firstIntegrationDone(hub.api, agent, callId);

beforeAll(async () => {
  sim = await startPipedriveSim();
  hub = await startTestHub(
    { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ pipedrive: { baseUrl: `${sim.url}/v1` } }) },
    { connectors: ['pipedrive'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});
beforeEach(() => sim.reset());

describe('Pipedrive end to end (manifest only)', () => {
  it('a booked call becomes person, note, meeting and deal; the same call again adds nothing', async () => {
    const res = await hub.api('POST', '/api/agents/agent_pd/integrations/connect', {
      type: 'pipedrive',
      api_key: sim.apiToken,
      config: { stage_id: 2 },
    });
    expect(res.status).toBe(201);
    expect((await hub.api('POST', `/api/agents/agent_pd/integrations/${res.body.id}/test`)).body).toMatchObject({ ok: true });
    const body = call('call_pd_1', {
      call_outcome: 'appointment_booked',
      appointment_booked: { date: '2026-03-02', time: '09:30', timezone: 'Europe/London', durationMinutes: 45 },
    });
    await hub.api('POST', '/api/agents/agent_pd/calls', body);
    const result = await finished('agent_pd', 'call_pd_1');
    expect(result.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'contact:succeeded',
      'note:succeeded',
      'appointment:succeeded',
      'opportunity:succeeded',
    ]);
    expect(sim.activities.all()[0]).toMatchObject({ due_date: '2026-03-02', due_time: '09:30', duration: '00:45', type: 'meeting' });
    expect(sim.deals.all()[0]).toMatchObject({ stage_id: 2 });
    expect((await hub.api('POST', '/api/agents/agent_pd/calls', body)).body.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect([sim.persons.size, sim.notes.size, sim.activities.size, sim.deals.size]).toEqual([1, 1, 1, 1]);
    expect(sim.violations).toEqual([]);
  });

  it('two different calls from the same phone at the same moment make one person and two notes', async () => {
    await hub.api('POST', '/api/agents/agent_pd_race/integrations/connect', { type: 'pipedrive', api_key: sim.apiToken });
    sim.inject({ method: 'GET', path: '/v1/persons/search', delayMs: 300, times: 4 });
    const calls = ['call_pd_a', 'call_pd_b'].map((id) => call(id, { call_outcome: 'message_taken', customer_email: null }));
    await Promise.all(calls.map((c) => hub.api('POST', '/api/agents/agent_pd_race/calls', c)));
    for (const c of calls) expect((await finished('agent_pd_race', c.call_id)).status).toBe('succeeded');
    expect(sim.persons.size).toBe(1);
    expect(sim.notes.size).toBe(2);
    expect(sim.violations).toEqual([]);
  });
});
