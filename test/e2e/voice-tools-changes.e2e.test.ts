import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startHousecallproSim, type HousecallproSim } from '../../connectors/housecallpro/sim/index.js';
import type { RetellSim } from '../../connectors/retell/sim/index.js';
import { startHubspotSim } from '../../connectors/hubspot/sim/index.js';
import { ConnectorRuntime, createAuthStrategy, silentLogger } from '@hub/core';
import { fileURLToPath } from 'node:url';
import { loadConnector } from '../helpers/connector.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { connectVoice, retellCall, signedPost, withRetellSim } from '../helpers/voice.js';
import { connectOAuth, oauthEnv } from '../helpers/oauth.js';

const KEY = 'key_changes_test_00000000000';
let ghl: GohighlevelSim;
let hcp: HousecallproSim;
let retell: RetellSim;
let hub: TestHub;

beforeAll(async () => {
  [ghl, hcp] = await Promise.all([startGohighlevelSim(), startHousecallproSim()]);
  const withRetell = await withRetellSim(
    { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url }, housecallpro: { baseUrl: hcp.url } }) },
    KEY,
  );
  retell = withRetell.retell;
  hub = await startTestHub(withRetell.env, { connectors: ['gohighlevel', 'housecallpro', 'retell'] });
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([ghl?.close(), hcp?.close(), retell?.close()]);
});

/** A weekday a couple of weeks ahead (the GHL simulator's calendar opens Mon-Fri 09:00-17:00 New York time). */
function weekdayAhead(): string {
  const d = new Date(Date.now() + 14 * 86_400_000);
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const ZONE = 'America/New_York';

/** Makes the agent's voice hook on hub `h`: the tool names and calendar its tools endpoint lists, and a signed tool call to it. */
async function voiceHook(h: TestHub, agent: string) {
  const voice = await connectVoice(h.api, agent, KEY);
  const listed = await h.api('GET', `/api/agents/${agent}/voice-webhooks/${voice.voiceWebhookId}/tools`);
  const tool = (name: string, args: Record<string, unknown>, call: Record<string, unknown>) =>
    signedPost(h, `${voice.path}/tools/${name}`, { name, args, call }, KEY);
  return { names: listed.body.tools.map((t: { name: string }) => t.name) as string[], calendar: listed.body.calendar, tool };
}

type Tool = Awaited<ReturnType<typeof voiceHook>>['tool'];

/** Moves the call's booking to 14:30 on `day`; the answer must say it moved. */
async function moveTo1430(tool: Tool, day: string, call: Record<string, unknown>) {
  const moved = await tool('reschedule_appointment', { start_time: `${day}T14:30:00`, timezone: ZONE }, call);
  expect(moved.body).toMatchObject({ rescheduled: true, duplicate: false, start: expect.stringContaining('T14:30:00') });
  return moved;
}

/** Cancels the call's booking, then retries: the first cancels, the retry answers the same as a duplicate. */
async function cancelTwice(tool: Tool, call: Record<string, unknown>): Promise<void> {
  const [first, again] = [await tool('cancel_appointment', {}, call), await tool('cancel_appointment', {}, call)];
  expect(first.body).toMatchObject({ cancelled: true, duplicate: false });
  expect(again.body).toMatchObject({ cancelled: true, duplicate: true });
}

describe('cancel and reschedule where the calendar allows', () => {
  it('GoHighLevel: offered, a taken time is refused in words, a free one moves the appointment, cancel deletes it once', async () => {
    const agent = 'agent_ghl_changes';
    const connected = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
      type: 'gohighlevel',
      api_key: ghl.token,
      config: { location_id: ghl.locationId, calendar_id: 'cal_sim_1' },
    });
    expect(connected.status).toBe(201);
    const { names, tool } = await voiceHook(hub, agent);
    expect(names).toContain('reschedule_appointment');
    expect(names).toContain('cancel_appointment');
    const day = weekdayAhead();
    const other = await tool(
      'book_appointment',
      { start_time: `${day}T11:00:00`, timezone: ZONE },
      retellCall('call_other', { from_number: '+14155550101' }),
    );
    expect(other.body.booked).toBe(true);
    const call = retellCall('call_ghl_change', { from_number: '+14155550102' });
    const mine = await tool('book_appointment', { start_time: `${day}T10:00:00`, timezone: ZONE }, call);
    const id = mine.body.appointment.id;

    const taken = await tool('reschedule_appointment', { start_time: `${day}T11:00:00`, timezone: ZONE }, call);
    expect(taken.status).toBe(200);
    expect(taken.body.error).toBe('time_unavailable');
    expect(taken.body.result).toMatch(/isn't free\. Would another time work\?$/);
    expect(ghl.appointments.get(id)).toMatchObject({ startTime: expect.stringContaining('T10:00:00') });

    const moved = await moveTo1430(tool, day, call);
    expect(Date.parse(String(ghl.appointments.get(id)!.startTime))).toBe(Date.parse(moved.body.start));

    await cancelTwice(tool, call);
    expect(ghl.appointments.get(id)).toMatchObject({ deleted: true });
    expect(ghl.appointments.get(other.body.appointment.id)!.deleted).toBeUndefined();
    expect(ghl.violations).toEqual([]);
  });

  it("Housecall Pro: offered; reschedule moves the booked job's schedule, cancel erases it once, spec-checked", async () => {
    const agent = 'agent_hcp_changes';
    const connected = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, { type: 'housecallpro', api_key: hcp.apiKey });
    expect(connected.status).toBe(201);
    // A known caller with an address: a Housecall Pro job goes on one of the customer's addresses.
    const seeded = await fetch(`${hcp.url}/customers`, {
      method: 'POST',
      headers: { authorization: `Token ${hcp.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        first_name: 'Ada',
        mobile_number: '4155550103',
        addresses: [{ street: '12 Oak St', city: 'Springfield', state: 'IL', zip: '62704' }],
      }),
    });
    expect(seeded.status).toBe(201);
    const { names, calendar, tool } = await voiceHook(hub, agent);
    expect(calendar).toMatchObject({ type: 'housecallpro' });
    expect(names).toEqual(expect.arrayContaining(['book_appointment', 'cancel_appointment', 'reschedule_appointment']));
    const day = weekdayAhead();
    const call = retellCall('call_hcp_change', { from_number: '+14155550103' });
    const mine = await tool('book_appointment', { start_time: `${day}T10:00:00`, timezone: ZONE }, call);
    expect(mine.body.booked).toBe(true);
    const id = mine.body.appointment.id;
    const schedule = () => hcp.jobs.get(id)!.schedule as { scheduled_start: string | null; scheduled_end: string | null };
    const booked = schedule();
    const length = Date.parse(booked.scheduled_end!) - Date.parse(booked.scheduled_start!);

    const moved = await moveTo1430(tool, day, call);
    expect(Date.parse(schedule().scheduled_start!)).toBe(Date.parse(moved.body.start));
    expect(Date.parse(schedule().scheduled_end!) - Date.parse(schedule().scheduled_start!)).toBe(length);
    expect(hcp.requests.filter((r) => r.method === 'PUT' && r.path === `/jobs/${id}/schedule`)).toHaveLength(1);

    await cancelTwice(tool, call);
    // The job stays for the office, unscheduled; the retry sent no second DELETE.
    expect(hcp.jobs.get(id)).toMatchObject({ work_status: 'needs scheduling', schedule: { scheduled_start: null, scheduled_end: null } });
    expect(hcp.requests.filter((r) => r.method === 'DELETE' && r.path === `/jobs/${id}/schedule`)).toHaveLength(1);
    expect(hcp.violations).toEqual([]);
  });

  it('HubSpot meetings end to end: offered on the voice hook; a booked meeting is moved, then cancelled once', async () => {
    const sim = await startHubspotSim();
    const withRetell = await withRetellSim(
      oauthEnv(
        'hubspot',
        { baseUrl: sim.url, authorizeUrl: `${sim.url}/oauth/authorize`, tokenUrl: `${sim.url}/oauth/v1/token` },
        { clientId: 'hubspot-client', clientSecret: 'hubspot-secret' },
      ),
      KEY,
    );
    const hsHub = await startTestHub(withRetell.env, { connectors: ['hubspot', 'retell'] });
    try {
      const agent = 'agent_hs_changes';
      await connectOAuth(hsHub, hsHub.api, agent, { type: 'hubspot' });
      const { names, calendar, tool } = await voiceHook(hsHub, agent);
      expect(calendar).toMatchObject({ type: 'hubspot' });
      expect(names).toEqual(expect.arrayContaining(['book_appointment', 'cancel_appointment', 'reschedule_appointment']));
      const day = weekdayAhead();
      const call = retellCall('call_hs_change', { from_number: '+14155550104' });
      const mine = await tool('book_appointment', { start_time: `${day}T10:00:00`, timezone: ZONE }, call);
      expect(mine.body.booked).toBe(true);
      const id = mine.body.appointment.id;
      const stored = sim.state.collection<{ id: string; properties: Record<string, string>; archived: boolean }>('meetings');

      const moved = await moveTo1430(tool, day, call);
      expect(Date.parse(stored.get(id)!.properties.hs_meeting_start_time)).toBe(Date.parse(moved.body.start));

      await cancelTwice(tool, call);
      expect(stored.get(id)!.archived).toBe(true);
      expect(sim.violations).toEqual([]);
    } finally {
      await hsHub.close();
      await Promise.all([sim.close(), withRetell.retell.close()]);
    }
  });

  it('HubSpot meetings: the operations archive the meeting and patch its times, spec-checked, and repeat safely', async () => {
    const sim = await startHubspotSim();
    try {
      const c = await loadConnector(fileURLToPath(new URL('../../connectors/hubspot', import.meta.url)), sim.url);
      const rt = new ConnectorRuntime(
        c,
        {
          view: { id: 'int_hs', tenantId: 't', agentId: 'a', type: 'hubspot', account: {} },
          config: {},
          credentials: { access_token: sim.accessToken() },
        },
        {
          allowPrivateUrls: true,
          limiters: new Map(),
          logger: silentLogger,
          oauth: () => createAuthStrategy({ type: 'bearer', field: 'access_token' }, 'hubspot'),
        },
      );
      const ctx = { call: {}, steps: {} };
      const meeting = (await rt.execute(
        'bookAppointment',
        {
          hs_meeting_title: 'Visit',
          hs_meeting_start_time: '2030-03-07T15:00:00.000Z',
          hs_meeting_end_time: '2030-03-07T16:00:00.000Z',
          hs_timestamp: '2030-03-07T15:00:00.000Z',
        },
        ctx,
      )) as { id: string };
      const moved = await rt.execute(
        'rescheduleAppointment',
        { id: meeting.id, start: '2030-03-07T13:30:00-05:00', end: '2030-03-07T14:30:00-05:00', timezone: 'America/New_York' },
        ctx,
      );
      expect(moved).toEqual({ id: meeting.id, start: '2030-03-07T18:30:00.000Z' });
      const stored = sim.state.collection<{ id: string; properties: Record<string, string>; archived: boolean }>('meetings');
      expect(stored.get(meeting.id)!.properties).toMatchObject({ hs_meeting_end_time: '2030-03-07T19:30:00.000Z' });
      expect(await rt.execute('cancelAppointment', { id: meeting.id }, ctx)).toEqual({ id: meeting.id, cancelled: true });
      expect(await rt.execute('cancelAppointment', { id: meeting.id }, ctx)).toEqual({ id: meeting.id, cancelled: true });
      expect(stored.get(meeting.id)!.archived).toBe(true);
      expect(sim.violations).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
