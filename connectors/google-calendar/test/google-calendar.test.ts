import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPackage, type Connector } from '@hub/core';
import { oauthRuntime, unitCall } from '../../../test/helpers/oauth-runtime.js';
import { bookingEventId } from '../src/hooks.js';

const API = 'https://www.googleapis.com';
let gc: Connector;

beforeAll(async () => {
  const c = await loadPackage(fileURLToPath(new URL('..', import.meta.url)), []);
  if (!c) throw new Error('google-calendar does not load');
  gc = c;
});

describe('Google Calendar connector', () => {
  it("derives a stable event id in Google's base32hex alphabet", () => {
    const id = bookingEventId('int_1', 'call_1');
    expect(id).toMatch(/^[a-v0-9]{5,1024}$/);
    expect(bookingEventId('int_1', 'call_1')).toBe(id);
    expect(bookingEventId('int_1', 'call_2')).not.toBe(id);
  });

  it('computes slots on a daylight-saving day with the config defaults (9-17, 60 minutes)', async () => {
    const rt = oauthRuntime(gc);
    // 2030-03-10 is the day New York moves to EDT (UTC-4) at 02:00.
    nock(API)
      .post('/calendar/v3/freeBusy', {
        timeMin: '2030-03-10T05:00:00.000Z',
        timeMax: '2030-03-11T03:59:59.999Z',
        timeZone: 'America/New_York',
        items: [{ id: 'primary' }],
      })
      .reply(200, {
        kind: 'calendar#freeBusy',
        calendars: { primary: { busy: [{ start: '2030-03-10T17:30:00Z', end: '2030-03-10T18:00:00Z' }] } },
      });
    const out = (await rt.execute('getAvailability', { date: '2030-03-10', timezone: 'America/New_York' }, { call: {}, steps: {} })) as {
      slots: Array<{ start: string; time: string }>;
    };
    expect(out.slots.map((s) => s.time)).toEqual(['09:00', '10:00', '11:00', '12:00', '14:00', '15:00', '16:00']);
    expect(out.slots[0].start).toBe('2030-03-10T09:00:00-04:00');
  });

  it('a 409 duplicate on insert reads the existing event instead of failing', async () => {
    const rt = oauthRuntime(gc, { config: { calendar_id: 'team@example.com' } });
    const ctx = {
      call: unitCall({ appointment_booked: { date: '2030-03-04', time: '14:00', timezone: 'America/New_York', durationMinutes: 30 } }),
      steps: {},
    };
    const id = bookingEventId('int_unit', 'call_unit_1');
    nock(API)
      .post(
        '/calendar/v3/calendars/team%40example.com/events',
        (b) => b.id === id && b.attendees[0].email === 'jane@example.com' && b.end.dateTime === '2030-03-04T14:30:00-05:00',
      )
      .query({ sendUpdates: 'all' })
      .reply(409, { error: { code: 409, message: 'The requested identifier already exists.', errors: [{ reason: 'duplicate' }] } });
    nock(API)
      .get(`/calendar/v3/calendars/team%40example.com/events/${id}`)
      .reply(200, { id, htmlLink: 'https://calendar.google.com/x', status: 'confirmed' });
    expect(await rt.execute('bookAppointment', await rt.map('appointment', ctx), ctx)).toEqual({
      id,
      htmlLink: 'https://calendar.google.com/x',
      status: 'confirmed',
      duplicate: true,
    });
  });
});
