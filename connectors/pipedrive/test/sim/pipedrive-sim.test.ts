import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPipedriveSim, type PipedriveSim } from '../../sim/index.js';

let sim: PipedriveSim;

async function api(method: string, path: string, body?: unknown, auth: 'query' | 'header' | 'none' | string = 'query') {
  const url = new URL(`${sim.url}${path}`);
  const headers: Record<string, string> = {};
  if (auth === 'query') url.searchParams.set('api_token', sim.apiToken);
  else if (auth === 'header') headers['x-api-token'] = sim.apiToken;
  else if (auth !== 'none') url.searchParams.set('api_token', auth);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: await res.json() };
}
const person = (extra: Record<string, unknown> = {}) =>
  api('POST', '/v1/persons', {
    name: 'Ada Lovelace',
    phone: [{ value: '+1 (415) 555-0100', primary: true }],
    email: 'ada@example.com',
    ...extra,
  });

beforeAll(async () => {
  sim = await startPipedriveSim();
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

describe('persons', () => {
  it('creates a person in the standard envelope, normalising phone and email to arrays', async () => {
    const r = await person({ a3f1c0de5b7e4c1d9a0b2c3d4e5f60718293a4b5: 'booked' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      success: true,
      data: {
        id: 1,
        name: 'Ada Lovelace',
        first_name: 'Ada',
        last_name: 'Lovelace',
        owner_id: { id: 1001 },
        phone: [{ value: '+1 (415) 555-0100', primary: true, label: 'work' }],
        email: [{ value: 'ada@example.com', primary: true }],
        a3f1c0de5b7e4c1d9a0b2c3d4e5f60718293a4b5: 'booked',
      },
    });
    expect((await api('GET', '/v1/persons/1')).body.data.primary_email).toBe('ada@example.com');
    expect((await api('GET', '/v1/persons/99')).status).toBe(404);
  });

  it('searches by exact phone (on digits) and email, with pagination data', async () => {
    await person();
    await person({ name: 'Other', phone: '+14155550199', email: 'other@example.com' });
    const byPhone = await api('GET', '/v1/persons/search?term=%2B14155550100&fields=phone&exact_matching=true');
    expect(byPhone.body).toMatchObject({
      success: true,
      data: { items: [{ item: { id: 1, type: 'person', phones: ['+1 (415) 555-0100'] } }] },
      additional_data: { pagination: { start: 0, more_items_in_collection: false } },
    });
    const byEmail = await api('GET', '/v1/persons/search?term=ADA%40example.com&fields=email&exact_matching=true');
    expect(byEmail.body.data.items.map((i: { item: { id: number } }) => i.item.id)).toEqual([1]);
    expect((await api('GET', '/v1/persons/search?term=555&fields=phone')).body.data.items).toHaveLength(2);
    const paged = await api('GET', '/v1/persons/search?term=555&fields=phone&limit=1');
    expect(paged.body.additional_data.pagination).toEqual({ start: 0, limit: 1, more_items_in_collection: true, next_start: 1 });
    expect((await api('GET', '/v1/persons/search?term=x')).status).toBe(400);
    expect((await api('GET', '/v1/persons/search?term=ada&fields=address')).body.error).toMatch(/Invalid field/);
  });

  it('lists person fields with their API keys', async () => {
    const r = await api('GET', '/v1/personFields');
    expect(r.body.data.map((f: { key: string }) => f.key)).toEqual(
      expect.arrayContaining(['name', 'phone', 'email', 'a3f1c0de5b7e4c1d9a0b2c3d4e5f60718293a4b5']),
    );
  });
});

describe('notes, activities and deals', () => {
  it('attaches notes to persons and deals, and refuses orphans and dangling ids', async () => {
    await person();
    const deal = await api('POST', '/v1/deals', { title: 'Ada deal', person_id: 1, stage_id: 2 });
    expect(deal).toMatchObject({
      status: 201,
      body: { data: { id: 1, pipeline_id: 1, stage_id: 2, status: 'open', person_name: 'Ada Lovelace' } },
    });
    const note = await api('POST', '/v1/notes', { content: '<b>Call summary</b>', person_id: 1, deal_id: 1 });
    expect(note).toMatchObject({
      status: 201,
      body: { success: true, data: { id: 1, person_id: 1, deal_id: 1, person: { name: 'Ada Lovelace' } } },
    });
    expect((await api('POST', '/v1/notes', { content: 'orphan' })).status).toBe(400);
    expect((await api('POST', '/v1/notes', { content: 'x', person_id: 42 })).body).toMatchObject({
      success: false,
      error: 'Person with id 42 not found',
    });
    expect(sim.notes.size).toBe(1);
  });

  it("lists a person's notes newest first, null data when there are none", async () => {
    await person();
    await person({ name: 'Bob Other' });
    for (const [content, person_id] of [
      ['first', 1],
      ['other', 2],
      ['second', 1],
    ] as const)
      await api('POST', '/v1/notes', { content, person_id });
    const r = await api('GET', '/v1/notes?person_id=1&sort=add_time%20DESC&limit=100');
    expect(r.status).toBe(200);
    expect(r.body.data.map((n: { content: string }) => n.content)).toEqual(['second', 'first']);
    expect(r.body.additional_data.pagination).toMatchObject({ start: 0, more_items_in_collection: false });
    expect((await api('GET', '/v1/notes?person_id=1&limit=1')).body.additional_data.pagination).toMatchObject({
      more_items_in_collection: true,
      next_start: 1,
    });
    expect((await api('GET', '/v1/notes?person_id=7')).body).toMatchObject({ success: true, data: null });
  });

  it('creates a call activity and checks its date, time, duration and type', async () => {
    await person();
    const ok = await api('POST', '/v1/activities', {
      subject: 'Call with Ada',
      type: 'call',
      due_date: '2030-01-07',
      due_time: '15:00',
      duration: '00:30',
      person_id: 1,
      done: 1,
    });
    expect(ok).toMatchObject({ status: 201, body: { data: { type: 'call', done: true, person_name: 'Ada Lovelace', duration: '00:30' } } });
    const bad = await api('POST', '/v1/activities', { type: 'call', due_date: '07/01/2030', due_time: '3pm', duration: 30 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/due_date.*due_time.*duration/);
    expect((await api('POST', '/v1/activities', { type: 'carrier_pigeon' })).status).toBe(400);
  });

  it('rejects deals with a missing title or a stage from another pipeline', async () => {
    const small = await startPipedriveSim({
      pipelines: [
        { id: 1, name: 'A', stages: [{ id: 1, name: 'a1' }] },
        { id: 2, name: 'B', stages: [{ id: 5, name: 'b1' }] },
      ],
    });
    try {
      const post = (b: unknown) =>
        fetch(`${small.url}/v1/deals?api_token=${small.apiToken}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(b),
        });
      expect((await post({ stage_id: 1 })).status).toBe(400);
      expect((await (await post({ title: 'x', pipeline_id: 1, stage_id: 5 })).json()).error).toMatch(/does not belong/);
      expect(await (await post({ title: 'x', stage_id: 5 })).json()).toMatchObject({ data: { pipeline_id: 2 } });
      expect(small.violations).toHaveLength(1);
    } finally {
      await small.close();
    }
  });
});

describe('auth, limits and faults', () => {
  it('authenticates by api_token or x-api-token, and answers 401 otherwise', async () => {
    expect((await api('GET', '/v1/users/me', undefined, 'header')).body.data).toMatchObject({ id: 1001, company_domain: 'simsales' });
    expect(await api('GET', '/v1/users/me', undefined, 'none')).toMatchObject({ status: 401, body: { success: false, errorCode: 401 } });
    expect((await api('GET', '/v1/users/me', undefined, 'wrong-token')).status).toBe(401);
  });

  it('refuses a token the admin route has expired', async () => {
    const other = await startPipedriveSim();
    try {
      const me = () => fetch(`${other.url}/v1/users/me?api_token=${other.apiToken}`);
      expect((await me()).status).toBe(200);
      await fetch(`${other.url}/__sim/tokens/expire`, { method: 'POST' });
      expect((await me()).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('reports x-ratelimit headers and 429s past the burst limit', async () => {
    const small = await startPipedriveSim({ rateLimit: { limit: 2, windowMs: 10_000 } });
    try {
      const get = () => fetch(`${small.url}/v1/users/me?api_token=${small.apiToken}`);
      const first = await get();
      expect([first.headers.get('x-ratelimit-limit'), first.headers.get('x-ratelimit-remaining')]).toEqual(['2', '1']);
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(10);
      await get();
      const over = await get();
      expect(over.status).toBe(429);
      expect(await over.json()).toMatchObject({ success: false, errorCode: 429 });
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    } finally {
      await small.close();
    }
  });

  it('injects 429, 5xx and slow answers', async () => {
    sim.inject({ path: '/v1/persons', method: 'POST', status: 429, headers: { 'Retry-After': '2' } });
    sim.inject({ path: '/v1/persons', method: 'POST', status: 500 });
    sim.inject({ path: '/v1/persons', method: 'POST', delayMs: 250 });
    const limited = await person();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    expect((await person()).status).toBe(500);
    const t0 = Date.now();
    expect((await person()).status).toBe(201);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(sim.persons.size).toBe(1);
  });
});
