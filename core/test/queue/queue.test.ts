import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines, withCollections, type OpenedTestEngine, type TestEngine } from '@hub/store/testing';
import type { DocCollection, StoreEngine } from '../../src/store/types.js';
import type { JobDoc } from '../../src/store/repos/documents.js';
import { JobQueue, LANES, queueStoreOptions } from '../../src/queue/job-queue.js';
import { Worker } from '../../src/queue/worker.js';
import { silentLogger } from '../../src/engine/types.js';

let opened: OpenedTestEngine;
let queue: JobQueue;
const spec = { tenantId: 't', agentId: 'a', callId: 'c1', integrationId: 'i1', type: 'zapier' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function useEngine(target: TestEngine): void {
  beforeEach(async () => {
    opened = await target.open();
    queue = new JobQueue(
      opened.engine.collection<JobDoc>('jobs'),
      { baseMs: 10, capMs: 50, maxAttempts: 3 },
      queueStoreOptions(opened.engine),
    );
    await queue.ensureIndexes();
  });
  afterEach(() => opened.dispose());
}

describe.each(testEngines())('JobQueue on $name', (target) => {
  useEngine(target);

  it('enqueues once per (tenant, agent, call, integration)', async () => {
    const a = await queue.enqueue(spec);
    const b = await queue.enqueue(spec);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.job._id).toBe(a.job._id);
    expect(await queue.col.countDocuments({})).toBe(1);
  });

  it('a job queued with runAt is not claimed before it is due', async () => {
    await queue.enqueue({ ...spec, runAt: Date.now() + 80 });
    expect(await queue.claim('w', 10_000)).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    expect((await queue.claim('w', 10_000))?.callId).toBe('c1');
  });

  it('claims a live job before backfill jobs queued earlier, then the backfill in due order', async () => {
    for (let i = 0; i < 5; i++) await queue.enqueue({ ...spec, callId: `old${i}`, lane: LANES.backfill, runAt: Date.now() - 1000 + i });
    await queue.enqueue({ ...spec, callId: 'live' });
    const order: string[] = [];
    for (let job = await queue.claim('w', 10_000); job; job = await queue.claim('w', 10_000)) order.push(job.callId);
    expect(order).toEqual(['live', 'old0', 'old1', 'old2', 'old3', 'old4']);
  });

  it('never hands the same job to two claimers', async () => {
    for (let i = 0; i < 10; i++) await queue.enqueue({ ...spec, callId: `c${i}` });
    const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => queue.claim(`w${i}`, 10_000)));
    const ids = claims.filter(Boolean).map((j) => j!._id);
    expect(ids.length).toBe(10);
    expect(new Set(ids).size).toBe(10);
  });

  it('a job whose lease expired is claimed again, and the old owner can no longer checkpoint', async () => {
    await queue.enqueue(spec);
    const first = await queue.claim('dead-worker', 1);
    await new Promise((r) => setTimeout(r, 10));
    const second = await queue.claim('live-worker', 10_000);
    expect(second?._id).toBe(first?._id);
    expect(second?.attempts).toBe(2);
    await expect(queue.checkpoint(first!._id, first!.leaseToken!, 'contact', { status: 'succeeded', at: 'now' })).rejects.toThrow(
      /lease was lost/,
    );
  });

  it('gives every claim its own lease token: an earlier claim by the same owner can no longer write', async () => {
    await queue.enqueue(spec);
    const first = (await queue.claim('w', 1))!;
    await sleep(10);
    const second = (await queue.claim('w', 10_000))!; // same owner id, as all slots of one worker share it
    expect(second.leaseToken).not.toBe(first.leaseToken);
    expect(await queue.heartbeat(first._id, first.leaseToken!, 10_000)).toBe(false);
    await expect(queue.checkpoint(first._id, first.leaseToken!, 'note', { status: 'succeeded', at: 'now' })).rejects.toThrow(
      /lease was lost/,
    );
    await queue.succeed(first._id, first.leaseToken!);
    // A lost lease never dead-letters the job: the loser's fail writes nothing.
    expect(await queue.fail(first, first.leaseToken!, { code: 'X' }, false)).toBe('lost');
    expect(await queue.fail(first, first.leaseToken!, { code: 'X' }, true)).toBe('lost');
    await expect(queue.fence(first._id, first.leaseToken!)).rejects.toThrow(/lease was lost/);
    await queue.fence(second._id, second.leaseToken!);
    expect((await queue.col.findOne({ _id: first._id }))!).toMatchObject({ status: 'running', leaseToken: second.leaseToken });
    await queue.succeed(second._id, second.leaseToken!);
    expect((await queue.col.findOne({ _id: first._id }))!.status).toBe('succeeded');
  });

  it('stores CRM outputs whose keys start with $ or hold a dot, and gives them back as they were', async () => {
    await queue.enqueue(spec);
    const job = (await queue.claim('w', 10_000))!;
    const output = { id: 'p1', $ref: 'contacts', 'a.b': { $id: 2 }, list: [{ $oid: 'x' }] };
    await queue.checkpoint(job._id, job.leaseToken!, 'contact', { status: 'succeeded', output, at: 'now' });
    expect((await queue.forCall('t', 'a', 'c1'))[0].steps.contact.output).toEqual(output);
    await queue.fail(job, job.leaseToken!, { code: 'X' }, true, 0);
    await sleep(5);
    expect((await queue.claim('w', 10_000))!.steps.contact.output).toEqual(output);
  });

  it('never hands the same job to two claimers racing on one version of it', async () => {
    await queue.enqueue(spec);
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => queue.claim(`w${i}`, 10_000)));
    const won = claims.filter((j): j is JobDoc => j !== null);
    expect(won).toHaveLength(1);
    expect((await queue.col.findOne({ _id: won[0]._id }))!.leaseToken).toBe(won[0].leaseToken);
  });

  it('backs off, then dead-letters after the last attempt; retry by API puts it back keeping finished steps', async () => {
    await queue.enqueue(spec);
    let job = (await queue.claim('w', 10_000))!;
    await queue.checkpoint(job._id, job.leaseToken!, 'contact', { status: 'succeeded', output: { id: 'p1' }, at: 'now' });
    expect(await queue.fail(job, job.leaseToken!, { code: 'X' }, true, 150)).toBe('retrying');
    expect(await queue.claim('w', 10_000)).toBeNull(); // not due yet
    await new Promise((r) => setTimeout(r, 100));
    for (let attempt = 2; attempt <= 3; attempt++) {
      await new Promise((r) => setTimeout(r, 60));
      job = (await queue.claim('w', 10_000))!;
      expect(job.attempts).toBe(attempt);
      await queue.fail(job, job.leaseToken!, { code: 'X' }, true);
    }
    const dead = (await queue.col.findOne({ _id: job._id }))!;
    expect(dead.status).toBe('failed');
    expect(dead.deadLettered).toBe(true);
    await expect(queue.retry('other-tenant', 'a', job._id)).rejects.toThrow(/not found/);
    const back = await queue.retry('t', 'a', job._id);
    expect(back.status).toBe('queued');
    expect(back.steps.contact.output).toEqual({ id: 'p1' });
    await expect(queue.retry('t', 'a', job._id)).rejects.toThrow(/only failed jobs/);
  });

  it('a permanent failure dead-letters at once; Retry-After sets the next run', async () => {
    await queue.enqueue(spec);
    const job = (await queue.claim('w', 10_000))!;
    expect(await queue.fail(job, job.leaseToken!, { code: 'X' }, false)).toBe('dead');
    await queue.enqueue({ ...spec, callId: 'c2' });
    const j2 = (await queue.claim('w', 10_000))!;
    const before = Date.now();
    await queue.fail(j2, j2.leaseToken!, { code: 'R' }, true, 40);
    const stored = (await queue.col.findOne({ _id: j2._id }))!;
    expect(stored.runAt - before).toBeGreaterThanOrEqual(35);
    expect(stored.runAt - before).toBeLessThan(200);
  });
});

describe.each(testEngines())('Worker on $name', (target) => {
  useEngine(target);

  it('runs queued jobs with bounded concurrency and renews leases while they run', async () => {
    for (let i = 0; i < 6; i++) await queue.enqueue({ ...spec, callId: `c${i}` });
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    const worker = new Worker(
      queue,
      async (job, lease) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 60));
        running--;
        await queue.succeed(job._id, lease);
        done.push(job.callId);
      },
      { concurrency: 2, leaseMs: 90, pollMs: 20, logger: silentLogger },
    );
    worker.start();
    const deadline = Date.now() + 5000;
    while (done.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await worker.stop();
    expect(done.sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(peak).toBe(2);
    const attempts = (await queue.col.find({}).toArray()).map((j) => j.attempts);
    expect(attempts.every((a) => a === 1)).toBe(true);
  });
  it('aborts a running job whose lease is found gone, and its writes are refused', async () => {
    await queue.enqueue(spec);
    let aborted: unknown;
    let lateWrite: unknown;
    const worker = new Worker(
      queue,
      async (job, lease, signal) => {
        // Another worker takes the job over (as after a lost lease), then this one's heartbeat runs.
        await queue.col.updateOne({ _id: job._id }, { $set: { leaseToken: 'someone-else' } });
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted = signal.reason;
        lateWrite = await queue.checkpoint(job._id, lease, 'note', { status: 'succeeded', at: 'now' }).catch((e: Error) => e.message);
      },
      { concurrency: 1, leaseMs: 60, pollMs: 20, logger: silentLogger },
    );
    worker.start();
    const deadline = Date.now() + 3000;
    while (lateWrite === undefined && Date.now() < deadline) await sleep(10);
    await worker.stop();
    expect(String(aborted)).toMatch(/lease lost/);
    expect(lateWrite).toMatch(/lease was lost/);
  });

  it('stop() waits for claims in flight and gives back what they bring, untouched', async () => {
    await queue.enqueue(spec);
    const slow = Object.create(queue) as JobQueue;
    slow.claim = async (owner, leaseMs) => {
      await sleep(80);
      return queue.claim(owner, leaseMs);
    };
    let ran = false;
    const worker = new Worker(slow, async () => void (ran = true), { concurrency: 1, leaseMs: 10_000, pollMs: 1000, logger: silentLogger });
    worker.start();
    await sleep(20);
    await worker.stop();
    await sleep(100);
    expect(ran).toBe(false);
    const job = (await queue.col.findOne({}))!;
    expect(job).toMatchObject({ status: 'queued', attempts: 0 });
    expect(job.leaseToken).toBeUndefined();
  });
});

describe.each(testEngines())('a sync job whose lease is lost on $name', (target) => {
  useEngine(target);

  it('is left to its new claim, not failed', async () => {
    const { isLeaseLost, leaseLost } = await import('../../src/queue/job-queue.js');
    expect(isLeaseLost(leaseLost('job_1'))).toBe(true);
    await queue.enqueue(spec);
    const job = (await queue.claim('w', 10_000))!;
    await queue.col.updateOne({ _id: job._id }, { $set: { leaseToken: 'other' } });
    const err = await queue.checkpoint(job._id, job.leaseToken!, 'note', { status: 'succeeded', at: 'now' }).catch((e: unknown) => e);
    expect(isLeaseLost(err)).toBe(true);
  });
});

describe('a claim handed out before it is durable (the embedded engine: a write is visible once issued)', () => {
  const embedded = testEngines().find((t) => t.name === 'embedded')!;
  type Sync = { release(): void; fail(err: Error): void };
  let sync: Sync;

  // A queue whose claims are acknowledged only when the test lets them through, as over a slow disk:
  // the claim itself is applied in the store when it is issued, as always.
  function queueOn(engine: StoreEngine, orderedWrites = true): { queue: JobQueue; sync: Sync } {
    let release!: () => void;
    let fail!: (err: Error) => void;
    const gate = new Promise<void>((resolve, reject) => {
      release = resolve;
      fail = reject;
    });
    gate.catch(() => undefined);
    const held = withCollections(
      engine,
      (coll) =>
        new Proxy(coll, {
          get(target, prop) {
            const value = Reflect.get(target, prop) as unknown;
            if (prop !== 'findOneAndUpdate') return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
            return (...args: Parameters<DocCollection['findOneAndUpdate']>) => {
              // Nothing claimed, nothing written: answered at once, as the store does.
              return target.findOneAndUpdate(...args).then((found) => (found === null ? null : gate.then(() => found)));
            };
          },
        }),
    );
    const q = new JobQueue(
      held.collection<JobDoc>('jobs'),
      { baseMs: 10, capMs: 50, maxAttempts: 3 },
      {
        ...queueStoreOptions(held),
        orderedWrites,
      },
    );
    return { queue: q, sync: { release, fail } };
  }

  beforeEach(async () => {
    opened = await embedded.open();
    ({ queue, sync } = queueOn(opened.engine));
    await queue.ensureIndexes();
  });
  afterEach(() => opened.dispose());

  it('comes back with the job while its write syncs; fence() waits for the sync', async () => {
    const { job: queued } = await queue.enqueue(spec);
    const job = await queue.claim('w', 10_000, { beforeDurable: true });
    expect(job).toMatchObject({ _id: queued._id, status: 'running', attempts: 1, leaseOwner: 'w' });
    let fenced = false;
    const fence = queue.fence(job!._id, job!.leaseToken!).then(() => (fenced = true));
    await sleep(30);
    expect(fenced).toBe(false);
    sync.release();
    await fence;
    expect(fenced).toBe(true);
  });

  it('a claim that fails to sync fails the fence, so nothing leaves the hub for it', async () => {
    await queue.enqueue(spec);
    const job = await queue.claim('w', 10_000, { beforeDurable: true });
    sync.fail(new Error('the disk is gone'));
    await expect(queue.fence(job!._id, job!.leaseToken!)).rejects.toThrow('the disk is gone');
  });

  it('without beforeDurable, or on a store whose writes are not ordered, the claim waits for its sync', async () => {
    const { job: queued } = await queue.enqueue(spec);
    for (const [held, options] of [
      [{ queue, sync }, {}],
      [queueOn(opened.engine, false), { beforeDurable: true }],
    ] as const) {
      let answered = false;
      const claim = held.queue.claim('w', 10_000, options).then((j) => ((answered = true), j));
      await sleep(30);
      expect(answered).toBe(false);
      held.sync.release();
      const job = await claim;
      expect(job?._id).toBe(queued._id);
      await held.queue.release(job!, job!.leaseToken!);
    }
  });

  it('answers null at once when nothing is due', async () => {
    expect(await queue.claim('w', 10_000, { beforeDurable: true })).toBeNull();
  });
});
