import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter, type Simulator, startSimulator } from '../src/index.js';

let sim: Simulator;
afterEach(async () => sim?.close());

describe('RateLimiter', () => {
  it('fixed window resets at the boundary', () => {
    let now = 0;
    const rl = new RateLimiter([{ limit: 2, windowMs: 1000 }], () => now);
    expect(rl.hit('k').map((u) => u.exceeded)).toEqual([false]);
    expect(rl.hit('k')[0]).toMatchObject({ exceeded: false, remaining: 0 });
    expect(rl.hit('k')[0]).toMatchObject({ exceeded: true, resetMs: 1000 });
    expect(rl.hit('other')[0].exceeded).toBe(false);
    now = 1000;
    expect(rl.hit('k')[0]).toMatchObject({ exceeded: false, remaining: 1 });
  });

  it('sliding window frees a slot when the oldest hit ages out', () => {
    let now = 0;
    const rl = new RateLimiter([{ limit: 2, windowMs: 1000, mode: 'sliding' }], () => now);
    rl.hit('k');
    now = 600;
    rl.hit('k');
    now = 900;
    expect(rl.hit('k')[0]).toMatchObject({ exceeded: true, resetMs: 100 });
    now = 1001;
    expect(rl.hit('k')[0].exceeded).toBe(false);
    expect(rl.hit('k')[0].exceeded).toBe(true);
  });

  it('a rejected request does not use up another rule', () => {
    const rl = new RateLimiter([
      { name: 'burst', limit: 1, windowMs: 60_000 },
      { name: 'daily', limit: 10, windowMs: 86_400_000 },
    ]);
    rl.hit('k');
    const u = rl.hit('k');
    expect(u[0].exceeded).toBe(true);
    expect(u[1]).toMatchObject({ name: 'daily', remaining: 9, exceeded: false });
  });
});

describe('simulator rate limiting', () => {
  it('answers 429 per key with Retry-After and sets quota headers on every answer', async () => {
    sim = await startSimulator({
      rateLimit: { rules: [{ limit: 2, windowMs: 10_000 }], key: (req) => String(req.headers['x-key'] ?? 'anon') },
      headers: (_req, usage): Record<string, string> => (usage ? { 'x-remaining': String(usage[0].remaining) } : {}),
      setup: (s) => {
        s.app.get('/ping', async () => ({ ok: true }));
      },
    });
    const get = (key: string) => fetch(`${sim.url}/ping`, { headers: { 'x-key': key } });
    const a1 = await get('a');
    expect(a1.headers.get('x-remaining')).toBe('1');
    expect((await get('a')).headers.get('x-remaining')).toBe('0');
    const limited = await get('a');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ status: 429 });
    expect((await get('b')).status).toBe(200);
  });
});
