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
    expect(l.backlog().background).toBe(4);
    const live = take('lookup', 'live');
    await Promise.all([...backlog, live]);
    // The first window's two went at once; the lookup takes the very next slot, ahead of four older syncs.
    expect(order.slice(0, 3)).toEqual(['sync0', 'sync1', 'lookup']);
    expect(busiestWindow(sentAt, WINDOW.perMs)).toBeLessThanOrEqual(WINDOW.requests);
  });

  it('keeps a reserve of each window for live requests: a backlog that could spend the window at once leaves a slot free', async () => {
    const l = new RateLimiter({ requests: 10, perMs: 400 });
    expect(l.reserve()).toBe(1);
    const order: string[] = [];
    const sentAt: number[] = [];
    const take = (name: string, p: 'live' | 'background') =>
      l.acquire(undefined, p).then(() => (order.push(name), sentAt.push(Date.now())));
    const backlog = Array.from({ length: 15 }, (_, i) => take(`sync${i}`, 'background'));
    await new Promise((r) => setTimeout(r, 30));
    // Nine went at once; the tenth slot of the window waits for a live request.
    expect(l.backlog().background).toBe(6);
    const live = take('lookup', 'live');
    await live;
    expect(order.indexOf('lookup')).toBe(9);
    await Promise.all(backlog);
    expect(busiestWindow(sentAt, 400)).toBeLessThanOrEqual(10);
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
