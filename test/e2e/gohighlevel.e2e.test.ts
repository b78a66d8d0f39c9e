import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { firstIntegrationDone } from '../helpers/fixtures.js';

let hub: TestHub;
let sim: GohighlevelSim;

/** A weekday at least a week ahead, inside the simulator calendar's opening hours. */
function futureWeekday(): string {
  const d = new Date(Date.now() + 8 * 86_400_000);
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const call = (id: string, over: Record<string, unknown> = {}) => ({
  call_id: id,
  customer_name: 'Jane Smith',
  customer_phone: '+14079780655',
  customer_email: 'jane@example.com',
  call_outcome: 'appointment_booked',
  call_summary: 'Customer scheduled roof inspection',
  call_sentiment: 'positive',
  recording_url: 'https://recordings.example.com/call.mp3',
  started_at: '2026-02-15T14:30:00Z',
  ended_at: '2026-02-15T14:35:00Z',
  ...over,
});

const finished = (agent: string, callId: string): Promise<any> => firstIntegrationDone(hub.api, agent, callId);

beforeAll(async () => {
  sim = await startGohighlevelSim();
  hub = await startTestHub(
    { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: sim.url } }) },
    { connectors: ['gohighlevel'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});

describe('GoHighLevel end to end', () => {
  it('the original spec connect body works as written; config is checked, naming the field', async () => {
    const ok = await hub.api('POST', '/api/agents/agent_spec/integrations/connect', {
      type: 'gohighlevel',
      api_key: sim.token,
      config: { location_id: sim.locationId },
    });
    expect(ok.status).toBe(201);
    expect(JSON.stringify(ok.body)).not.toContain(sim.token);
    const test = await hub.api('POST', `/api/agents/agent_spec/integrations/${ok.body.id}/test`);
    expect(test.body).toMatchObject({ ok: true });
    const bad = await hub.api('POST', '/api/agents/agent_spec/integrations/connect', {
      type: 'gohighlevel',
      api_key: sim.token,
      config: {},
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('config.location_id');
    const noKey = await hub.api('POST', '/api/agents/agent_spec/integrations/connect', {
      type: 'gohighlevel',
      config: { location_id: sim.locationId },
    });
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body)).toContain('api_key');
  });

  it('a call becomes contact, note, appointment, workflow and opportunity; the same call again adds nothing', async () => {
    sim.reset();
    const agent = 'agent_full';
    const config = {
      location_id: sim.locationId,
      calendar_id: 'cal_sim_1',
      user_id: 'user_sim_1',
      workflow_id: 'wf_sim_1',
      pipeline_id: 'pipe_sim_1',
      pipeline_stage_id: 'stage_booked',
    };
    const connected = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
      type: 'gohighlevel',
      api_key: sim.token,
      config,
      field_mappings: { call_outcome: 'call_outcome' },
    });
    expect(connected.status).toBe(201);
    const date = futureWeekday();
    const body = call('call_ghl_1', { appointment_booked: { date, time: '15:00', timezone: 'America/New_York', durationMinutes: 30 } });
    expect((await hub.api('POST', `/api/agents/${agent}/calls`, body)).status).toBe(202);
    const result = await finished(agent, 'call_ghl_1');
    expect(result.status).toBe('succeeded');
    expect(result.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'contact:succeeded',
      'note:succeeded',
      'appointment:succeeded',
      'workflow:succeeded',
      'opportunity:succeeded',
    ]);
    expect(sim.contacts.size).toBe(1);
    expect(sim.contacts.all()[0].customFields).toEqual([{ id: 'cf_call_outcome', value: 'appointment_booked' }]);
    expect(sim.notes.size).toBe(1);
    expect(sim.appointments.all()[0]).toMatchObject({ startTime: `${date}T15:00:00-05:00` });
    expect(sim.enrollments.size).toBe(1);
    expect(sim.opportunities.size).toBe(1);

    const again = await hub.api('POST', `/api/agents/${agent}/calls`, body);
    expect(again.body.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect([sim.contacts.size, sim.notes.size, sim.appointments.size, sim.opportunities.size]).toEqual([1, 1, 1, 1]);
    expect(sim.violations).toEqual([]);
    expect(hub.logs.join('\n')).not.toContain(sim.token);
  });

  it('two different calls from the same phone at the same moment make one contact and two notes', async () => {
    sim.reset();
    const agent = 'agent_race';
    await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
      type: 'gohighlevel',
      api_key: sim.token,
      config: { location_id: sim.locationId },
    });
    const calls = ['call_race_a', 'call_race_b'].map((id) => call(id, { customer_email: null, customer_phone: '(407) 978-0655' }));
    await Promise.all(calls.map((c) => hub.api('POST', `/api/agents/${agent}/calls`, c)));
    for (const c of calls) expect((await finished(agent, c.call_id)).status).toBe('succeeded');
    expect(sim.contacts.size).toBe(1);
    expect(sim.notes.size).toBe(2);
    expect(sim.violations).toEqual([]);
  });

  it('stays under the quota the X-RateLimit headers report: no 429 while syncing a burst', async () => {
    const tight = await startGohighlevelSim({ rateLimit: { limit: 6, windowMs: 1500 } });
    const h = await startTestHub(
      { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: tight.url } }) },
      { connectors: ['gohighlevel'] },
    );
    try {
      await h.api('POST', '/api/agents/agent_rl/integrations/connect', {
        type: 'gohighlevel',
        api_key: tight.token,
        config: { location_id: tight.locationId },
      });
      const checkedAtConnect = tight.requests.length; // the connection test's request
      const started = Date.now();
      const ids = Array.from({ length: 6 }, (_, i) => `call_rl_${i}`);
      await Promise.all(
        ids.map((id, i) =>
          h.api('POST', '/api/agents/agent_rl/calls', call(id, { customer_phone: `+1415555020${i}`, customer_email: null })),
        ),
      );
      await eventually(
        async () => {
          const states = await Promise.all(
            ids.map(async (id) => (await h.api('GET', `/api/agents/agent_rl/calls/${id}`)).body.integrations?.[0]?.status),
          );
          return states.every((s) => s === 'succeeded');
        },
        20_000,
        'the burst to sync',
      );
      // 12 requests (upsert + note per call) through a 6-per-1.5 s quota take at least one extra window.
      expect(Date.now() - started).toBeGreaterThan(1400);
      expect(tight.requests.filter((r) => r.status === 429)).toEqual([]);
      expect(tight.requests.length - checkedAtConnect).toBe(12);
    } finally {
      await h.close();
      await tight.close();
    }
  });
});

describe('GoHighLevel availability and booking routes', () => {
  const agent = 'agent_sched';
  const base = `/api/agents/${agent}/integrations/gohighlevel`;

  /** The calendar's free slots for one local day, asked of the simulator directly. */
  async function simSlots(date: string, timezone: string): Promise<string[]> {
    const url = new URL(`${sim.url}/calendars/cal_sim_1/free-slots`);
    const start = Date.parse(`${date}T00:00:00Z`) - 86_400_000;
    url.searchParams.set('startDate', String(start));
    url.searchParams.set('endDate', String(start + 3 * 86_400_000));
    url.searchParams.set('timezone', timezone);
    const res = await fetch(url, { headers: { authorization: `Bearer ${sim.token}`, version: '2021-04-15' } });
    return ((await res.json()) as Record<string, { slots: string[] }>)[date]?.slots ?? [];
  }

  beforeAll(async () => {
    sim.reset();
    const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
      type: 'gohighlevel',
      api_key: sim.token,
      config: { location_id: sim.locationId, calendar_id: 'cal_sim_1', user_id: 'user_sim_1' },
    });
    expect(res.status).toBe(201);
  });

  it('availability answers the calendar free slots of the day in the asked zone; a booking takes one', async () => {
    const date = futureWeekday();
    for (const zone of ['America/New_York', 'America/Los_Angeles']) {
      const res = await hub.api('GET', `${base}/availability?date=${date}&timezone=${encodeURIComponent(zone)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'gohighlevel', date, timezone: zone });
      expect(res.body.slots).toEqual(await simSlots(date, zone));
    }
    const before = (await hub.api('GET', `${base}/availability?date=${date}&timezone=America/New_York`)).body.slots as string[];
    expect(before.length).toBe(16);
    const eleven = before.find((s) => s.startsWith(`${date}T11:00`))!;

    const booked = await hub.api('POST', `${base}/book`, {
      title: 'Roof inspection',
      date,
      time: '11:00',
      timezone: 'America/New_York',
      durationMinutes: 30,
      customer_name: 'Ned Flanders',
      customer_phone: '+1 415 555 0199',
    });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ booked: true, contact_id: expect.any(String), appointment: { startTime: eleven } });
    expect(sim.appointments.all()).toMatchObject([
      { calendarId: 'cal_sim_1', title: 'Roof inspection', startTime: eleven, contactId: booked.body.contact_id },
    ]);
    expect(sim.contacts.find((c) => c.phone === '+14155550199')).toHaveLength(1);

    const after = (await hub.api('GET', `${base}/availability?date=${date}&timezone=America/New_York`)).body.slots as string[];
    expect(after).toEqual(before.filter((s) => s !== eleven));
    expect(sim.violations).toEqual([]);
  });

  it('a booking with no caller to file it on, a bad date or a bad time zone answers 400 naming the field', async () => {
    const date = futureWeekday();
    const noContact = await hub.api('POST', `${base}/book`, {
      title: 'Nobody',
      date,
      time: '12:00',
      timezone: 'America/New_York',
      durationMinutes: 30,
    });
    expect(noContact.status).toBe(400);
    expect(noContact.body.field).toBe('customer_phone');
    for (const [query, field] of [
      [`date=2026-02-30&timezone=America/New_York`, 'date'],
      [`date=tomorrow&timezone=America/New_York`, 'date'],
      [`date=${date}&timezone=Mars/Olympus`, 'timezone'],
    ]) {
      const res = await hub.api('GET', `${base}/availability?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toContain(field);
    }
    const badZone = await hub.api('POST', `${base}/book`, {
      title: 'x',
      date,
      time: '12:00',
      timezone: 'Nowhere/Else',
      durationMinutes: 30,
      customer_phone: '+14155550199',
    });
    expect([badZone.status, badZone.body.field]).toEqual([400, 'body.timezone']);
    const badDate = await hub.api('POST', `${base}/book`, {
      title: 'x',
      date: '2026-02-31',
      time: '12:00',
      timezone: 'America/New_York',
      durationMinutes: 30,
      customer_phone: '+14155550199',
    });
    expect(badDate.status).toBe(400);
    expect(badDate.body.field).toContain('date');
    expect(sim.appointments.size).toBe(1);
  });
});
