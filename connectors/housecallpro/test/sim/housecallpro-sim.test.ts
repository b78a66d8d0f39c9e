import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { specsDir, simRequest } from '@hub/simkit';
import { startHousecallproSim, type HousecallproSim } from '../../sim/index.js';
import { responseChecker } from '@hub/simkit';

const schemaProblems = responseChecker(join(specsDir(), 'housecallpro', 'housecall_v1.yaml'));

let sim: HousecallproSim;

async function api(method: string, path: string, body?: unknown, auth?: string | null) {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = auth ?? `Token ${sim.apiKey}`;
  return simRequest(sim.url, method, path, { body, headers });
}

const address = { street: '1 Market St', city: 'San Francisco', state: 'CA', zip: '94105', country: 'US' };
async function customerWithAddress(extra: Record<string, unknown> = {}) {
  const r = await api('POST', '/customers', {
    first_name: 'Ada',
    last_name: 'Lovelace',
    mobile_number: '(415) 555-0100',
    email: 'ada@example.com',
    addresses: [address],
    ...extra,
  });
  return r.body as { id: string; addresses: { id: string }[] };
}

beforeAll(async () => {
  sim = await startHousecallproSim();
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

describe('customers', () => {
  it('creates a customer with an address and finds it by phone in any format, email or name', async () => {
    const c = await customerWithAddress({ notes: 'Prefers mornings' });
    expect(c.addresses[0]).toMatchObject({ id: expect.stringMatching(/^adr_/), type: 'service', city: 'San Francisco' });
    for (const q of ['+14155550100', '415-555-0100', 'ADA@example.com', 'lovelace']) {
      const r = await api('GET', `/customers?q=${encodeURIComponent(q)}`);
      expect(r.body).toMatchObject({ page: 1, total_items: 1, customers: [{ id: c.id, notes: 'Prefers mornings' }] });
    }
    expect((await api('GET', '/customers?q=%2B14155559999')).body.total_items).toBe(0);
    expect((await api('GET', `/customers/${c.id}`)).body.email).toBe('ada@example.com');
    expect((await api('GET', '/customers/cus_missing')).body).toEqual({ error: { message: 'Customer not found' } });
  });

  it('needs a name, email or phone, and validates new addresses against the spec', async () => {
    expect((await api('POST', '/customers', { company: 'Nameless' })).status).toBe(400);
    const c = await customerWithAddress();
    const bad = await api('POST', `/customers/${c.id}/addresses`, { street: '2 Main St' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/city/);
    expect(sim.violations).toHaveLength(1);
    const ok = await api('POST', `/customers/${c.id}/addresses`, { ...address, street: '2 Main St' });
    expect(ok.status).toBe(200);
    expect(sim.customers.get(c.id)?.addresses).toHaveLength(2);
  });

  it('updates a customer with PUT, notes included, in the shape the spec declares', async () => {
    const c = await customerWithAddress({ notes: 'Prefers mornings' });
    const r = await api('PUT', `/customers/${c.id}`, { notes: 'Prefers mornings\n\nCalled about a leak' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: c.id, notes: 'Prefers mornings\n\nCalled about a leak', first_name: 'Ada' });
    expect(schemaProblems('PUT', '/customers/{customer_id}', 200, r.body)).toEqual([]);
    expect((await api('PUT', '/customers/cus_missing', { notes: 'x' })).status).toBe(404);
    expect(sim.violations).toEqual([]);
  });

  it('pages newest first', async () => {
    for (const n of ['a', 'b', 'c']) await api('POST', '/customers', { first_name: n });
    const r = await api('GET', '/customers?page=2&page_size=2');
    expect(r.body).toMatchObject({ page: 2, page_size: 2, total_pages: 2, total_items: 3 });
    expect(r.body.customers.map((x: { first_name: string }) => x.first_name)).toEqual(['a']);
  });
});

describe('jobs', () => {
  it('requires address_id by the spec and an address of that customer', async () => {
    const c = await customerWithAddress();
    const other = await customerWithAddress({ email: 'other@example.com' });
    const noAddress = await api('POST', '/jobs', { customer_id: c.id });
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.error.message).toMatch(/address_id/);
    expect((await api('POST', '/jobs', { customer_id: c.id, address_id: other.addresses[0].id })).status).toBe(422);
    expect(
      (await api('POST', '/jobs', { customer_id: c.id, address_id: c.addresses[0].id, assigned_employee_ids: ['ghost'] })).status,
    ).toBe(422);
    expect(sim.jobs.size).toBe(0);
  });

  it('schedules a job, lists it by window and employee, and adds notes', async () => {
    const c = await customerWithAddress();
    const created = await api('POST', '/jobs', {
      customer_id: c.id,
      address_id: c.addresses[0].id,
      assigned_employee_ids: ['pro_sim_1'],
      notes: 'Booked by phone',
      schedule: { scheduled_start: '2030-01-07T15:00:00', scheduled_end: '2030-01-07T16:00:00Z' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      work_status: 'scheduled',
      invoice_number: '1001',
      customer: { id: c.id },
      address: { id: c.addresses[0].id },
      schedule: { scheduled_start: '2030-01-07T15:00:00.000Z', scheduled_end: '2030-01-07T16:00:00.000Z' },
      assigned_employees: [{ id: 'pro_sim_1' }],
      notes: [{ content: 'Booked by phone' }],
    });
    await api('POST', '/jobs', { customer_id: c.id, address_id: c.addresses[0].id });
    const window = 'scheduled_start_min=2030-01-07T00:00:00Z&scheduled_start_max=2030-01-07T23:59:59Z';
    expect((await api('GET', `/jobs?${window}`)).body.total_items).toBe(1);
    expect((await api('GET', `/jobs?${window}&employee_ids[]=pro_sim_2`)).body.total_items).toBe(0);
    expect((await api('GET', `/jobs?${window}&employee_ids=pro_sim_1`)).body.jobs[0].id).toBe(created.body.id);
    expect((await api('GET', '/jobs?work_status[]=unscheduled')).body.jobs[0].work_status).toBe('needs scheduling');
    const note = await api('POST', `/jobs/${created.body.id}/notes`, { content: 'Call summary: leaking tap' });
    expect(note).toMatchObject({ status: 201, body: { id: expect.stringMatching(/^nte_/), content: 'Call summary: leaking tap' } });
    expect((await api('POST', `/jobs/${created.body.id}/notes`, {})).status).toBe(400);
    expect((await api('GET', `/jobs/${created.body.id}`)).body.notes).toHaveLength(2);
  });

  it("moves and erases a job's schedule (update-job-schedule, delete-job-schedule), checked against the spec", async () => {
    const c = await customerWithAddress();
    const job = await api('POST', '/jobs', {
      customer_id: c.id,
      address_id: c.addresses[0].id,
      schedule: { scheduled_start: '2030-01-07T15:00:00Z', scheduled_end: '2030-01-07T17:00:00Z' },
    });
    const path = `/jobs/${job.body.id}/schedule`;
    const moved = await api('PUT', path, { start_time: '2030-01-08T09:30:00-05:00', end_time: '2030-01-08T11:30:00-05:00' });
    expect(moved).toMatchObject({ status: 200, body: { start_time: '2030-01-08T14:30:00.000Z', end_time: '2030-01-08T16:30:00.000Z' } });
    expect(schemaProblems('PUT', '/jobs/{job_id}/schedule', 200, moved.body)).toEqual([]);
    expect(sim.jobs.get(job.body.id)!.schedule).toMatchObject({ scheduled_start: '2030-01-08T14:30:00.000Z' });
    expect((await api('PUT', path, { end_time: '2030-01-08T11:30:00Z' })).status).toBe(400);
    expect(sim.violations).toHaveLength(1);
    for (const _ of [1, 2]) {
      const erased = await api('DELETE', path);
      expect(erased).toMatchObject({ status: 200, body: { object: 'schedule', deleted: true } });
      expect(schemaProblems('DELETE', '/jobs/{job_id}/schedule', 200, erased.body)).toEqual([]);
    }
    expect(sim.jobs.get(job.body.id)).toMatchObject({ work_status: 'needs scheduling', schedule: { scheduled_start: null } });
    expect((await api('DELETE', '/jobs/job_missing/schedule')).status).toBe(404);
  });

  it('lists employees', async () => {
    const r = await api('GET', '/employees');
    expect(r.body).toMatchObject({ total_items: 2, employees: [{ id: 'pro_sim_1', first_name: 'Pat' }, { id: 'pro_sim_2' }] });
  });
});

describe('response shapes', () => {
  it('answers every implemented operation in the shape the spec declares', async () => {
    const created = await api('POST', '/customers', { first_name: 'Shape', addresses: [address] });
    expect(schemaProblems('POST', '/customers', 201, created.body)).toEqual([]);
    const id = created.body.id;
    expect(schemaProblems('GET', '/customers', 200, (await api('GET', '/customers?q=shape')).body)).toEqual([]);
    expect(schemaProblems('GET', '/customers/{customer_id}', 200, (await api('GET', `/customers/${id}`)).body)).toEqual([]);
    expect(
      schemaProblems('POST', '/customers/{customer_id}/addresses', 200, (await api('POST', `/customers/${id}/addresses`, address)).body),
    ).toEqual([]);
    const job = await api('POST', '/jobs', {
      customer_id: id,
      address_id: created.body.addresses[0].id,
      assigned_employee_ids: ['pro_sim_2'],
      schedule: { scheduled_start: '2030-01-07T15:00:00Z', scheduled_end: '2030-01-07T16:00:00Z' },
    });
    expect(schemaProblems('POST', '/jobs', 201, job.body)).toEqual([]);
    expect(schemaProblems('GET', '/jobs', 200, (await api('GET', '/jobs')).body)).toEqual([]);
    expect(schemaProblems('GET', '/jobs/{id}', 200, (await api('GET', `/jobs/${job.body.id}`)).body)).toEqual([]);
    expect(
      schemaProblems('POST', '/jobs/{job_id}/notes', 201, (await api('POST', `/jobs/${job.body.id}/notes`, { content: 'n' })).body),
    ).toEqual([]);
    expect(schemaProblems('GET', '/employees', 200, (await api('GET', '/employees')).body)).toEqual([]);
    expect(schemaProblems('GET', '/jobs', 200, { jobs: [] })).not.toEqual([]);
  });
});

describe('auth, limits and faults', () => {
  it('accepts only Token <key> (or a known bearer) and answers 401 in the error shape', async () => {
    expect((await api('GET', '/employees', undefined, null)).status).toBe(401);
    expect(await api('GET', '/employees', undefined, 'Token nope')).toMatchObject({
      status: 401,
      body: { error: { message: 'Unauthorized' } },
    });
    expect((await api('GET', '/employees', undefined, `Basic ${sim.apiKey}`)).status).toBe(401);
    const other = await startHousecallproSim({ apiKeys: ['k1', 'k2'] });
    try {
      const get = (key: string) => fetch(`${other.url}/employees`, { headers: { authorization: `Token ${key}` } });
      expect((await get('k2')).status).toBe(200);
      other.tokens.revoke('k2');
      expect([(await get('k1')).status, (await get('k2')).status]).toEqual([200, 401]);
    } finally {
      await other.close();
    }
  });

  it('reports RateLimit headers and 429s with Retry-After past the limit', async () => {
    const small = await startHousecallproSim({ rateLimit: { limit: 2, windowMs: 30_000 } });
    try {
      const get = () => fetch(`${small.url}/employees`, { headers: { authorization: `Token ${small.apiKey}` } });
      const first = await get();
      expect([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining')]).toEqual(['2', '1']);
      await get();
      const over = await get();
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(25);
      expect((await over.json()).error.message).toBeTruthy();
    } finally {
      await small.close();
    }
  });

  it('injects 429, 5xx and slow answers', async () => {
    sim.inject({ path: '/customers', method: 'GET', status: 429, headers: { 'Retry-After': '2' } });
    sim.inject({ path: '/customers', method: 'GET', status: 502 });
    sim.inject({ path: '/customers', method: 'GET', delayMs: 250 });
    const limited = await api('GET', '/customers');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    expect((await api('GET', '/customers')).status).toBe(502);
    const t0 = Date.now();
    expect((await api('GET', '/customers')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });
});
