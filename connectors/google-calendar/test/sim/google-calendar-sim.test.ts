import { simRequest } from '@hub/simkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type GoogleCalendarSim, startGoogleCalendarSim } from '../../sim/index.js';

let sim: GoogleCalendarSim;
afterEach(async () => sim?.close());

type J = Record<string, any>;
async function call(
  method: string,
  path: string,
  body?: unknown,
  token = sim.accessToken(),
): Promise<{ status: number; json: J; headers: Headers }> {
  const r = await simRequest(sim.url, method, path, { body, headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, json: r.body ?? {}, headers: r.headers };
}
const event = (extra: J = {}) => ({
  summary: 'Estimate visit',
  start: { dateTime: '2026-03-02T15:00:00Z' },
  end: { dateTime: '2026-03-02T15:30:00Z' },
  attendees: [{ email: 'ann@x.co' }],
  ...extra,
});

async function codeFor(query: Record<string, string>): Promise<string> {
  const res = await fetch(
    `${sim.url}/o/oauth2/v2/auth?${new URLSearchParams({ response_type: 'code', client_id: 'gcal-client', redirect_uri: 'https://hub.test/cb', scope: 'https://www.googleapis.com/auth/calendar', state: 'x', ...query })}`,
    { redirect: 'manual' },
  );
  return new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
}
async function exchange(code: string, extra: Record<string, string> = {}): Promise<J> {
  const res = await fetch(`${sim.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://hub.test/cb',
      client_id: 'gcal-client',
      client_secret: 'gcal-secret',
      ...extra,
    }),
  });
  return (await res.json()) as J;
}

describe('Google Calendar simulator', () => {
  it('grants a refresh token only with access_type=offline and prompt=consent, and supports PKCE', async () => {
    sim = await startGoogleCalendarSim();
    const online = await exchange(await codeFor({}));
    expect(online).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(online.refresh_token).toBeUndefined();
    const verifier = 'v'.repeat(50);
    const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
    const offline = await exchange(
      await codeFor({ access_type: 'offline', prompt: 'consent', code_challenge: challenge, code_challenge_method: 'S256' }),
      { code_verifier: verifier },
    );
    expect(offline.refresh_token).toEqual(expect.any(String));
    expect((await call('GET', '/calendar/v3/users/me/calendarList', undefined, offline.access_token)).json.items[0]).toMatchObject({
      id: 'owner@sim.test',
      primary: true,
    });
    const bad = await call('GET', '/calendar/v3/users/me/calendarList', undefined, 'nope');
    expect(bad.status).toBe(401);
    expect(bad.json.error).toMatchObject({ code: 401, errors: [{ reason: 'authError' }] });
  });

  it('answers freeBusy from seeded and inserted events', async () => {
    sim = await startGoogleCalendarSim({ busy: [{ start: '2026-03-02T14:00:00Z', end: '2026-03-02T14:30:00Z' }] });
    await call('POST', '/calendar/v3/calendars/primary/events', event());
    const fb = await call('POST', '/calendar/v3/freeBusy', {
      timeMin: '2026-03-02T00:00:00Z',
      timeMax: '2026-03-03T00:00:00Z',
      items: [{ id: 'primary' }, { id: 'other@x.co' }],
    });
    expect(fb.json.calendars.primary.busy).toEqual([
      { start: '2026-03-02T14:00:00.000Z', end: '2026-03-02T14:30:00.000Z' },
      { start: '2026-03-02T15:00:00.000Z', end: '2026-03-02T15:30:00.000Z' },
    ]);
    expect(fb.json.calendars['other@x.co'].errors[0].reason).toBe('notFound');
  });

  it('honours client event ids: a retried insert answers 409 duplicate and makes no second event', async () => {
    sim = await startGoogleCalendarSim();
    const first = await call('POST', '/calendar/v3/calendars/primary/events?sendUpdates=all', event({ id: 'hubcall0001abc' }));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      id: 'hubcall0001abc',
      status: 'confirmed',
      kind: 'calendar#event',
      attendees: [{ email: 'ann@x.co', responseStatus: 'needsAction' }],
    });
    const again = await call('POST', '/calendar/v3/calendars/primary/events?sendUpdates=all', event({ id: 'hubcall0001abc' }));
    expect(again.status).toBe(409);
    expect(again.json.error.errors[0].reason).toBe('duplicate');
    expect(sim.events()).toHaveLength(1);
    expect(sim.events()[0].sendUpdates).toBe('all');
    expect((await call('GET', '/calendar/v3/calendars/primary/events/hubcall0001abc')).json.summary).toBe('Estimate visit');
    expect(
      (await call('GET', '/calendar/v3/calendars/primary/events?timeMin=2026-03-02T00:00:00Z&timeMax=2026-03-03T00:00:00Z')).json.items,
    ).toHaveLength(1);
    expect((await call('POST', '/calendar/v3/calendars/primary/events', event({ id: 'UPPER_case' }))).json.error.errors[0].reason).toBe(
      'invalid',
    );
    expect(
      (await call('POST', '/calendar/v3/calendars/primary/events', event({ start: { dateTime: '2026-03-02T15:00:00' } }))).json.error
        .message,
    ).toMatch(/time zone/);
  });

  it('rejects requests that break the discovery document', async () => {
    sim = await startGoogleCalendarSim();
    const noEnd = await call('POST', '/calendar/v3/calendars/primary/events', {
      summary: 'x',
      start: { dateTime: '2026-03-02T15:00:00Z' },
    });
    expect(noEnd.status).toBe(400);
    expect(noEnd.json.error.message).toMatch(/'end'/);
    const badParam = await call('POST', '/calendar/v3/calendars/primary/events?sendUpdates=yes', event());
    expect(badParam.json.error.message).toMatch(/sendUpdates/);
    expect((await call('GET', '/calendar/v3/nowhere')).status).toBe(400);
    expect(sim.violations).toHaveLength(3);
    expect(sim.events()).toHaveLength(0);
  });

  it('rate limits per user with 403 rateLimitExceeded-style errors, and injects faults', async () => {
    sim = await startGoogleCalendarSim({ perUserPerMinute: 2 });
    const token = sim.accessToken();
    await call('GET', '/calendar/v3/users/me/calendarList', undefined, token);
    await call('GET', '/calendar/v3/users/me/calendarList', undefined, token);
    const limited = await call('GET', '/calendar/v3/users/me/calendarList', undefined, token);
    expect(limited.status).toBe(403);
    expect(limited.json.error.errors[0]).toMatchObject({ domain: 'usageLimits', reason: 'userRateLimitExceeded' });
    expect((await call('GET', '/calendar/v3/users/me/calendarList')).status).toBe(200);
    sim.inject({ path: '/calendar/v3/freeBusy', status: 503 });
    const fb = await call('POST', '/calendar/v3/freeBusy', {
      timeMin: '2026-03-02T00:00:00Z',
      timeMax: '2026-03-03T00:00:00Z',
      items: [{ id: 'primary' }],
    });
    expect(fb.status).toBe(503);
    expect(fb.json.error.errors[0].reason).toBe('backendError');
  });
});
