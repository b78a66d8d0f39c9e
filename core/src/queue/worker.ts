import { randomUUID } from 'node:crypto';
import type { JobDoc } from '../store/repos/documents.js';
import type { Logger } from '../engine/types.js';
import type { JobQueue } from './job-queue.js';

/** Runs one claimed job; throws to fail it. */
export type JobHandler = (job: JobDoc, owner: string, signal: AbortSignal) => Promise<void>;

/** Worker settings. */
export interface WorkerOptions {
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  logger: Logger;
}

/**
 * Claims jobs from the queue and runs them, `concurrency` at a time. Leases are renewed while a job
 * runs; a worker that dies stops renewing, and another claims the job once the lease expires.
 */
export class Worker {
  readonly id = `w_${randomUUID().slice(0, 8)}`;
  private running = 0;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly active = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private unsubscribe?: () => void;

  constructor(private readonly queue: JobQueue, private readonly handle: JobHandler, private readonly opts: WorkerOptions) {}

  /** Starts polling (and listening for new jobs in this process). */
  start(): void {
    this.unsubscribe = this.queue.onReady(() => this.pump());
    this.schedule(0);
  }

  /** Stops claiming, and waits for running jobs to finish (or aborts them after graceMs). */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    const grace = setTimeout(() => this.abort.abort(new Error('worker stopping')), graceMs);
    await Promise.allSettled([...this.active]);
    clearTimeout(grace);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), ms);
    this.timer.unref();
  }

  private pump(): void {
    if (this.stopped) return;
    const slots = (this.opts.concurrency ?? 4) - this.running;
    for (let i = 0; i < slots; i++) void this.claimOne();
    this.schedule(this.opts.pollMs ?? 500);
  }

  private async claimOne(): Promise<void> {
    if (this.stopped) return;
    this.running += 1;
    let job: JobDoc | null = null;
    try {
      job = await this.queue.claim(this.id, this.opts.leaseMs ?? 30_000);
    } catch (err) {
      this.opts.logger.error({ err: String(err) }, 'claim failed');
    }
    if (!job) {
      this.running -= 1;
      return;
    }
    const run = this.runJob(job).finally(() => {
      this.running -= 1;
      this.active.delete(run);
      this.pump();
    });
    this.active.add(run);
  }

  private async runJob(job: JobDoc): Promise<void> {
    const leaseMs = this.opts.leaseMs ?? 30_000;
    const beat = setInterval(() => void this.queue.heartbeat(job._id, this.id, leaseMs).catch(() => undefined), leaseMs / 3);
    try {
      await this.handle(job, this.id, this.abort.signal);
    } catch (err) {
      // A crash is one failed attempt like any other: counted, backed off, dead-lettered after the
      // last one. Left running, the job would be re-claimed after every lease, forever.
      const message = `the job crashed: ${String((err as Error)?.message ?? err).slice(0, 500)}`;
      this.opts.logger.error({ jobId: job._id, err: message }, 'job handler crashed');
      const outcome = await this.queue.fail(job, this.id, { code: 'HUB_ERR_INTERNAL', message, retryable: true }, true).catch((e: Error) => `not recorded: ${e.message}`);
      this.opts.logger.warn({ jobId: job._id, outcome }, 'crashed job failed');
    } finally {
      clearInterval(beat);
    }
  }
}
