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
  async function seed(callId: string, ageDays: number, status: 'succeeded' | 'failed' | 'queued'): Promise<void> {
    const at = new Date(Date.now() - ageDays * DAY).toISOString();
    await hub.repos.calls.record('t', 'a', normalizeCall({ call_id: callId }, 'a'), at);
    const { job } = await hub.queue.enqueue({ tenantId: 't', agentId: 'a', callId, integrationId: 'i', type: 'x' });
    const finished = status === 'queued' ? {} : { finishedAt: at, ...(status === 'failed' ? { deadLettered: true } : {}) };
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

  it('removes calls, finished jobs and logs older than the retention; keeps recent ones, dead letters and their calls', async () => {
    await seed('old', 40, 'succeeded');
    await seed('recent', 5, 'succeeded');
    await seed('old-dead', 40, 'failed');
    await seed('ancient-dead', 100, 'failed');
    await seed('old-unfinished', 40, 'queued');
    const removed = await pruneExpired(hub, 30);
    expect(removed).toMatchObject({ jobs: 2, syncLogs: 4 });
    const calls = (await hub.repos.calls.col.find({}).toArray()).map((c) => c.callId).sort();
    expect(calls).toEqual(['old-dead', 'recent']);
    const jobs = (await hub.queue.col.find({}).toArray()).map((j) => j.callId).sort();
    expect(jobs).toEqual(['old-dead', 'old-unfinished', 'recent']);
    expect((await hub.repos.syncLogs.col.find({}).toArray()).map((l) => l.callId)).toEqual(['recent']);
  });
});
