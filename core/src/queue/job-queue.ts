import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../store/types.js';
import { DUPLICATE_KEY_CODE } from '../store/types.js';
import type { JobDoc, StepRecord } from '../store/repos/documents.js';
import { notFound, HubError } from '../errors/hub-error.js';
import { DEFAULT_BACKOFF, nextDelay, type BackoffPolicy } from './backoff.js';

/** What a new job is for. */
export interface JobSpec {
  tenantId: string;
  agentId: string;
  callId: string;
  integrationId: string;
  type: string;
  skipReason?: string;
  /** when the job may first run (epoch ms); default now */
  runAt?: number;
  /** claim order: a due job of a lower lane is always claimed first (LANES.live by default) */
  lane?: number;
  /** the bulk import that queued it */
  importId?: string;
}

/** Queue lanes, claimed in this order: live calls never wait behind a backfill. */
export const LANES = { live: 0, backfill: 1 } as const;

/** A durable job queue on the store: claim with a lease, back off, dead-letter, retry by API. */
export class JobQueue {
  private listeners = new Set<() => void>();

  constructor(readonly col: DocCollection<JobDoc>, readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** Creates the indexes the queue relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, agentId: 1, callId: 1, integrationId: 1 }, { unique: true });
    // The claim order: status, then lane (live before backfill), then due time.
    await this.col.createIndex({ status: 1, lane: 1, runAt: 1 });
    await this.col.createIndex({ importId: 1 });
  }

  /** Calls fn whenever a job becomes ready (in this process), so workers need not wait for a poll. */
  onReady(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Adds a job once per (tenant, agent, call, integration); a repeat returns the existing job. */
  async enqueue(spec: JobSpec, opts: { notify?: boolean } = {}): Promise<{ job: JobDoc; created: boolean }> {
    const now = new Date();
    const { skipReason, runAt, lane, ...rest } = spec;
    const job: JobDoc = {
      ...rest,
      _id: `job_${randomUUID()}`,
      lane: lane ?? LANES.live,
      status: skipReason ? 'skipped' : 'queued',
      ...(skipReason ? { reason: skipReason, finishedAt: now.toISOString() } : {}),
      attempts: 0,
      maxAttempts: this.policy.maxAttempts,
      runAt: runAt ?? now.getTime(),
      steps: {},
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      await this.col.insertOne(job);
    } catch (err) {
      if ((err as { code?: number }).code !== DUPLICATE_KEY_CODE) throw err;
      const existing = await this.col.findOne({ tenantId: spec.tenantId, agentId: spec.agentId, callId: spec.callId, integrationId: spec.integrationId });
      if (!existing) throw err;
      return { job: existing, created: false };
    }
    if (!skipReason && opts.notify !== false) this.notifyAt(job.runAt);
    return { job, created: true };
  }

  /**
   * Claims the next due job (or one whose worker's lease ran out) for `owner`: lowest lane first, then
   * earliest. A job whose attempts are used up (its workers kept dying mid-run, so nothing failed it)
   * is dead-lettered, not run again.
   */
  async claim(owner: string, leaseMs: number): Promise<JobDoc | null> {
    for (;;) {
      const now = Date.now();
      const job = await this.col.findOneAndUpdate(
        { $or: [{ status: 'queued', runAt: { $lte: now } }, { status: 'running', leaseUntil: { $lt: now } }] },
        { $set: { status: 'running', leaseOwner: owner, leaseUntil: now + leaseMs, updatedAt: new Date(now).toISOString() }, $inc: { attempts: 1 } },
        { sort: { lane: 1, runAt: 1 }, returnDocument: 'after' },
      );
      if (!job || job.attempts <= job.maxAttempts) return job;
      const error = { code: 'HUB_ERR_INTERNAL', message: `all ${job.maxAttempts} attempts ended without a result (the worker stopped or lost its lease each time)`, retryable: false };
      await this.fail(job, owner, { ...error, ...(job.lastError ? { previous: job.lastError } : {}) }, false);
    }
  }

  /**
   * Frees every running job at once. Only for a store that one process owns (the embedded engine):
   * at start no other worker can be alive, so waiting for the old leases to expire would only delay.
   */
  async releaseOrphans(): Promise<number> {
    const res = await this.col.updateMany({ status: 'running' }, { $set: { leaseUntil: 0 } });
    return res.modifiedCount;
  }

  /** Extends the lease; false when the job is no longer this owner's (it was re-claimed). */
  async heartbeat(jobId: string, owner: string, leaseMs: number): Promise<boolean> {
    const res = await this.col.updateOne({ _id: jobId, leaseOwner: owner, status: 'running' }, { $set: { leaseUntil: Date.now() + leaseMs } });
    return res.matchedCount === 1;
  }

  /** Records a finished step: the idempotency ledger entry that makes a retry skip it. */
  async checkpoint(jobId: string, owner: string, step: string, record: StepRecord): Promise<void> {
    const res = await this.col.updateOne({ _id: jobId, leaseOwner: owner }, { $set: { [`steps.${step}`]: record, updatedAt: new Date().toISOString() } });
    if (res.matchedCount !== 1) throw new HubError('HUB_ERR_CONFLICT', `job ${jobId} lease was lost`, { retryable: false });
  }

  /** Marks the job done. */
  async succeed(jobId: string, owner: string): Promise<void> {
    const now = new Date().toISOString();
    await this.col.updateOne({ _id: jobId, leaseOwner: owner }, { $set: { status: 'succeeded', finishedAt: now, updatedAt: now }, $unset: { leaseUntil: '', lastError: '' } });
  }

  /** Schedules another attempt with backoff, or dead-letters after the last one (only a running job this owner holds). */
  async fail(job: JobDoc, owner: string, error: Record<string, unknown>, retryable: boolean, retryAfterMs?: number): Promise<'retrying' | 'dead'> {
    const now = Date.now();
    const iso = new Date(now).toISOString();
    if (retryable && job.attempts < job.maxAttempts) {
      const runAt = now + nextDelay(job.attempts, this.policy, retryAfterMs);
      await this.col.updateOne({ _id: job._id, leaseOwner: owner, status: 'running' }, { $set: { status: 'queued', runAt, lastError: error, updatedAt: iso }, $unset: { leaseUntil: '' } });
      this.notifyAt(runAt);
      return 'retrying';
    }
    await this.col.updateOne({ _id: job._id, leaseOwner: owner, status: 'running' }, { $set: { status: 'failed', deadLettered: true, lastError: error, finishedAt: iso, updatedAt: iso }, $unset: { leaseUntil: '' } });
    return 'dead';
  }

  /** Puts a failed (dead-lettered) job back in the queue; finished steps stay finished. */
  async retry(tenantId: string, agentId: string, jobId: string): Promise<JobDoc> {
    const iso = new Date().toISOString();
    const job = await this.col.findOneAndUpdate(
      { _id: jobId, tenantId, agentId, status: 'failed' },
      { $set: { status: 'queued', attempts: 0, runAt: Date.now(), deadLettered: false, updatedAt: iso }, $unset: { finishedAt: '' } },
      { returnDocument: 'after' },
    );
    if (!job) {
      const exists = await this.col.findOne({ _id: jobId, tenantId, agentId });
      if (!exists) throw notFound('sync job', jobId);
      throw new HubError('HUB_ERR_CONFLICT', `sync job ${jobId} is ${exists.status}; only failed jobs can be retried`);
    }
    this.notify();
    return job;
  }

  /**
   * Puts every failed (dead-lettered) job of one integration back in the queue at once; answers how
   * many. A second call finds them queued or running, so it retries none.
   */
  async retryDead(tenantId: string, agentId: string, integrationId: string): Promise<number> {
    const res = await this.col.updateMany(
      { tenantId, agentId, integrationId, status: 'failed' },
      { $set: { status: 'queued', attempts: 0, runAt: Date.now(), deadLettered: false, updatedAt: new Date().toISOString() }, $unset: { finishedAt: '' } },
    );
    if (res.modifiedCount) this.notify();
    return res.modifiedCount;
  }

  /** The jobs of one call. */
  async forCall(tenantId: string, agentId: string, callId: string): Promise<JobDoc[]> {
    return this.col.find({ tenantId, agentId, callId }, { sort: { createdAt: 1 } }).toArray();
  }

  /** Tells this process's workers that jobs are ready (after enqueueing with notify: false). */
  wake(): void {
    this.notify();
  }

  // A job due later wakes this process's workers then, so they need not wait for a poll.
  private notifyAt(runAt: number): void {
    const wait = runAt - Date.now();
    if (wait <= 0) this.notify();
    else setTimeout(() => this.notify(), wait + 5).unref();
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
