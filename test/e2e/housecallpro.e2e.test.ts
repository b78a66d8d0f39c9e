import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHousecallproSim, type HousecallproSim } from '../../connectors/housecallpro/sim/index.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { firstIntegrationDone } from '../helpers/fixtures.js';

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

const finished = (agent: string, callId: string): Promise<any> => firstIntegrationDone(hub.api, agent, callId);

async function connect(agent: string, config: Record<string, unknown> = { default_employee_id: 'pro_sim_1' }): Promise<string> {
  const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, { type: 'housecallpro', api_key: sim.apiKey, config });
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  sim = await startHousecallproSim();
  hub = await startTestHub(
    { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ housecallpro: { baseUrl: sim.url } }) },
    { connectors: ['housecallpro'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});
beforeEach(() => sim.reset());

describe('Housecall Pro end to end', () => {
  it('connect fills the config defaults; a booked call becomes customer, scheduled job and job note; the same call again adds nothing', async () => {
    const res = await hub.api('POST', '/api/agents/agent_hcp/integrations/connect', {
      type: 'housecallpro',
      api_key: sim.apiKey,
      config: { default_employee_id: 'pro_sim_1' },
    });
    expect(res.body.config).toMatchObject({ business_hours_start: 8, business_hours_end: 18, slot_duration_minutes: 120 });
    const body = call('call_hcp_1', { appointment_booked: { date: '2030-01-08', time: '10:00', timezone: 'America/New_York' } });
    expect((await hub.api('POST', '/api/agents/agent_hcp/calls', body)).status).toBe(202);
    const result = await finished('agent_hcp', 'call_hcp_1');
    expect(result.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'contact:succeeded',
      'job:succeeded',
      'note:succeeded',
    ]);
    expect(sim.customers.size).toBe(1);
    expect(sim.jobs.size).toBe(1);
    expect(sim.jobs.all()[0]).toMatchObject({
      schedule: { scheduled_start: '2030-01-08T15:00:00.000Z' },
      notes: [expect.objectContaining({ content: expect.stringContaining('Water heater') })],
    });

    expect((await hub.api('POST', '/api/agents/agent_hcp/calls', body)).body.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect([sim.customers.size, sim.jobs.size, sim.jobs.all()[0].notes.length]).toEqual([1, 1, 1]);
    expect(sim.violations).toEqual([]);
  });

  it('a message-only call notes the customer; a second call later from the same phone finds the customer', async () => {
    await connect('agent_msg');
    await hub.api('POST', '/api/agents/agent_msg/calls', call('call_msg_1', { call_outcome: 'message_taken', address: undefined }));
    expect((await finished('agent_msg', 'call_msg_1')).status).toBe('succeeded');
    await hub.api(
      'POST',
      '/api/agents/agent_msg/calls',
      call('call_msg_2', { call_outcome: 'message_taken', call_summary: 'Called back about the quote', customer_email: null }),
    );
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
    const calls = ['call_race_a', 'call_race_b', 'call_race_c'].map((id) =>
      call(id, { call_outcome: 'message_taken', customer_email: null, address: undefined }),
    );
    await Promise.all(calls.map((c) => hub.api('POST', '/api/agents/agent_race/calls', c)));
    for (const c of calls) expect((await finished('agent_race', c.call_id)).status).toBe('succeeded');
    expect(sim.customers.size).toBe(1);
    expect(sim.requests.filter((r) => r.method === 'POST' && r.path === '/customers')).toHaveLength(1);
    expect(sim.violations).toEqual([]);
  });

  it("a wrong key is refused at connect with the CRM's own message, nothing is stored, and the key never shows", async () => {
    const res = await hub.api('POST', '/api/agents/agent_bad/integrations/connect', {
      type: 'housecallpro',
      api_key: 'hcp_wrong_key_000000000',
      config: {},
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'api_key', message: expect.stringContaining('Unauthorized') });
    expect(JSON.stringify(res.body)).not.toContain('hcp_wrong_key_000000000');
    expect((await hub.api('GET', '/api/agents/agent_bad/integrations')).body.integrations).toEqual([]);
    const viaAuthData = await hub.api('POST', '/api/agents/agent_bad/integrations/connect', {
      type: 'housecallpro',
      auth_data: { api_key: 'hcp_wrong_key_000000000' },
    });
    expect(viaAuthData.body.field).toBe('auth_data.api_key');
    const skip = await hub.api('POST', '/api/agents/agent_bad/integrations/connect', {
      type: 'housecallpro',
      api_key: 'hcp_wrong_key_000000000',
      test: false,
    });
    expect(skip.body).toMatchObject({ field: 'test', message: expect.stringContaining('always checked') });
    expect(hub.logs.join('\n')).not.toContain('hcp_wrong_key_000000000');
    expect(hub.logs.join('\n')).not.toContain(sim.apiKey);
  });
});

describe('Housecall Pro availability and booking routes', () => {
  const DATE = '2030-01-08';
  const base = (agent: string) => `/api/agents/${agent}/integrations/housecallpro`;
  const slotsOf = async (agent: string, date = DATE) => {
    const res = await hub.api('GET', `${base(agent)}/availability?date=${date}&timezone=America/New_York`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it("availability is business hours minus the day's jobs; a booking for a known caller makes a scheduled job on their address", async () => {
    const agent = 'agent_hcp_sched';
    await connect(agent);
    expect((await slotsOf(agent)).slots).toEqual(['08:00', '10:00', '12:00', '14:00', '16:00'].map((t) => `${DATE}T${t}:00-05:00`));
    // A synced call books 10:00-12:00 for the configured employee.
    await hub.api(
      'POST',
      `/api/agents/${agent}/calls`,
      call('call_sched_1', { appointment_booked: { date: DATE, time: '10:00', timezone: 'America/New_York' } }),
    );
    expect((await finished(agent, 'call_sched_1')).status).toBe('succeeded');
    const day = await slotsOf(agent);
    expect(day).toMatchObject({ type: 'housecallpro', date: DATE, timezone: 'America/New_York', slotMinutes: 120, busy: 1 });
    expect(day.slots).toEqual(['08:00', '12:00', '14:00', '16:00'].map((t) => `${DATE}T${t}:00-05:00`));

    const booked = await hub.api('POST', `${base(agent)}/book`, {
      title: 'Water heater install',
      date: DATE,
      time: '14:00',
      timezone: 'America/New_York',
      durationMinutes: 120,
      customer_phone: '(407) 978-0655',
      notes: 'Bring a 50 gallon tank',
    });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      booked: true,
      contact_id: sim.customers.all()[0].id,
      appointment: { created: true, scheduled_start: '2030-01-08T19:00:00.000Z' },
    });
    expect(sim.customers.size).toBe(1);
    const job = sim.jobs.find((j) => j.id === booked.body.appointment.id)[0];
    expect(job).toMatchObject({
      schedule: { scheduled_start: '2030-01-08T19:00:00.000Z', scheduled_end: '2030-01-08T21:00:00.000Z' },
      assigned_employees: [expect.objectContaining({ id: 'pro_sim_1' })],
      address: { street: '742 Evergreen Terrace' },
    });
    expect(job.notes).toEqual([expect.objectContaining({ content: 'Water heater install: Bring a 50 gallon tank' })]);
    expect((await slotsOf(agent)).slots).toEqual(['08:00', '12:00', '16:00'].map((t) => `${DATE}T${t}:00-05:00`));
    expect(sim.violations).toEqual([]);
  });

  it('a booking for a new caller takes the address from the request; without one, or without a caller, it answers 400 naming the field', async () => {
    const agent = 'agent_hcp_book';
    await connect(agent);
    const body = { title: 'Leak check', date: DATE, time: '08:00', timezone: 'America/New_York', durationMinutes: 60 };
    const noCaller = await hub.api('POST', `${base(agent)}/book`, body);
    expect([noCaller.status, noCaller.body.field]).toEqual([400, 'customer_phone']);
    const noAddress = await hub.api('POST', `${base(agent)}/book`, {
      ...body,
      customer_name: 'Moe Szyslak',
      customer_phone: '+14155550111',
    });
    expect([noAddress.status, noAddress.body.field]).toEqual([400, 'address']);
    expect(sim.jobs.size).toBe(0);
    const ok = await hub.api('POST', `${base(agent)}/book`, {
      ...body,
      customer_name: 'Moe Szyslak',
      customer_phone: '+14155550111',
      address: '57 Walnut St, Springfield, IL 62704',
    });
    expect(ok.status).toBe(201);
    expect(sim.customers.size).toBe(1);
    expect(sim.jobs.all()).toMatchObject([
      {
        address: { street: '57 Walnut St', city: 'Springfield', zip: '62704' },
        schedule: { scheduled_start: '2030-01-08T13:00:00.000Z', scheduled_end: '2030-01-08T14:00:00.000Z' },
      },
    ]);
    expect(sim.violations).toEqual([]);
  });

  it("with no timezone configured, availability follows the company's own zone (GET /company), read once per request", async () => {
    const agent = 'agent_hcp_zone';
    const id = await connect(agent);
    expect((await hub.api('GET', `/api/agents/${agent}/integrations/${id}`)).body.config).not.toHaveProperty('timezone');
    sim.options.company.time_zone = 'America/Denver';
    try {
      const day = await slotsOf(agent);
      expect(day).toMatchObject({
        timezone: 'America/Denver',
        slots: ['08:00', '10:00', '12:00', '14:00', '16:00'].map((t) => `${DATE}T${t}:00-07:00`),
      });
      expect(sim.requests.filter((r) => r.path === '/company')).toHaveLength(1);
    } finally {
      sim.options.company.time_zone = 'America/New_York';
    }
    await connect('agent_hcp_zone_set', { default_employee_id: 'pro_sim_1', timezone: 'America/Chicago' });
    expect((await slotsOf('agent_hcp_zone_set')).slots[0]).toBe(`${DATE}T08:00:00-06:00`);
    expect(sim.requests.filter((r) => r.path === '/company')).toHaveLength(1);
  });

  it('a bad date or time zone answers 400 naming the field', async () => {
    const agent = 'agent_hcp_bad';
    await connect(agent);
    const checkedAtConnect = sim.requests.length; // the connection test's request
    for (const [query, field] of [
      ['date=2030-02-30&timezone=America/New_York', 'date'],
      ['date=08-01-2030', 'date'],
      [`date=${DATE}&timezone=Atlantis/Central`, 'timezone'],
    ]) {
      const res = await hub.api('GET', `${base(agent)}/availability?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toContain(field);
    }
    const res = await hub.api('POST', `${base(agent)}/book`, {
      title: 'x',
      date: DATE,
      time: '25:00',
      timezone: 'America/New_York',
      durationMinutes: 60,
      customer_phone: '+14155550111',
    });
    expect(res.status).toBe(400);
    expect(res.body.field).toContain('time');
    expect(sim.requests.slice(checkedAtConnect)).toEqual([]);
  });
});
