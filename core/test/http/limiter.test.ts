import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/http/limiter.js';

describe('RateLimiter', () => {
  it('lets `requests` through per window, then makes the next wait for the window to slide', async () => {
    let t = 0;
    const l = new RateLimiter({ requests: 3, perMs: 1000 }, () => t);
    for (let i = 0; i < 3; i++) await l.acquire();
    expect(l.delay()).toBe(1000);
    t = 400;
    expect(l.delay()).toBe(600);
    t = 1001;
    expect(l.delay()).toBe(0);
  });

  it('is tightened by the CRM quota headers: remaining 0 waits until the reported reset', async () => {
    let t = 10_000;
    const l = new RateLimiter(
      { requests: 100, perMs: 10_000, remainingHeader: 'X-RateLimit-Remaining', resetHeader: 'X-RateLimit-Reset', resetUnit: 'seconds' },
      () => t,
    );
    l.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' });
    expect(l.delay()).toBe(4000);
    t += 4000;
    expect(l.delay()).toBe(0);
  });

  it('keeps the lowest remaining figure of a window when answers arrive out of order', () => {
    let t = 0;
    const l = new RateLimiter({ requests: 100, perMs: 10_000, remainingHeader: 'x-remaining', intervalHeader: 'x-interval' }, () => t);
    l.observe({ 'x-remaining': '0', 'x-interval': '1000' });
    l.observe({ 'x-remaining': '3', 'x-interval': '1000' });
    expect(l.delay()).toBeGreaterThan(900);
    t = 2500;
    l.observe({ 'x-remaining': '5', 'x-interval': '1000' });
    expect(l.delay()).toBe(0);
  });

  it('uses the interval header when there is no reset header', () => {
    const l = new RateLimiter({ requests: 100, perMs: 10_000, remainingHeader: 'x-remaining', intervalHeader: 'x-interval' }, () => 0);
    l.observe({ 'x-remaining': '0', 'x-interval': '2500' });
    expect(l.delay()).toBe(2500);
  });

  it('pauses after a 429 for the Retry-After', () => {
    const l = new RateLimiter(undefined, () => 0);
    l.pause(1500);
    expect(l.delay()).toBe(1500);
  });

  it('really waits (serves callers in order)', async () => {
    const l = new RateLimiter({ requests: 2, perMs: 150 });
    const started = Date.now();
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => l.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
