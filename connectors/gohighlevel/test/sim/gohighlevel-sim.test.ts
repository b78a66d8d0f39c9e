import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { specsDir, simRequest } from '@hub/simkit';
import { startGohighlevelSim, type GohighlevelSim } from '../../sim/index.js';
import { responseChecker } from '@hub/simkit';

const specFile = (name: string) => join(specsDir(), 'gohighlevel', 'apps', `${name}.json`);

const V2 = '2021-07-28';
const CAL = '2021-04-15';
let sim: GohighlevelSim;

async function call(method: string, path: string, opts: { body?: unknown; version?: string | null; token?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (opts.version !== null) headers.Version = opts.version ?? V2;
  if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? sim.token}`;
  return simRequest(sim.url, method, path, { body: opts.body, headers });
}

const upsert = (body: Record<string, unknown>) => call('POST', '/contacts/upsert', { body: { locationId: sim.locationId, ...body } });
const ms = (iso: string) => Date.parse(iso);

beforeAll(async () => {
  sim = await startGohighlevelSim({ oauth: { clientId: 'ghl-client', clientSecret: 'ghl-secret' } });
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

describe('contacts', () => {
  it('upserts by email, then matches the same contact by email or by phone in another format', async () => {
    const first = await upsert({ firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.com', phone: '(415) 555-0100' });
    expect(first.status).toBe(200);
    expect(first.body.new).toBe(true);
    expect(first.body.contact).toMatchObject({
      name: 'Ada Lovelace',
      phone: '+14155550100',
      emailLowerCase: 'ada@example.com',
      locationId: sim.locationId,
    });
    const byEmail = await upsert({ email: 'ada@example.com', tags: ['voice'] });
    expect(byEmail.body).toMatchObject({ new: false, contact: { id: first.body.contact.id, tags: ['voice'] } });
    const byPhone = await upsert({ phone: '+1 415-555-0100', companyName: 'Engines' });
    expect(byPhone.body).toMatchObject({ new: false, contact: { id: first.body.contact.id, companyName: 'Engines' } });
    expect(sim.contacts.size).toBe(1);
    const got = await call('GET', `/contacts/${first.body.contact.id}`);
    expect(got.body.contact).toMatchObject({ firstName: 'Ada', companyName: 'Engines', tags: ['voice'] });
    const dup = (qs: string) => call('GET', `/contacts/search/duplicate?locationId=${sim.locationId}&${qs}`);
    expect((await dup('number=%2B14155550100')).body.contact.id).toBe(first.body.contact.id);
    expect((await dup('email=nobody%40example.com')).body).toEqual({ contact: null });
  });

  it('keeps values only for custom fields the location defines', async () => {
    const r = await upsert({
      email: 'cf@example.com',
      customFields: [
        { id: 'cf_call_outcome', field_value: 'booked' },
        { id: 'nope', field_value: 'x' },
      ],
    });
    expect(r.body.contact.customFields).toEqual([{ id: 'cf_call_outcome', value: 'booked' }]);
  });

  it('adds a note with a userId, enrols in a workflow, and refuses unknown ids', async () => {
    const { body } = await upsert({ email: 'n@example.com' });
    const id = body.contact.id;
    const note = await call('POST', `/contacts/${id}/notes`, { body: { body: 'Call summary', userId: 'user_sim_1' } });
    expect(note.status).toBe(201);
    expect(note.body.note).toMatchObject({ body: 'Call summary', userId: 'user_sim_1', contactId: id });
    expect((await call('POST', `/contacts/${id}/notes`, { body: { body: 'x', userId: 'ghost' } })).status).toBe(400);
    expect((await call('POST', '/contacts/missing/notes', { body: { body: 'x' } })).body).toMatchObject({
      statusCode: 400,
      message: 'Contact not found',
    });
    const wf = await call('POST', `/contacts/${id}/workflow/wf_sim_1`, { body: {} });
    expect(wf).toMatchObject({ status: 200, body: { succeded: true } });
    expect(sim.enrollments.find({ contactId: id, workflowId: 'wf_sim_1' })).toHaveLength(1);
    expect((await call('POST', `/contacts/${id}/workflow/wf_other`, { body: {} })).status).toBe(400);
  });
});

describe('calendars', () => {
  const day = { startDate: ms('2030-01-07T00:00:00-05:00'), endDate: ms('2030-01-07T23:59:59-05:00') };
  const slots = (q: Record<string, string | number>) =>
    call('GET', `/calendars/cal_sim_1/free-slots?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`, {
      version: CAL,
    });

  it('lists slots from opening hours and removes a booked one', async () => {
    const before = await slots(day);
    expect(before.status).toBe(200);
    expect(before.body['2030-01-07'].slots).toHaveLength(16);
    expect(before.body['2030-01-07'].slots[0]).toBe('2030-01-07T09:00:00-05:00');
    const { body } = await upsert({ email: 'b@example.com' });
    const appt = {
      calendarId: 'cal_sim_1',
      locationId: sim.locationId,
      contactId: body.contact.id,
      startTime: '2030-01-07T10:00:00-05:00',
    };
    const booked = await call('POST', '/calendars/events/appointments', { version: CAL, body: appt });
    expect(booked.status).toBe(200);
    expect(booked.body).toMatchObject({ calendarId: 'cal_sim_1', appointmentStatus: 'confirmed', endTime: '2030-01-07T15:30:00.000Z' });
    const after = await slots(day);
    expect(after.body['2030-01-07'].slots).toHaveLength(15);
    expect(after.body['2030-01-07'].slots).not.toContain('2030-01-07T10:00:00-05:00');
    const again = await call('POST', '/calendars/events/appointments', { version: CAL, body: appt });
    expect(again.body).toMatchObject({ statusCode: 400, message: 'The slot you have selected is no longer available.' });
  });

  it('renders slots in the requested time zone, across a daylight saving change', async () => {
    const r = await slots({ startDate: ms('2030-03-08T00:00:00Z'), endDate: ms('2030-03-12T00:00:00Z'), timezone: 'America/New_York' });
    expect(Object.keys(r.body)).toEqual(['2030-03-08', '2030-03-11']);
    expect(r.body['2030-03-08'].slots[0]).toBe('2030-03-08T09:00:00-05:00');
    expect(r.body['2030-03-11'].slots[0]).toBe('2030-03-11T09:00:00-04:00');
    expect((await slots({ startDate: ms('2020-01-06T00:00:00Z'), endDate: ms('2020-01-08T00:00:00Z') })).body).toEqual({});
    const utc = await slots({ ...day, timezone: 'UTC' });
    expect(utc.body['2030-01-07'].slots[0]).toBe('2030-01-07T14:00:00+00:00');
  });

  it('refuses ranges over 31 days and the contacts Version on calendar endpoints', async () => {
    expect((await slots({ startDate: 0, endDate: 40 * 86_400_000 })).body.message).toMatch(/31 days/);
    const wrong = await call('GET', `/calendars/cal_sim_1/free-slots?startDate=${day.startDate}&endDate=${day.endDate}`, { version: V2 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/Version/);
  });
});

describe('opportunities and custom fields', () => {
  it('creates an opportunity once per contact and pipeline', async () => {
    const { body } = await upsert({ email: 'o@example.com', firstName: 'Opp' });
    const opp = {
      pipelineId: 'pipe_sim_1',
      pipelineStageId: 'stage_booked',
      locationId: sim.locationId,
      name: 'Voice lead',
      status: 'open',
      contactId: body.contact.id,
    };
    const created = await call('POST', '/opportunities/', { body: opp });
    expect(created.status).toBe(201);
    expect(created.body.opportunity).toMatchObject({
      name: 'Voice lead',
      pipelineStageId: 'stage_booked',
      contactId: body.contact.id,
      status: 'open',
    });
    expect((await call('POST', '/opportunities/', { body: opp })).body.message).toMatch(/duplicate/);
    expect((await call('POST', '/opportunities/', { body: { ...opp, pipelineStageId: 'nope' } })).status).toBe(400);
    expect((await call('POST', '/opportunities/', { body: { ...opp, locationId: 'other' } })).status).toBe(403);
  });

  it('lists custom fields by model and hides other locations', async () => {
    const r = await call('GET', `/locations/${sim.locationId}/customFields?model=contact`);
    expect(r.body.customFields.map((f: { fieldKey: string }) => f.fieldKey)).toEqual(['contact.call_outcome', 'contact.sentiment']);
    expect((await call('GET', '/locations/elsewhere/customFields')).status).toBe(403);
  });
});

describe('response shapes', () => {
  it('answers every implemented operation in the shape its spec declares', async () => {
    const contacts = responseChecker(specFile('contacts'));
    const calendars = responseChecker(specFile('calendars'));
    const opportunities = responseChecker(specFile('opportunities'));
    const locations = responseChecker(specFile('locations'));
    const up = await upsert({ firstName: 'Shape', email: 's@example.com', phone: '4155550111' });
    expect(contacts('POST', '/contacts/upsert', 200, up.body)).toEqual([]);
    const id = up.body.contact.id;
    expect(contacts('GET', '/contacts/{contactId}', 200, (await call('GET', `/contacts/${id}`)).body)).toEqual([]);
    expect(
      contacts('POST', '/contacts/{contactId}/notes', 201, (await call('POST', `/contacts/${id}/notes`, { body: { body: 'n' } })).body),
    ).toEqual([]);
    const notes = await call('GET', `/contacts/${id}/notes`);
    expect(contacts('GET', '/contacts/{contactId}/notes', 200, notes.body)).toEqual([]);
    expect(notes.body.notes.map((n: { body: string }) => n.body)).toEqual(['n']);
    expect((await call('GET', '/contacts/missing/notes')).status).toBe(400);
    expect(
      contacts(
        'POST',
        '/contacts/{contactId}/workflow/{workflowId}',
        200,
        (await call('POST', `/contacts/${id}/workflow/wf_sim_1`, { body: {} })).body,
      ),
    ).toEqual([]);
    const free = await call(
      'GET',
      `/calendars/cal_sim_1/free-slots?startDate=${ms('2030-01-07T00:00:00Z')}&endDate=${ms('2030-01-09T00:00:00Z')}`,
      { version: CAL },
    );
    expect(calendars('GET', '/calendars/{calendarId}/free-slots', 200, free.body)).toEqual([]);
    const appt = await call('POST', '/calendars/events/appointments', {
      version: CAL,
      body: { calendarId: 'cal_sim_1', locationId: sim.locationId, contactId: id, startTime: '2030-01-07T11:00:00-05:00' },
    });
    expect(calendars('POST', '/calendars/events/appointments', 200, appt.body)).toEqual([]);
    const opp = await call('POST', '/opportunities/', {
      body: { pipelineId: 'pipe_sim_1', locationId: sim.locationId, name: 'o', status: 'open', contactId: id },
    });
    expect(opportunities('POST', '/opportunities/', 201, opp.body)).toEqual([]);
    expect(
      locations(
        'GET',
        '/locations/{locationId}/customFields',
        200,
        (await call('GET', `/locations/${sim.locationId}/customFields?model=all`)).body,
      ),
    ).toEqual([]);
    expect(contacts('POST', '/contacts/upsert', 200, { new: 'yes' })).not.toEqual([]);
  });
});

describe('contract, auth, limits and faults', () => {
  it('answers 400 in GHL shape for a body or header that breaks the spec, and records it', async () => {
    const noLocation = await call('POST', '/contacts/upsert', { body: { email: 'x@example.com' } });
    expect(noLocation.status).toBe(400);
    expect(noLocation.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(noLocation.body.message).toMatch(/locationId/);
    const noVersion = await call('GET', '/contacts/abc', { version: null });
    expect(noVersion.body.message).toMatch(/"Version" is required/);
    expect(sim.violations).toHaveLength(2);
    expect(sim.contacts.size).toBe(0);
  });

  it('answers 401 without a valid token', async () => {
    const r = await call('GET', '/contacts/abc', { token: 'forged' });
    expect(r).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });
  });

  it('sends quota headers and 429s past the per-location limit', async () => {
    const small = await startGohighlevelSim({
      rateLimit: { limit: 3, windowMs: 60_000 },
      privateTokens: { a: 'loc_a', b: 'loc_b' },
      locations: [{ id: 'loc_a' }, { id: 'loc_b' }],
    });
    try {
      const hit = (token: string) =>
        fetch(`${small.url}/locations/loc_x/customFields`, { headers: { Version: V2, Authorization: `Bearer ${token}` } });
      const first = await hit('a');
      expect(first.headers.get('x-ratelimit-max')).toBe('3');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
      expect(first.headers.get('x-ratelimit-interval-milliseconds')).toBe('60000');
      expect(first.headers.get('x-ratelimit-daily-remaining')).toBe('199999');
      await hit('a');
      await hit('a');
      const over = await hit('a');
      expect(over.status).toBe(429);
      expect(await over.json()).toMatchObject({ statusCode: 429 });
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect((await hit('b')).headers.get('x-ratelimit-remaining')).toBe('2');
    } finally {
      await small.close();
    }
  });

  it('injects 429 with Retry-After, 5xx and slow answers', async () => {
    sim.inject({ path: '/contacts/upsert', status: 429, headers: { 'Retry-After': '7' } });
    sim.inject({ path: '/contacts/upsert', status: 503 });
    sim.inject({ path: '/contacts/upsert', delayMs: 300 });
    const limited = await upsert({ email: 'f@example.com' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await upsert({ email: 'f@example.com' })).body).toMatchObject({ statusCode: 503 });
    const t0 = Date.now();
    expect((await upsert({ email: 'f@example.com' })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe('oauth', () => {
  const form = (f: Record<string, string>) =>
    fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(f),
    });

  it('exchanges a code for location tokens and rotates the refresh token', async () => {
    const auth = await fetch(
      `${sim.url}/oauth/chooselocation?response_type=code&client_id=ghl-client&redirect_uri=https://hub.test/cb&scope=contacts.write&state=s1`,
      { redirect: 'manual' },
    );
    const code = new URL(String(auth.headers.get('location'))).searchParams.get('code') ?? '';
    const base = { client_id: 'ghl-client', client_secret: 'ghl-secret' };
    const tok = await (
      await form({ ...base, grant_type: 'authorization_code', code, redirect_uri: 'https://hub.test/cb', user_type: 'Location' })
    ).json();
    expect(tok).toMatchObject({ token_type: 'Bearer', expires_in: 86399, userType: 'Location', locationId: sim.locationId });
    expect((await call('GET', `/locations/${sim.locationId}/customFields`, { token: tok.access_token })).status).toBe(200);
    const next = await (await form({ ...base, grant_type: 'refresh_token', refresh_token: tok.refresh_token })).json();
    expect(next.refresh_token).not.toBe(tok.refresh_token);
    const reused = await form({ ...base, grant_type: 'refresh_token', refresh_token: tok.refresh_token });
    expect(reused.status).toBe(400);
    expect((await reused.json()).error).toBe('invalid_grant');
    sim.oauth?.failNextRefresh();
    expect((await form({ ...base, grant_type: 'refresh_token', refresh_token: next.refresh_token })).status).toBe(400);
    sim.oauth?.expireAccessTokens();
    expect((await call('GET', `/locations/${sim.locationId}/customFields`, { token: next.access_token })).status).toBe(401);
  });
});
