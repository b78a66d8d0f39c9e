import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines } from '@hub/store/testing';
import { hubOnEngine } from './hub-on-engine.js';
import { HubServices } from '../../src/services.js';
import { normalizeCall } from '../../src/sync/call-data.js';

// The console's reads (call pages, latest call per agent, daily buckets) and retrying dead jobs,
// on every store engine.
describe.each(testEngines())('console reports on $name', (target) => {
  let hub: HubServices;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ hub, dispose } = await hubOnEngine(target));
  });
  afterEach(() => dispose());

  const record = (tenant: string, agent: string, id: string, at: string) =>
    hub.repos.calls.record(tenant, agent, normalizeCall({ call_id: id }, agent), at);

  it("pages an agent's calls newest first, ties broken by id, within since/until", async () => {
    await record('t', 'a', 'c1', '2026-03-01T10:00:00.000Z');
    await record('t', 'a', 'c2', '2026-03-01T11:00:00.000Z');
    await record('t', 'a', 'c3', '2026-03-01T11:00:00.000Z');
    await record('t', 'a', 'c4', '2026-03-01T12:00:00.000Z');
    await record('t', 'b', 'x1', '2026-03-02T00:00:00.000Z');
    await record('u', 'a', 'y1', '2026-03-03T00:00:00.000Z');
    const seen: string[] = [];
    let after;
    for (;;) {
      const page = await hub.repos.callPages.page({ tenantId: 't', agentId: 'a', limit: 2, after });
      seen.push(...page.map((c) => c.callId));
      if (page.length < 2) break;
      after = page[page.length - 1];
    }
    expect(seen).toHaveLength(4);
    expect(seen[0]).toBe('c4');
    expect(seen.slice(1, 3).sort()).toEqual(['c2', 'c3']);
    expect(seen[3]).toBe('c1');
    const window = await hub.repos.callPages.page({
      tenantId: 't',
      agentId: 'a',
      since: '2026-03-01T11:00:00.000Z',
      until: '2026-03-01T12:00:00.000Z',
      limit: 10,
    });
    expect(window.map((c) => c.callId).sort()).toEqual(['c2', 'c3']);
    expect(await hub.repos.callPages.lastCallByAgent('t')).toEqual(
      new Map([
        ['a', '2026-03-01T12:00:00.000Z'],
        ['b', '2026-03-02T00:00:00.000Z'],
      ]),
    );
    expect(await hub.repos.callPages.lastCallByAgent('nobody')).toEqual(new Map());
  });

  it('counts finished syncs per UTC day and type, for a tenant or one agent', async () => {
    const finished = [
      ['a', 'zapier', 'succeeded', '2026-03-01T00:00:00.000Z'],
      ['a', 'zapier', 'failed', '2026-03-01T23:59:59.999Z'],
      ['a', 'hubspot', 'succeeded', '2026-03-02T08:00:00.000Z'],
      ['b', 'zapier', 'succeeded', '2026-03-02T09:00:00.000Z'],
      ['a', 'zapier', 'queued', '2026-03-02T09:00:00.000Z'],
      ['a', 'zapier', 'succeeded', '2026-02-28T23:59:59.999Z'],
    ] as const;
    for (const [i, [agent, type, status, at]] of finished.entries()) {
      const { job } = await hub.queue.enqueue({ tenantId: 't', agentId: agent, callId: `c${i}`, integrationId: `int_${type}`, type });
      await hub.queue.col.updateOne({ _id: job._id }, { $set: { status, finishedAt: at } });
    }
    const sort = (b: Array<{ date: string; type: string }>) =>
      [...b].sort((x, y) => `${x.date}${x.type}`.localeCompare(`${y.date}${y.type}`));
    expect(sort(await hub.repos.jobReports.daily('t', ['2026-03-01', '2026-03-02']))).toEqual([
      { date: '2026-03-01', type: 'zapier', total: 2, succeeded: 1, failed: 1 },
      { date: '2026-03-02', type: 'hubspot', total: 1, succeeded: 1, failed: 0 },
      { date: '2026-03-02', type: 'zapier', total: 1, succeeded: 1, failed: 0 },
    ]);
    expect(sort(await hub.repos.jobReports.daily('t', ['2026-03-02'], 'a'))).toEqual([
      { date: '2026-03-02', type: 'hubspot', total: 1, succeeded: 1, failed: 0 },
    ]);
    expect(await hub.repos.jobReports.daily('other', ['2026-03-01'])).toEqual([]);
  });

  it('retries every dead-lettered job of one integration once', async () => {
    for (const [i, integrationId] of ['int_1', 'int_1', 'int_2'].entries()) {
      const { job } = await hub.queue.enqueue({ tenantId: 't', agentId: 'a', callId: `c${i}`, integrationId, type: 'zapier' });
      await hub.queue.col.updateOne(
        { _id: job._id },
        { $set: { status: 'failed', deadLettered: true, attempts: 4, finishedAt: '2026-03-01T00:00:00.000Z' } },
      );
    }
    expect(await hub.queue.retryDead('other', 'a', 'int_1')).toBe(0);
    expect(await hub.queue.retryDead('t', 'a', 'int_1')).toBe(2);
    expect(await hub.queue.retryDead('t', 'a', 'int_1')).toBe(0);
    const jobs = await hub.queue.col.find({ tenantId: 't' }, { sort: { callId: 1 } }).toArray();
    expect(jobs.map((j) => [j.integrationId, j.status, j.attempts, j.deadLettered])).toEqual([
      ['int_1', 'queued', 0, false],
      ['int_1', 'queued', 0, false],
      ['int_2', 'failed', 4, true],
    ]);
  });
});
