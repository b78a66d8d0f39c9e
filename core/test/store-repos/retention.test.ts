import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines } from '@hub/store/testing';
import { hubOnEngine } from './hub-on-engine.js';
import { HubServices } from '../../src/services.js';
import { normalizeCall } from '../../src/sync/call-data.js';
import { pruneExpired } from '../../src/hub/retention.js';

const DAY = 86_400_000;

describe.each(testEngines())('retention on $name', (target) => {
  let hub: HubServices;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ hub, dispose } = await hubOnEngine(target));
  });
  afterEach(() => dispose());

  /** A call received `ageDays` ago with one job finished then as `status`, and its log entry. */
  async function seed(callId: string, ageDays: number, status: 'succeeded' | 'failed' | 'queued' | 'running'): Promise<void> {
    const at = new Date(Date.now() - ageDays * DAY).toISOString();
    await hub.repos.calls.record('t', 'a', normalizeCall({ call_id: callId }, 'a'), at);
    const { job } = await hub.queue.enqueue({ tenantId: 't', agentId: 'a', callId, integrationId: 'i', type: 'x' });
    const finished =
      status === 'queued' || status === 'running' ? {} : { finishedAt: at, ...(status === 'failed' ? { deadLettered: true } : {}) };
    await hub.queue.col.updateOne({ _id: job._id }, { $set: { status, ...finished } });
    await hub.repos.syncLogs.col.insertOne({
      _id: `log_${callId}`,
      tenantId: 't',
      agentId: 'a',
      integrationId: 'i',
      type: 'x',
      jobId: job._id,
      callId,
      step: 'note',
      status: 'success',
      attempt: 1,
      durationMs: 1,
      requests: [],
      createdAt: at,
    });
  }

  it('removes calls, finished jobs and logs older than the retention; keeps recent ones, unfinished and dead-lettered jobs and their calls', async () => {
    await seed('old', 40, 'succeeded');
    await seed('recent', 5, 'succeeded');
    await seed('old-dead', 40, 'failed');
    await seed('ancient-dead', 100, 'failed');
    await seed('old-queued', 40, 'queued');
    await seed('old-running', 40, 'running');
    // The same call id under another agent: its finished job does not keep the queued one's call, nor the reverse.
    await hub.repos.calls.record(
      't',
      'other',
      normalizeCall({ call_id: 'old-queued' }, 'other'),
      new Date(Date.now() - 40 * DAY).toISOString(),
    );
    const removed = await pruneExpired(hub, 30);
    expect(removed).toMatchObject({ jobs: 2, syncLogs: 5, calls: 3 });
    const calls = (await hub.repos.calls.col.find({}).toArray()).map((c) => `${c.agentId}/${c.callId}`).sort();
    expect(calls).toEqual(['a/old-dead', 'a/old-queued', 'a/old-running', 'a/recent']);
    const jobs = (await hub.queue.col.find({}).toArray()).map((j) => j.callId).sort();
    expect(jobs).toEqual(['old-dead', 'old-queued', 'old-running', 'recent']);
    expect((await hub.repos.syncLogs.col.find({}).toArray()).map((l) => l.callId)).toEqual(['recent']);
  });

  it('removes old calls in batches, keeping each one a job still needs', async () => {
    const at = new Date(Date.now() - 40 * DAY).toISOString();
    for (let i = 0; i < 1200; i++) await hub.repos.calls.record('t', 'a', normalizeCall({ call_id: `bulk${i}` }, 'a'), at);
    for (const i of [3, 700, 1199])
      await hub.queue.enqueue({ tenantId: 't', agentId: 'a', callId: `bulk${i}`, integrationId: 'i', type: 'x' });
    expect((await pruneExpired(hub, 30)).calls).toBe(1197);
    expect((await hub.repos.calls.col.find({}).toArray()).map((c) => c.callId).sort()).toEqual(['bulk1199', 'bulk3', 'bulk700']);
  });
});
