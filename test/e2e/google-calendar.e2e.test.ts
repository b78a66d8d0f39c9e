import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleCalendarSim, type GoogleCalendarSim } from '@hub/connector-google-calendar/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { callDone, connectOAuth, oauthEnv, sampleCall } from '../helpers/oauth.js';
import { expectNoSecretsLogged } from '../helpers/oauth.js';
import { bookingEventId } from '../../connectors/google-calendar/src/hooks.js';

let sim: GoogleCalendarSim;
let hub: TestHub;
const AGENT = 'agent_gc';

beforeAll(async () => {
  // Busy 10:00-11:30 New York time on 2030-03-04 (EST, UTC-5).
  sim = await startGoogleCalendarSim({ busy: [{ start: '2030-03-04T15:00:00Z', end: '2030-03-04T16:30:00Z' }] });
  hub = await startTestHub(
    oauthEnv(
      'google-calendar',
      { baseUrl: `${sim.url}/calendar/v3`, authorizeUrl: `${sim.url}/o/oauth2/v2/auth`, tokenUrl: `${sim.url}/token` },
      { clientId: 'gcal-client', clientSecret: 'gcal-secret' },
    ),
    { connectors: ['google-calendar'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});
afterEach(() => {
  expect(sim.violations).toEqual([]);
});

describe('Google Calendar end to end', () => {
  it('asks for offline access with consent and PKCE, and gets a refresh token', async () => {
    const { id, authorizeUrl } = await connectOAuth(hub, hub.api, AGENT, { type: 'google-calendar' });
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      response_type: 'code',
    });
    const doc = await hub.running.hub.repos.integrations.byId(id);
    expect(hub.running.hub.repos.integrations.credentials(doc!)).toMatchObject({
      refresh_token: expect.any(String),
      expires_at: expect.any(Number),
    });
  });

  it('availability: free slots within business hours in the asked time zone, by type or id', async () => {
    const res = await hub.api(
      'GET',
      `/api/agents/${AGENT}/integrations/google-calendar/availability?date=2030-03-04&timezone=America/New_York`,
    );
    expect(res.status).toBe(200);
    expect(res.body.slots.map((s: { time: string }) => s.time)).toEqual(['09:00', '12:00', '13:00', '14:00', '15:00', '16:00']);
    expect(res.body.slots[0]).toMatchObject({ start: '2030-03-04T09:00:00-05:00', end: '2030-03-04T10:00:00-05:00' });
    const la = await hub.api(
      'GET',
      `/api/agents/${AGENT}/integrations/google-calendar/availability?date=2030-03-04&timezone=America/Los_Angeles`,
    );
    expect(la.body.slots.map((s: { time: string }) => s.time)).toEqual([
      '09:00',
      '10:00',
      '11:00',
      '12:00',
      '13:00',
      '14:00',
      '15:00',
      '16:00',
    ]);
    const fb = sim.requests.filter((r) => r.path === '/calendar/v3/freeBusy');
    expect(fb.at(-1)?.body).toMatchObject({ timeZone: 'America/Los_Angeles', items: [{ id: 'primary' }] });
  });

  it('availability and booking reject bad input naming the field', async () => {
    const noDate = await hub.api('GET', `/api/agents/${AGENT}/integrations/google-calendar/availability?timezone=America/New_York`);
    expect(noDate).toMatchObject({ status: 400, body: { field: 'querystring.date' } });
    const badZone = await hub.api(
      'GET',
      `/api/agents/${AGENT}/integrations/google-calendar/availability?date=2026-03-02&timezone=Mars/Olympus`,
    );
    expect(badZone).toMatchObject({ status: 400, body: { field: 'querystring.timezone' } });
    const badTime = await hub.api('POST', `/api/agents/${AGENT}/integrations/google-calendar/book`, {
      title: 'x',
      date: '2026-03-02',
      time: '25:00',
      timezone: 'America/New_York',
      durationMinutes: 60,
    });
    expect(badTime).toMatchObject({ status: 400, body: { field: 'body.time' } });
    const extra = await hub.api('POST', `/api/agents/${AGENT}/integrations/google-calendar/book`, {
      title: 'x',
      date: '2026-03-02',
      time: '10:00',
      timezone: 'America/New_York',
      durationMinutes: 60,
      color: 'red',
    });
    expect(extra).toMatchObject({ status: 400, body: { field: 'body.color' } });
    const none = await hub.api('POST', `/api/agents/${AGENT}/integrations/hubspot/book`, {
      title: 'x',
      date: '2026-03-02',
      time: '10:00',
      timezone: 'America/New_York',
      durationMinutes: 60,
    });
    expect(none.status).toBe(404);
  });

  it('booking by route: attendees notified, a retried request makes no second event', async () => {
    const body = {
      title: 'Roof inspection',
      date: '2026-03-03',
      time: '14:00',
      timezone: 'America/New_York',
      durationMinutes: 60,
      customer_email: 'jane@example.com',
      customer_name: 'Jane Smith',
    };
    const first = await hub.api('POST', `/api/agents/${AGENT}/integrations/google-calendar/book`, body);
    expect(first.status).toBe(201);
    const again = await hub.api('POST', `/api/agents/${AGENT}/integrations/google-calendar/book`, body);
    expect(again.body.appointment).toMatchObject({ id: first.body.appointment.id, duplicate: true });
    const events = sim.events().filter((e) => e.summary === 'Roof inspection');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      sendUpdates: 'all',
      attendees: [{ email: 'jane@example.com', displayName: 'Jane Smith' }],
      start: { dateTime: '2026-03-03T14:00:00-05:00', timeZone: 'America/New_York' },
    });
  });

  it("a synced call books its appointment once, even when an earlier attempt's insert landed but its answer was lost", async () => {
    const list = await hub.api('GET', `/api/agents/${AGENT}/integrations`);
    const integrationId = list.body.integrations[0].id as string;
    // What a lost answer leaves behind: the event exists at Google under the id the hub derives from (integration, call).
    sim.state.collection('events').insert({
      id: bookingEventId(integrationId, 'gc_call_1'),
      calendarId: 'owner@sim.test',
      summary: 'from the lost attempt',
      status: 'confirmed',
      start: { dateTime: '2026-03-04T09:30:00-06:00', timeZone: 'America/Chicago' },
      end: { dateTime: '2026-03-04T10:15:00-06:00', timeZone: 'America/Chicago' },
    });
    await hub.api(
      'POST',
      `/api/agents/${AGENT}/calls`,
      sampleCall('gc_call_1', {
        appointment_booked: { date: '2026-03-04', time: '09:30', timezone: 'America/Chicago', durationMinutes: 45 },
      }),
    );
    const done = await callDone(hub.api, AGENT, 'gc_call_1');
    expect(done.integrations[0].steps).toEqual([
      expect.objectContaining({ name: 'appointment', status: 'succeeded', crm_ids: expect.objectContaining({ duplicate: true }) }),
    ]);
    expect(sim.events().filter((e) => (e.start as { timeZone?: string }).timeZone === 'America/Chicago')).toHaveLength(1);
    await hub.api(
      'POST',
      `/api/agents/${AGENT}/calls`,
      sampleCall('gc_call_2', {
        appointment_booked: { date: '2026-03-05', time: '09:30', timezone: 'America/Chicago', durationMinutes: 45 },
      }),
    );
    await callDone(hub.api, AGENT, 'gc_call_2');
    const fresh = sim.events().find((e) => (e.start as { dateTime?: string }).dateTime === '2026-03-05T09:30:00-06:00');
    expect(fresh).toMatchObject({
      end: { dateTime: '2026-03-05T10:15:00-06:00' },
      attendees: [{ email: 'jane@example.com' }],
      sendUpdates: 'all',
    });
  });

  it('logs no client secret, token or authorization code', () => {
    expectNoSecretsLogged(hub.logs, 'gcal-secret');
  });
});
