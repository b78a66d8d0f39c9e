import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateManifest } from '@hub/manifests';
import { silentLogger } from '../../src/engine/types.js';
import { JobQueue } from '../../src/queue/job-queue.js';
import { Worker, type JobHandler } from '../../src/queue/worker.js';
import { Registry } from '../../src/registry/registry.js';
import { Keyring } from '../../src/security/crypto.js';
import { HubServices } from '../../src/services.js';
import { openStore } from '@hub/store';
import type { JobDoc } from '../../src/store/repos/documents.js';
import { normalizeCall } from '../../src/sync/call-data.js';
import { runSyncJob } from '../../src/sync/run-job.js';

type Engine = Awaited<ReturnType<typeof openStore>>;
let engine: Engine;
let dir: string;
const spec = { tenantId: 't', agentId: 'a', callId: 'c1', integrationId: 'i1', type: 'memo' };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'queue-poison-'));
  engine = await openStore({ dataDir: dir });
});
afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs a worker until the queue holds no queued or running job (or 5 s pass). */
async function drain(queue: JobQueue, handler: JobHandler): Promise<JobDoc[]> {
  const worker = new Worker(queue, handler, { concurrency: 2, leaseMs: 5_000, pollMs: 10, logger: silentLogger });
  worker.start();
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (await queue.col.countDocuments({ status: { $in: ['queued', 'running'] } })) > 0)
    await new Promise((r) => setTimeout(r, 10));
  await worker.stop();
  return queue.col.find({}).toArray();
}

describe('a job that crashes', () => {
  it('a throwing handler counts an attempt each time, backs off and is dead-lettered after the last attempt', async () => {
    const queue = new JobQueue(engine.collection<JobDoc>('jobs'), { baseMs: 1, capMs: 5, maxAttempts: 3 });
    await queue.ensureIndexes();
    await queue.enqueue(spec);
    let runs = 0;
    const [job] = await drain(queue, async () => {
      runs += 1;
      throw new RangeError('Maximum call stack size exceeded');
    });
    expect(runs).toBe(3);
    expect(job).toMatchObject({ status: 'failed', deadLettered: true, attempts: 3 });
    expect(job.lastError).toMatchObject({ code: 'HUB_ERR_INTERNAL', message: expect.stringContaining('Maximum call stack size exceeded') });
    expect(job.leaseUntil).toBeUndefined();
  });

  it('a handler that settles the job and then throws leaves the job as it settled it', async () => {
    const queue = new JobQueue(engine.collection<JobDoc>('jobs'), { baseMs: 1, capMs: 5, maxAttempts: 3 });
    await queue.ensureIndexes();
    await queue.enqueue(spec);
    const [job] = await drain(queue, async (j, owner) => {
      await queue.succeed(j._id, owner);
      throw new Error('log write failed after the job succeeded');
    });
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('a claim dead-letters a job whose attempts were used up by workers that died mid-run', async () => {
    const queue = new JobQueue(engine.collection<JobDoc>('jobs'), { baseMs: 1, capMs: 5, maxAttempts: 2 });
    await queue.ensureIndexes();
    await queue.enqueue(spec);
    for (let i = 1; i <= 2; i++) {
      const claimed = await queue.claim(`dying-${i}`, 1); // the worker dies: it never fails or succeeds the job
      expect(claimed?.attempts).toBe(i);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await queue.claim('live', 10_000)).toBeNull();
    const job = (await queue.col.findOne({}))!;
    expect(job).toMatchObject({ status: 'failed', deadLettered: true });
    expect(job.lastError).toMatchObject({ message: expect.stringContaining('all 2 attempts ended without a result') });
    // a dead-lettered job can still be put back by the API, and then runs
    await queue.retry('t', 'a', job._id);
    expect((await queue.claim('live', 10_000))?.attempts).toBe(1);
  });
});

describe('a stop', () => {
  it('does not wait forever for a handler that ignores the abort: its job is released for the next claim', async () => {
    const queue = new JobQueue(engine.collection<JobDoc>('jobs'), { baseMs: 1, capMs: 5, maxAttempts: 3 });
    await queue.ensureIndexes();
    await queue.enqueue(spec);
    let started = false;
    const worker = new Worker(queue, () => ((started = true), new Promise<void>(() => undefined)), {
      concurrency: 1,
      leaseMs: 60_000,
      pollMs: 10,
      logger: silentLogger,
    });
    worker.start();
    while (!started) await new Promise((r) => setTimeout(r, 5));
    await worker.stop(20);
    const job = (await queue.col.findOne({}))!;
    expect(job).toMatchObject({ status: 'queued', attempts: 0 });
    expect(job.leaseUntil).toBeUndefined();
  });
});

describe('a sync job whose runtime cannot be built', () => {
  it('is failed through the normal path and dead-lettered, and the next job still runs', async () => {
    const r = validateManifest({
      id: 'memo',
      name: 'memo',
      version: '1.0.0',
      manifestVersion: 1,
      capabilities: ['notes'],
      auth: { type: 'none' },
      http: { baseUrl: 'https://crm.test' },
      operations: { addNote: { hook: 'addNote' } },
      mappings: { note: "{ 'text': call.call_summary }" },
      hooks: ['addNote'],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const notes: unknown[] = [];
    const connector = {
      manifest: r.manifest,
      hooks: { addNote: async (_: unknown, input: unknown) => (notes.push(input), { id: `n${notes.length}` }) },
      dir: '.',
    };
    const hub = new HubServices(
      engine,
      Registry.of([connector]),
      new Keyring([randomBytes(32)]),
      { allowPrivateUrls: false, publicUrl: 'http://127.0.0.1', backoff: { baseMs: 1, capMs: 5, maxAttempts: 3 } },
      silentLogger,
    );
    await hub.init();
    const broken = await hub.repos.integrations.create({
      tenantId: 't',
      agentId: 'a',
      type: 'memo',
      status: 'connected',
      config: {},
      fieldMappings: {},
      mappings: {},
      account: {},
    });
    const fine = await hub.repos.integrations.create({
      tenantId: 't',
      agentId: 'a',
      type: 'memo',
      status: 'connected',
      config: {},
      fieldMappings: {},
      mappings: {},
      account: {},
    });
    await hub.repos.calls.record('t', 'a', normalizeCall({ call_id: 'c1', call_summary: 'Wants a quote' }, 'a'));
    for (const i of [broken, fine])
      await hub.queue.enqueue({ tenantId: 't', agentId: 'a', callId: 'c1', integrationId: i._id, type: 'memo' }, { notify: false });
    const runtimeFor = hub.runtimeFor.bind(hub);
    hub.runtimeFor = (integration, opts) => {
      if (integration._id === broken._id) throw new Error('unsupported state or unable to authenticate data');
      return runtimeFor(integration, opts);
    };
    const jobs = await drain(hub.queue, (job, owner, signal) => runSyncJob(hub, job, owner, signal));
    const byIntegration = Object.fromEntries(jobs.map((j) => [j.integrationId, j]));
    expect(byIntegration[broken._id]).toMatchObject({ status: 'failed', deadLettered: true, attempts: 3 });
    expect(byIntegration[broken._id].lastError?.message).toContain('unable to authenticate data');
    expect(byIntegration[fine._id]).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(notes).toEqual([{ text: 'Wants a quote' }]);
  });
});
