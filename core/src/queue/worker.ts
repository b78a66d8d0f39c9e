import { randomUUID } from 'node:crypto';
import type { JobDoc } from '../store/repos/documents.js';
import type { Logger } from '../engine/types.js';
import type { JobQueue } from './job-queue.js';

/**
 * Runs one claimed job; throws to fail it. `lease` is the claim's token, for the queue's checkpoint,
 * succeed and fail; `signal` aborts when the worker stops or the lease is lost.
 */
export type JobHandler = (job: JobDoc, lease: string, signal: AbortSignal) => Promise<void>;

/** Worker settings. */
export interface WorkerOptions {
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  /**
   * The handler calls JobQueue.fence before every write outside the hub: a claim made while no other
   * job runs may then come back before it is durable, and the job is prepared while the store syncs
   * (ClaimOptions.beforeDurable). That shortens a lone job's way to the CRM; a busy worker claims the
   * usual way, since the early read-back costs CPU (about 0.1 ms a job) that a busy process has no
   * idle disk wait to hide in.
   */
  fenced?: boolean;
  logger: Logger;
}

/** Longest pause between claims while the store keeps failing. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Claims jobs from the queue and runs them, `concurrency` at a time. Leases are renewed while a job
 * runs; a worker that dies stops renewing, and another claims the job once the lease expires. A job
 * whose lease is found gone (or cannot be renewed before it runs out) is aborted.
 */
export class Worker {
  readonly id = `w_${randomUUID().slice(0, 8)}`;
  private running = 0;
  private stopped = false;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private readonly active = new Set<Promise<void>>();
  // Each running job with its own abort: a stop aborts them one by one (one shared signal with a
  // listener per job tripped Node's max-listeners warning past ten jobs in flight).
  private readonly inFlight = new Map<string, { job: JobDoc; lease: string; abort: AbortController }>();
  private unsubscribe?: () => void;

  constructor(
    private readonly queue: JobQueue,
    private readonly handle: JobHandler,
    private readonly opts: WorkerOptions,
  ) {}

  /** Starts polling (and listening for new jobs in this process). */
  start(): void {
    this.unsubscribe = this.queue.onReady(() => this.pump());
    this.schedule(0);
  }

  /**
   * Stops claiming, and waits for running jobs to finish (or aborts them after graceMs). Claims still
   * in flight are awaited too; a job they bring back is released untouched. A handler that ignores
   * the abort cannot hold the stop: after `graceMs + 3 s` its job is released and the stop returns.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    const grace = setTimeout(() => {
      for (const { abort } of this.inFlight.values()) abort.abort(new Error('worker stopping'));
    }, graceMs);
    const drained = (async () => {
      while (this.active.size > 0) await Promise.allSettled([...this.active]);
      return true;
    })();
    let cap: NodeJS.Timeout | undefined;
    const capped = new Promise<false>((resolve) => (cap = setTimeout(() => resolve(false), graceMs + 3000)));
    const done = await Promise.race([drained, capped]);
    clearTimeout(grace);
    clearTimeout(cap);
    if (done) return;
    this.opts.logger.warn({ worker: this.id, jobs: [...this.inFlight.keys()] }, 'jobs still running at stop; released for the next claim');
    await Promise.allSettled([...this.inFlight.values()].map(({ job, lease }) => this.queue.release(job, lease)));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), ms);
    this.timer.unref();
  }

  private pump(): void {
    if (this.stopped) return;
    // While the store fails, only the timer pumps, further apart each time.
    const slots =
      this.failures > 0 ? Math.min(1, (this.opts.concurrency ?? 4) - this.running) : (this.opts.concurrency ?? 4) - this.running;
    for (let i = 0; i < slots; i++) this.track(this.claimAndRun());
    const poll = this.opts.pollMs ?? 500;
    this.schedule(this.failures > 0 ? Math.min(MAX_BACKOFF_MS, poll * 2 ** this.failures) : poll);
  }

  private track(work: Promise<void>): void {
    this.active.add(work);
    void work.finally(() => this.active.delete(work));
  }

  private async claimAndRun(): Promise<void> {
    this.running += 1;
    try {
      const job = await this.claim();
      if (!job) return;
      if (this.stopped) return void (await this.queue.release(job, job.leaseToken!).catch(() => undefined));
      await this.runJob(job);
    } finally {
      this.running -= 1;
    }
    this.pump();
  }

  private async claim(): Promise<JobDoc | null> {
    try {
      // `running` counts this claim: 1 means nothing else runs.
      const beforeDurable = this.opts.fenced === true && this.running === 1;
      const job = await this.queue.claim(this.id, this.opts.leaseMs ?? 30_000, { beforeDurable });
      if (this.failures > 0) this.opts.logger.info({ worker: this.id }, 'the store answers again; claiming resumed');
      this.failures = 0;
      return job;
    } catch (err) {
      if (this.failures === 0) this.opts.logger.error({ err: String(err) }, 'claim failed; backing off until the store answers');
      this.failures = Math.min(this.failures + 1, 10);
      return null;
    }
  }

  private async runJob(job: JobDoc): Promise<void> {
    const lease = job.leaseToken!;
    const leaseMs = this.opts.leaseMs ?? 30_000;
    const jobAbort = new AbortController();
    const stopBeating = this.keepLease(job._id, lease, leaseMs, jobAbort);
    this.inFlight.set(job._id, { job, lease, abort: jobAbort });
    try {
      await this.handle(job, lease, jobAbort.signal);
    } catch (err) {
      // A crash is one failed attempt like any other: counted, backed off, dead-lettered after the
      // last one. Left running, the job would be re-claimed after every lease, forever.
      const message = `the job crashed: ${String((err as Error)?.message ?? err).slice(0, 500)}`;
      this.opts.logger.error({ jobId: job._id, err: message }, 'job handler crashed');
      const outcome = await this.queue
        .fail(job, lease, { code: 'HUB_ERR_INTERNAL', message, retryable: true }, true)
        .catch((e: Error) => `not recorded: ${e.message}`);
      this.opts.logger.warn({ jobId: job._id, outcome }, 'crashed job failed');
    } finally {
      this.inFlight.delete(job._id);
      stopBeating();
    }
  }

  /**
   * Renews the lease every third of its length. When the job turns out to be someone else's, or the
   * store has not confirmed a renewal for a whole lease, the job is aborted: another worker may
   * already run it, so this one must stop before its next write.
   */
  private keepLease(jobId: string, lease: string, leaseMs: number, jobAbort: AbortController): () => void {
    let confirmedAt = this.queue.now();
    const beat = setInterval(() => {
      this.queue.heartbeat(jobId, lease, leaseMs).then(
        (held) => {
          if (held) confirmedAt = this.queue.now();
          else jobAbort.abort(new Error(`job ${jobId}: lease lost (claimed again elsewhere)`));
        },
        () => {
          if (this.queue.now() - confirmedAt >= leaseMs) jobAbort.abort(new Error(`job ${jobId}: lease could not be renewed`));
        },
      );
    }, leaseMs / 3);
    beat.unref();
    return () => clearInterval(beat);
  }
}
