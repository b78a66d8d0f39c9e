import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';

let sim: Simulator;
afterEach(async () => sim?.close());

async function start(): Promise<Simulator> {
  return startSimulator({
    setup: (s) => {
      s.app.post('/items', async (req) => s.state.collection('items').insert(req.body as Record<string, unknown>));
      s.app.get(
        '/items/:id',
        async (req) =>
          s.state.collection('items').get((req.params as { id: string }).id) ??
          (() => {
            throw s.error(404, 'gone');
          })(),
      );
    },
  });
}

describe('simulator basics', () => {
  it('listens on loopback, keeps state with auto ids and records requests', async () => {
    sim = await start();
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${sim.url}/items?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a' }),
    });
    expect(await res.json()).toEqual({ name: 'a', id: '1' });
    expect(sim.state.collection('items').all()).toEqual([{ name: 'a', id: '1' }]);
    expect(sim.requests[0]).toMatchObject({ method: 'POST', path: '/items', query: { x: '1' }, body: { name: 'a' }, status: 200 });
    const state = await (await fetch(`${sim.url}/__sim/state`)).json();
    expect(state).toEqual({ items: [{ name: 'a', id: '1' }] });
  });

  it('reset clears state, requests and faults', async () => {
    sim = await start();
    sim.state.collection('items').insert({ name: 'x' });
    sim.inject({ path: '/items/1', status: 500 });
    await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
    expect(sim.state.collection('items').size).toBe(0);
    expect(sim.requests).toHaveLength(0);
    expect(sim.faults.list()).toHaveLength(0);
  });
});

describe('fault injection', () => {
  it('answers a status with headers `times` times, then the real handler', async () => {
    sim = await start();
    sim.state.collection('items').insert({ name: 'a' });
    sim.inject({ method: 'GET', path: '/items/1', times: 2, status: 429, headers: { 'retry-after': '3' }, body: { slow: 'down' } });
    const r1 = await fetch(`${sim.url}/items/1`);
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('3');
    expect(await r1.json()).toEqual({ slow: 'down' });
    expect((await fetch(`${sim.url}/items/1`)).status).toBe(429);
    expect((await fetch(`${sim.url}/items/1`)).status).toBe(200);
  });

  it('matches by regex and over HTTP, with a negative times meaning forever', async () => {
    sim = await start();
    const add = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pathRegex: '^/items/\\d+$', status: 503, times: -1 }),
    });
    expect(add.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await fetch(`${sim.url}/items/${i}`)).status).toBe(503);
    const post = await fetch(`${sim.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(200);
  });

  it('delays an answer', async () => {
    sim = await start();
    sim.inject({ path: '/items', delayMs: 300 });
    const t0 = Date.now();
    const res = await fetch(`${sim.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('drops the connection', async () => {
    sim = await start();
    sim.inject({ path: '/items', drop: true });
    await expect(
      fetch(`${sim.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    ).rejects.toThrow();
    expect(sim.requests[0].status).toBeUndefined();
  });

  it('drops the answer after the handler ran: the write stands, the client gets no answer', async () => {
    sim = await start();
    sim.inject({ method: 'POST', path: '/items', dropAfter: true });
    await expect(
      fetch(`${sim.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' }),
    ).rejects.toThrow();
    expect(sim.state.collection('items').all()).toEqual([{ name: 'a', id: '1' }]);
    expect(sim.requests[0].status).toBeUndefined();
    // Used up: the next request is answered, and only once more written.
    const res = await fetch(`${sim.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"b"}' });
    expect(res.status).toBe(200);
    expect(sim.state.collection('items').size).toBe(2);
  });

  it('takes dropAfter over HTTP', async () => {
    sim = await start();
    const add = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/items', dropAfter: true }),
    });
    expect(add.status).toBe(201);
    await expect(
      fetch(`${sim.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    ).rejects.toThrow();
    expect(sim.state.collection('items').size).toBe(1);
  });
});
