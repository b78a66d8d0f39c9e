import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleCalendarSim, type GoogleCalendarSim } from '@hub/connector-google-calendar/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { callDone, connectOAuth, oauthEnv } from '../helpers/oauth.js';
import { connectVoice, retellCall, signedPost, withRetellSim } from '../helpers/voice.js';
import type { RetellSim } from '../../connectors/retell/sim/index.js';

let sim: GoogleCalendarSim;
let retell: RetellSim;
let hub: TestHub;
let voice: { integrationId: string; voiceWebhookId: string; path: string };
let calendarId: string;
const AGENT = 'agent_tools';
const KEY = 'key_tools_test_000000000000';
const tool = (name: string, body: unknown, signing?: 'valid' | 'bad' | 'stale' | 'missing') =>
  signedPost(hub, `${voice.path}/tools/${name}`, body, KEY, signing);
const googleEvents = () => sim.events().filter((e) => e.summary !== 'Busy');

beforeAll(async () => {
  // Busy 10:00-11:30 New York time on 2030-03-04 (EST, UTC-5).
  sim = await startGoogleCalendarSim({ busy: [{ start: '2030-03-04T15:00:00Z', end: '2030-03-04T16:30:00Z' }] });
  const withRetell = await withRetellSim(
    oauthEnv(
      'google-calendar',
      { baseUrl: `${sim.url}/calendar/v3`, authorizeUrl: `${sim.url}/o/oauth2/v2/auth`, tokenUrl: `${sim.url}/token` },
      { clientId: 'gcal-client', clientSecret: 'gcal-secret' },
    ),
    KEY,
  );
  retell = withRetell.retell;
  hub = await startTestHub(withRetell.env, { connectors: ['google-calendar', 'retell'] });
  calendarId = (await connectOAuth(hub, hub.api, AGENT, { type: 'google-calendar' })).id;
  voice = await connectVoice(hub.api, AGENT, KEY);
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([sim?.close(), retell?.close()]);
});
afterEach(() => {
  expect(sim.violations).toEqual([]);
});

describe('mid-call tools on the voice hook', () => {
  it('GET …/tools answers Retell custom-tool definitions pointing at the hook, and the calendar they act on', async () => {
    const res = await hub.api('GET', `/api/agents/${AGENT}/voice-webhooks/${voice.voiceWebhookId}/tools`);
    expect(res.status).toBe(200);
    expect(res.body.calendar).toEqual({ integration_id: calendarId, type: 'google-calendar' });
    expect(res.body.tools.map((t: { name: string }) => t.name)).toEqual([
      'check_availability',
      'book_appointment',
      'find_customer',
      'cancel_appointment',
      'reschedule_appointment',
    ]);
    for (const t of res.body.tools) {
      expect(t).toMatchObject({
        type: 'custom',
        method: 'POST',
        speak_during_execution: true,
        parameters: { type: 'object', properties: expect.any(Object) },
      });
      expect(new URL(t.url).pathname).toBe(`${voice.path}/tools/${t.name}`);
    }
    const other = await hub.newTenant();
    expect((await other.api('GET', `/api/agents/${AGENT}/voice-webhooks/${voice.voiceWebhookId}/tools`)).status).toBe(404);
  });

  it('check_availability answers the free times in words beside the slots', async () => {
    const res = await tool('check_availability', {
      name: 'check_availability',
      args: { date: '2030-03-04', timezone: 'America/New_York' },
      call: retellCall('call_t1'),
    });
    expect(res.status).toBe(200);
    expect(res.body.error).toBeUndefined();
    expect(res.body.slots.map((s: { start: string }) => s.start.slice(11, 16))).toEqual([
      '09:00',
      '12:00',
      '13:00',
      '14:00',
      '15:00',
      '16:00',
    ]);
    expect(res.body.result).toBe('On Monday, March 4 I have 9 AM, 12 PM, 1 PM, 2 PM, 3 PM and 4 PM open (EST). Which time would you like?');
    const window = await tool('check_availability', {
      start_time: '2030-03-04T11:00:00',
      end_time: '2030-03-04T14:00:00',
      timezone: 'America/New_York',
    });
    expect(window.body.slots.map((s: { start: string }) => s.start)).toEqual(['2030-03-04T12:00:00-05:00', '2030-03-04T13:00:00-05:00']);
  });

  it('refuses a missing, wrong or stale signature with 401 and touches nothing; an unknown tool is 404', async () => {
    const before = sim.requests.length;
    const body = {
      name: 'book_appointment',
      args: { start_time: '2030-03-05T09:00:00', timezone: 'America/New_York' },
      call: retellCall('call_sig'),
    };
    for (const signing of ['missing', 'bad', 'stale'] as const) expect((await tool('book_appointment', body, signing)).status).toBe(401);
    expect((await tool('launch_rocket', body)).status).toBe(404);
    expect((await tool('book_appointment', '{not json')).status).toBe(400);
    expect(sim.requests.length).toBe(before);
    expect(await hub.running.hub.repos.bookings.forCall(calendarId, 'call_sig')).toEqual([]);
  });

  it('wrong arguments answer 200 with a sentence the agent can say and error set', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['check_availability', { date: '2030-02-30', timezone: 'America/New_York' }, 'invalid_date'],
      ['check_availability', { date: '2020-01-06', timezone: 'America/New_York' }, 'date_in_past'],
      ['check_availability', { date: '2030-03-04', timezone: 'Mars/Olympus' }, 'invalid_timezone'],
      ['check_availability', { date: '2030-03-04', timezone: 'EST' }, 'invalid_timezone'],
      ['book_appointment', { start_time: '2021-03-04T10:00:00', timezone: 'America/New_York' }, 'time_in_past'],
      ['book_appointment', { start_time: '2030-02-30T10:00:00', timezone: 'America/New_York' }, 'invalid_date'],
      ['book_appointment', { start_time: 'next tuesday', timezone: 'America/New_York' }, 'invalid_time'],
    ];
    for (const [name, args, error] of cases) {
      const res = await tool(name, { name, args, call: retellCall('call_bad') });
      expect(res.status, `${name} ${JSON.stringify(args)}`).toBe(200);
      expect(res.body.error).toBe(error);
      expect(res.body.result).toMatch(/\?$/);
    }
    expect(googleEvents()).toHaveLength(0);
  });

  it('book_appointment books once per call and start, under retries, with args nested or at the root', async () => {
    const body = {
      name: 'book_appointment',
      args: {
        start_time: '2030-03-04T14:00:00',
        timezone: 'America/New_York',
        customer_name: 'Jane Smith',
        customer_email: 'jane@example.com',
      },
      call: retellCall('call_book1'),
    };
    const [a, b] = await Promise.all([tool('book_appointment', body), tool('book_appointment', body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body).toMatchObject({
      booked: true,
      start: '2030-03-04T14:00:00-05:00',
      integration_id: calendarId,
      result: "You're booked for Monday, March 4 at 2 PM EST.",
    });
    expect(b.body.appointment.id).toBe(a.body.appointment.id);
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
    expect(googleEvents()).toHaveLength(1);
    expect(googleEvents()[0]).toMatchObject({
      start: { dateTime: '2030-03-04T14:00:00-05:00' },
      attendees: [{ email: 'jane@example.com' }],
    });
    // Retell's calendar style: args at the root, another start on the same call is a second booking.
    const root = await tool('book_appointment', { start_time: '2030-03-04T15:00:00', timezone: 'America/New_York', duration_minutes: 30 });
    expect(root.body).toMatchObject({ booked: true, duplicate: false, duration_minutes: 30 });
    expect(googleEvents()).toHaveLength(2);
    const slots = await tool('check_availability', { date: '2030-03-04', timezone: 'America/New_York' });
    expect(slots.body.slots.map((s: { start: string }) => s.start.slice(11, 16))).toEqual(['09:00', '12:00', '13:00', '16:00']);
  });

  it('one appointment: the call analysis reporting the booking made during the call links it, no second event', async () => {
    const booking = await tool('book_appointment', {
      name: 'book_appointment',
      args: { start_time: '2030-03-06T09:00:00', timezone: 'America/New_York' },
      call: retellCall('call_one_appt'),
    });
    expect(booking.body.booked).toBe(true);
    expect(googleEvents().filter((e) => (e.start as { dateTime: string }).dateTime.startsWith('2030-03-06'))).toHaveLength(1);
    const analyzed = {
      event: 'call_analyzed',
      call: retellCall('call_one_appt', {
        call_status: 'ended',
        start_timestamp: Date.parse('2030-03-01T15:00:00Z'),
        end_timestamp: Date.parse('2030-03-01T15:04:00Z'),
        duration_ms: 240_000,
        transcript: 'Agent: booked you for Wednesday at nine.',
        call_analysis: {
          call_summary: 'Booked Wednesday 9 AM.',
          user_sentiment: 'Positive',
          call_successful: true,
          custom_analysis_data: { appointment_booked: { date: '2030-03-06', time: '09:00', timezone: 'America/New_York' } },
        },
      }),
    };
    const ev = await signedPost(hub, voice.path, analyzed, KEY);
    expect(ev.status).toBe(200);
    const done = await callDone(hub.api, AGENT, 'call_one_appt');
    const step = done.integrations
      .find((i: { type: string }) => i.type === 'google-calendar')
      .steps.find((s: { name: string }) => s.name === 'appointment');
    expect(step).toMatchObject({ status: 'succeeded', crm_ids: { id: booking.body.appointment.id, linked: true } });
    expect(googleEvents().filter((e) => (e.start as { dateTime: string }).dateTime.startsWith('2030-03-06'))).toHaveLength(1);
  });

  it('reschedule_appointment and cancel_appointment act on the booking made in this call, once under retries', async () => {
    const call = retellCall('call_change', { from_number: '+14155550177' });
    const at = (d: string) => googleEvents().filter((e) => (e.start as { dateTime: string }).dateTime.startsWith(d));
    const book = await tool('book_appointment', {
      name: 'book_appointment',
      args: { start_time: '2030-03-07T10:00:00', timezone: 'America/New_York' },
      call,
    });
    const eventId = book.body.appointment.id;
    const move = { name: 'reschedule_appointment', args: { start_time: '2030-03-07T13:30:00', timezone: 'America/New_York' }, call };
    const [a, b] = await Promise.all([tool('reschedule_appointment', move), tool('reschedule_appointment', move)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body).toMatchObject({
      rescheduled: true,
      start: '2030-03-07T13:30:00-05:00',
      result: 'Your appointment is now Thursday, March 7 at 1:30 PM EST.',
    });
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
    expect(at('2030-03-07')).toHaveLength(1);
    expect(at('2030-03-07')[0]).toMatchObject({ id: eventId, start: { dateTime: '2030-03-07T13:30:00-05:00' }, sequence: 1 });
    // The booking moved in place: the call's post-call data still links it.
    const [kept] = await hub.running.hub.repos.bookings.forCall(calendarId, 'call_change');
    expect(kept.start).toBe('2030-03-07T18:30:00.000Z');

    const cancel = { name: 'cancel_appointment', args: {}, call };
    const first = await tool('cancel_appointment', cancel);
    const again = await tool('cancel_appointment', cancel);
    expect(first.body).toMatchObject({
      cancelled: true,
      duplicate: false,
      result: "I've cancelled your appointment on Thursday, March 7 at 1:30 PM EST.",
    });
    expect(again.body).toMatchObject({ cancelled: true, duplicate: true });
    expect(again.body.error).toBeUndefined();
    expect(sim.events().find((e) => e.id === eventId)?.status).toBe('cancelled');
    const late = await tool('reschedule_appointment', move);
    expect(late.body.error).toBe('booking_cancelled');
  });

  it("a later call acts on the caller's next booking; its retry finds the same one, never the booking after it", async () => {
    const from = { from_number: '+14155550199' };
    const book = (start: string) =>
      tool('book_appointment', {
        name: 'book_appointment',
        args: { start_time: start, timezone: 'America/New_York' },
        call: retellCall('call_earlier', from),
      });
    const [first, second] = [await book('2030-03-11T10:00:00'), await book('2030-03-12T10:00:00')];
    const cancel = { name: 'cancel_appointment', args: {}, call: retellCall('call_later', from) };
    const a = await tool('cancel_appointment', cancel);
    const b = await tool('cancel_appointment', cancel);
    expect(a.body).toMatchObject({ cancelled: true, duplicate: false, start: '2030-03-11T10:00:00-04:00' });
    expect(b.body).toMatchObject({ cancelled: true, duplicate: true, start: '2030-03-11T10:00:00-04:00' });
    expect(sim.events().find((e) => e.id === first.body.appointment.id)?.status).toBe('cancelled');
    expect(sim.events().find((e) => e.id === second.body.appointment.id)?.status).toBe('confirmed');
  });

  it('a change with wrong arguments or nothing to change answers 200 with a sentence and error set, touching nothing', async () => {
    const before = sim.requests.length;
    const stranger = retellCall('call_nobody', { from_number: '+14155550188' });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['cancel_appointment', {}, 'no_booking'],
      ['reschedule_appointment', { start_time: '2030-03-08T10:00:00', timezone: 'America/New_York' }, 'no_booking'],
      ['reschedule_appointment', { start_time: '2021-03-08T10:00:00', timezone: 'America/New_York' }, 'time_in_past'],
      ['reschedule_appointment', { start_time: '2030-02-30T10:00:00', timezone: 'America/New_York' }, 'invalid_date'],
      ['reschedule_appointment', { start_time: '2030-03-08T10:00:00', timezone: 'Moon/Base' }, 'invalid_timezone'],
    ];
    for (const [name, args, error] of cases) {
      const res = await tool(name, { name, args, call: stranger });
      expect(res.status, `${name} ${JSON.stringify(args)}`).toBe(200);
      expect(res.body.error).toBe(error);
      expect(res.body.result).toMatch(/\?$/);
    }
    expect(sim.requests.length).toBe(before);
  });
});
