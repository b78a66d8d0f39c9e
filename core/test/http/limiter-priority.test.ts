import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { validateManifest } from '@hub/manifests';
import { RateLimiter } from '../../src/http/limiter.js';
import { ConnectorRuntime, type RuntimeDeps } from '../../src/engine/runtime.js';
import { silentLogger, type Connector } from '../../src/engine/types.js';

const BASE = 'https://api.acme.test';
const WINDOW = { requests: 2, perMs: 200 };

/** Largest number of sends inside any window of the spec's length. */
function busiestWindow(times: number[], perMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + perMs).length));
}

describe('RateLimiter priority', () => {
  it('serves a live request before a background backlog that queued first, and stays under the limit', async () => {
    const l = new RateLimiter(WINDOW);
    const order: string[] = [];
    const sentAt: number[] = [];
    const take = (name: string, p: 'live' | 'background') =>
      l.acquire(undefined, p).then(() => (order.push(name), sentAt.push(Date.now())));
    const backlog = [0, 1, 2, 3, 4, 5].map((i) => take(`sync${i}`, 'background'));
    await new Promise((r) => setTimeout(r, 20));
    // The first sync went at once; the rest wait for the background pace (one per 100 ms here).
    expect(l.backlog().background).toBe(5);
    const live = take('lookup', 'live');
    await Promise.all([...backlog, live]);
    // The lookup goes ahead of all five older syncs.
    expect(order.slice(0, 2)).toEqual(['sync0', 'lookup']);
    expect(busiestWindow(sentAt, WINDOW.perMs)).toBeLessThanOrEqual(WINDOW.requests);
  });

  it('keeps a reserve of each window for live requests: background stops short of its last slot', async () => {
    let t = 0;
    const l = new RateLimiter({ requests: 10, perMs: 400 }, () => t);
    expect(l.reserve()).toBe(1);
    for (let i = 0; i < 9; i++) await l.acquire(undefined, 'live');
    t = 100;
    // Nine in the window: the tenth slot is the live line's, until the window slides.
    expect(l.delay('live')).toBe(0);
    expect(l.delay('background')).toBe(300);
  });

  it('paces a background backlog: as many as the reserve at once, then one per share of the window; live requests never wait for the pace', async () => {
    let t = 0;
    const l = new RateLimiter({ requests: 100, perMs: 10_000 }, () => t);
    const pace = l.pace()!;
    expect(pace.burst).toBe(5);
    expect(pace.everyMs).toBeCloseTo(10_000 / 95, 6);
    for (let i = 0; i < 5; i++) {
      expect(l.delay('background')).toBe(0);
      await l.acquire(undefined, 'background');
    }
    expect(l.delay('background')).toBe(Math.ceil(pace.everyMs));
    expect(l.delay('live')).toBe(0);
    t = 53;
    expect(l.delay('background')).toBe(Math.ceil(pace.everyMs - 53));
    t = Math.ceil(pace.everyMs);
    expect(l.delay('background')).toBe(0);
    await l.acquire(undefined, 'background');
    // One token was earned and spent: the next waits a whole share again, less what has passed.
    expect(l.delay('background')).toBe(Math.ceil(pace.everyMs - (t - pace.everyMs)));
  });

  it('a live request arriving mid-window beside a backlog finds a slot at once, not a window later', async () => {
    // Unpaced, the backlog would spend 19 of 20 slots at once: past the reserve, live requests would
    // wait for that burst to slide out of the window, about a second after they arrive here.
    const spec = { requests: 20, perMs: 2000 };
    const l = new RateLimiter(spec);
    const sentAt: number[] = [];
    const stop = new AbortController();
    const backlog = Array.from({ length: 40 }, () => l.acquire(stop.signal, 'background').then(() => sentAt.push(Date.now())));
    await new Promise((r) => setTimeout(r, 1000));
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const asked = Date.now();
      await l.acquire(undefined, 'live');
      sentAt.push(Date.now());
      waits.push(Date.now() - asked);
    }
    expect(Math.max(...waits)).toBeLessThan(500);
    expect(busiestWindow(sentAt, spec.perMs)).toBeLessThanOrEqual(spec.requests);
    stop.abort(new Error('done'));
    await Promise.allSettled(backlog);
  });

  it('drops an aborted waiter from the line and still serves the rest', async () => {
    const l = new RateLimiter({ requests: 1, perMs: 100 });
    await l.acquire(undefined, 'background');
    const ctl = new AbortController();
    const dropped = l.acquire(ctl.signal, 'background');
    const kept = l.acquire(undefined, 'background');
    ctl.abort(new Error('stopped'));
    await expect(dropped).rejects.toThrow('stopped');
    await kept;
    expect(l.backlog()).toEqual({ live: 0, background: 0 });
  });
});

function connector(): Connector {
  const r = validateManifest({
    id: 'acme',
    name: 'Acme',
    version: '1.0.0',
    manifestVersion: 1,
    capabilities: ['contacts'],
    auth: { type: 'none' },
    http: { baseUrl: BASE, rateLimit: WINDOW },
    operations: {
      findContact: { request: { method: 'GET', path: '/contacts/search' }, output: 'response.body' },
    },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { manifest: r.manifest, hooks: {}, dir: '.' };
}

describe('a live lookup beside a sync backlog on one connection', () => {
  afterEach(() => nock.cleanAll());

  it('does not wait behind the queued syncs', async () => {
    nock(BASE).get('/contacts/search').times(11).reply(200, { id: '1' });
    const deps: RuntimeDeps = { allowPrivateUrls: false, limiters: new Map(), logger: silentLogger };
    const conn = { view: { id: 'int_1', tenantId: 't', agentId: 'a', type: 'acme', account: {} }, config: {}, credentials: {} };
    const sync = new ConnectorRuntime(connector(), conn, deps, { priority: 'background' });
    const lookup = new ConnectorRuntime(connector(), conn, deps, {});
    const ctx = { call: {}, steps: {} };
    const done: string[] = [];
    // Ten sync requests at 2 per 200 ms is a backlog of about a second.
    const syncs = Array.from({ length: 10 }, (_, i) => sync.execute('findContact', {}, ctx).then(() => done.push(`sync${i}`)));
    await new Promise((r) => setTimeout(r, 20));
    await lookup.execute('findContact', {}, ctx);
    done.push('lookup');
    await Promise.all(syncs);
    // Behind the backlog it would finish last; with priority it takes the next free slot.
    expect(done.indexOf('lookup')).toBeLessThanOrEqual(3);
    expect(nock.isDone()).toBe(true);
  });
});
