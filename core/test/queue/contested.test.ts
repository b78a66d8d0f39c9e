import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines, type OpenedTestEngine } from '@hub/store/testing';
import type { JobDoc } from '../../src/store/repos/documents.js';
import { JobQueue, isLeaseLost, queueStoreOptions } from '../../src/queue/job-queue.js';
import { Worker } from '../../src/queue/worker.js';
import { silentLogger } from '../../src/engine/types.js';

const JOBS = Number(process.env.CONTESTED_JOBS ?? 60);
const STEPS = ['contact', 'note', 'event'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One external write a step made: which job and step, by which worker, under which claim. */
type Delivery = { jobId: string; step: string; worker: string; lease: string };

// Three connections to one database (three hub processes on MongoDB), each with a worker of four
// slots, race for the same jobs. Every step's write must happen once per job: on FerretDB 1.x, whose
// updates are a read then a write, a claim write used to land over another claim and its checkpoints,
// and a second worker then ran the same steps again.
describe.each(testEngines())('workers of several processes on one $name store', (target) => {
  let opened: OpenedTestEngine;
  beforeEach(async () => {
    opened = await target.open();
  });
  afterEach(() => opened.dispose());

  it(`run each step of ${JOBS} jobs exactly once, and no job ends failed`, async () => {
    const engines = [opened.engine, await opened.peer(), await opened.peer()];
    const queues = engines.map(
      (e) => new JobQueue(e.collection<JobDoc>('jobs'), { baseMs: 10, capMs: 50, maxAttempts: 5 }, queueStoreOptions(e)),
    );
    await queues[0].ensureIndexes();
    for (let i = 0; i < JOBS; i++)
      await queues[i % 3].enqueue({ tenantId: 't', agentId: 'a', callId: `c${i}`, integrationId: 'i', type: 'x' });
    const deliveries: Delivery[] = [];
    const lost: string[] = [];
    const workers = queues.map(
      (queue, p) =>
        new Worker(
          queue,
          async (job, lease) => {
            try {
              for (const step of STEPS) {
                if (job.steps[step]?.status === 'succeeded') continue;
                await queue.fence(job._id, lease);
                deliveries.push({ jobId: job._id, step, worker: `process ${p}`, lease });
                await sleep(1 + Math.random() * 5);
                if (step === STEPS.at(-1)) await queue.finish(job._id, lease, { step, record: { status: 'succeeded', at: 'now' } });
                else await queue.checkpoint(job._id, lease, step, { status: 'succeeded', at: 'now' });
              }
            } catch (err) {
              if (!isLeaseLost(err)) throw err;
              lost.push(job._id);
            }
          },
          { concurrency: 4, leaseMs: 5_000, pollMs: 20, logger: silentLogger },
        ),
    );
    workers.forEach((w) => w.start());
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await queues[0].col.countDocuments({ status: 'succeeded' })) < JOBS) await sleep(50);
    await Promise.all(workers.map((w) => w.stop()));
    const perStep = new Map<string, Delivery[]>();
    for (const d of deliveries) perStep.set(`${d.jobId}/${d.step}`, [...(perStep.get(`${d.jobId}/${d.step}`) ?? []), d]);
    const twice = [...perStep.entries()]
      .filter(([, ds]) => ds.length > 1)
      .map(([k, ds]) => `${k} by ${ds.map((d) => `${d.worker} (claim ${d.lease})`).join(', ')}`);
    expect(twice).toEqual([]);
    expect(perStep.size).toBe(JOBS * STEPS.length);
    expect(await queues[0].col.countDocuments({ status: 'succeeded' })).toBe(JOBS);
    expect(lost).toEqual([]);
  }, 90_000);
});
