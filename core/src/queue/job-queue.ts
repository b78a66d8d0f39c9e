import { randomUUID } from 'node:crypto';
import type { DocCollection, StoreEngine, Update } from '../store/types.js';
import { isDuplicateKeyError } from '../store/errors.js';
import type { JobDoc, StepRecord } from '../store/repos/documents.js';
import { notFound, HubError, isHubError } from '../errors/hub-error.js';
import { DEFAULT_BACKOFF, nextDelay, type BackoffPolicy } from './backoff.js';
import { LeaseLog, type LeaseMark } from './lease-log.js';
import { decodeKeys, encodeKeys } from '../store/stored-keys.js';
import { callKey, type CallKey } from '../store/repos/calls.js';
import { metrics } from '../metrics.js';

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

/** What the queue needs from its store beyond the jobs collection. */
export interface QueueStoreOptions {
  /** The store's clock (StoreEngine.now): leases and due times are compared on it, not this process's. */
  clock?: () => number;
  /**
   * Numbered claim marks, only for a store whose updates are not atomic (FerretDB 1.x): every claim
   * is confirmed by a unique insert there (see LeaseLog). Leave unset on MongoDB and the embedded engine.
   */
  leaseMarks?: DocCollection<LeaseMark>;
  /** StoreEngine.orderedWrites: a claim is visible once issued, so it can be read back before it is durable. */
  orderedWrites?: boolean;
}

/** How a worker claims. */
export interface ClaimOptions {
  /**
   * The claim may come back before it is durable, where the store allows (ordered writes), so the worker
   * prepares the job while the store syncs. Only for a handler that calls {@link JobQueue.fence} before
   * anything leaves the hub: the fence waits for the claim's sync.
   */
  beforeDurable?: boolean;
}

/** The error a worker's write gets when its claim is no longer the job's (another worker has it). */
export function leaseLost(jobId: string): HubError {
  return new HubError('HUB_ERR_CONFLICT', `job ${jobId} lease was lost`, { retryable: false, details: { leaseLost: true } });
}

/** True for {@link leaseLost}: the job is someone else's now, so it must be left alone, not failed. */
export function isLeaseLost(err: unknown): boolean {
  return isHubError(err) && err.details?.leaseLost === true;
}

/** The queue's view of a store engine: its clock, and claim marks where updates are not atomic. */
export function queueStoreOptions(engine: StoreEngine): QueueStoreOptions {
  return {
    clock: () => engine.now(),
    orderedWrites: engine.orderedWrites === true,
    ...(engine.atomicUpdates ? {} : { leaseMarks: engine.collection<LeaseMark>('job_leases') }),
  };
}

/**
 * A durable job queue on the store: claim with a lease, back off, dead-letter, retry by API. Every
 * claim gets its own lease token; a worker's later writes are filtered on it, so a worker whose
 * lease ran out (and whose job another worker claimed) can change nothing.
 */
export class JobQueue {
  private listeners = new Set<() => void>();
  /** The store's time in epoch ms. */
  readonly now: () => number;
  /** Set on FerretDB 1.x only: claims and lease checks go through numbered marks there. */
  private readonly fenced?: LeaseLog;
  private readonly writing = new Map<string, Promise<unknown>>();
  private readonly orderedWrites: boolean;
  /** Claims handed out before they were durable, by job id, until their sync settles (see ClaimOptions). */
  private readonly syncing = new Map<string, Promise<unknown>>();

  constructor(
    readonly col: DocCollection<JobDoc>,
    readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    options: QueueStoreOptions = {},
  ) {
    this.now = options.clock ?? Date.now;
    if (options.leaseMarks) this.fenced = new LeaseLog(col, options.leaseMarks, this.now);
    this.orderedWrites = options.orderedWrites === true;
  }

  /** Creates the indexes the queue relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, agentId: 1, callId: 1, integrationId: 1 }, { unique: true });
    // The claim order: status, then lane (live before backfill), then due time.
    await this.col.createIndex({ status: 1, lane: 1, runAt: 1 });
    await this.col.createIndex({ importId: 1 });
    // Sync counts and stats by integration and finish time; retention by finish time.
    await this.col.createIndex({ tenantId: 1, integrationId: 1, status: 1 });
    await this.col.createIndex({ tenantId: 1, finishedAt: 1 });
    // Retention: finished jobs by status and age, across tenants.
    await this.col.createIndex({ status: 1, finishedAt: 1 });
  }

  /** Calls fn whenever a job becomes ready (in this process), so workers need not wait for a poll. */
  onReady(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Adds a job once per (tenant, agent, call, integration); a repeat returns the existing job. */
  async enqueue(spec: JobSpec, opts: { notify?: boolean } = {}): Promise<{ job: JobDoc; created: boolean }> {
    const now = new Date(this.now());
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
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.col.findOne({
        tenantId: spec.tenantId,
        agentId: spec.agentId,
        callId: spec.callId,
        integrationId: spec.integrationId,
      });
      if (!existing) throw err;
      return { job: existing, created: false };
    }
    if (!skipReason && opts.notify !== false) this.notifyAt(job.runAt);
    return { job, created: true };
  }

  /**
   * Claims the next due job (or one whose worker's lease ran out) for `owner`: lowest lane first, then
   * earliest. The job comes back with a fresh `leaseToken`: pass it to heartbeat, checkpoint, succeed
   * and fail. A job whose attempts are used up (its workers kept dying mid-run, so nothing failed it)
   * is dead-lettered, not run again.
   */
  async claim(owner: string, leaseMs: number, options: ClaimOptions = {}): Promise<JobDoc | null> {
    for (;;) {
      const job = await this.claimOnce(owner, leaseMs, options.beforeDurable === true);
      if (!job || job.attempts <= job.maxAttempts) return job;
      const error = {
        code: 'HUB_ERR_INTERNAL',
        message: `all ${job.maxAttempts} attempts ended without a result (the worker stopped or lost its lease each time)`,
        retryable: false,
      };
      await this.fail(job, job.leaseToken!, { ...error, ...(job.lastError ? { previous: job.lastError } : {}) }, false);
    }
  }

  private async claimOnce(owner: string, leaseMs: number, beforeDurable: boolean): Promise<JobDoc | null> {
    if (this.fenced) {
      const claimed = await this.fenced.claim(owner, leaseMs);
      return claimed && { ...claimed, steps: decodeKeys(claimed.steps) };
    }
    const now = this.now();
    const leaseToken = randomUUID();
    const set = {
      status: 'running' as const,
      leaseOwner: owner,
      leaseToken,
      leaseUntil: now + leaseMs,
      updatedAt: new Date(now).toISOString(),
    };
    const claiming = this.col.findOneAndUpdate(
      {
        $or: [
          { status: 'queued', runAt: { $lte: now } },
          { status: 'running', leaseUntil: { $lt: now } },
        ],
      },
      { $set: set, $inc: { attempts: 1 } },
      { sort: { lane: 1, runAt: 1 }, returnDocument: 'before' },
    );
    if (beforeDurable && this.orderedWrites) {
      // Handled: a failed claim surfaces through the await below or through fence(), never as unhandled while the read-back runs.
      claiming.catch(() => undefined);
      const early = await this.claimedBeforeSync(leaseToken, claiming);
      if (early) return early;
    }
    const before = await claiming;
    if (!before) return null;
    return { ...before, ...set, attempts: before.attempts + 1, steps: decodeKeys(before.steps) };
  }

  /**
   * The job `claiming` is taking, read back while its write is still syncing (the store applies a write
   * when it is issued); null when it cannot be read (nothing was due), and the caller waits for the claim.
   * The sync is awaited by {@link fence}; a failed sync fails the fence, and every later write too.
   */
  private async claimedBeforeSync(leaseToken: string, claiming: Promise<unknown>): Promise<JobDoc | null> {
    const job = await this.col.findOne({ status: 'running', leaseToken });
    if (!job) return null;
    const done = () => {
      if (this.syncing.get(job._id) === claiming) this.syncing.delete(job._id);
    };
    claiming.then(done, done);
    this.syncing.set(job._id, claiming);
    // The store starts its sync on the next check phase (it batches the writes of a turn): yield to it,
    // so that the worker prepares the job while the disk syncs instead of before.
    await new Promise((resolve) => setImmediate(resolve));
    return { ...job, steps: decodeKeys(job.steps) };
  }

  /**
   * Frees every running job at once. Only for a store that one process owns (the embedded engine):
   * at start no other worker can be alive, so waiting for the old leases to expire would only delay.
   */
  async releaseOrphans(): Promise<number> {
    const res = await this.col.updateMany({ status: 'running' }, { $set: { leaseUntil: 0 } });
    return res.modifiedCount;
  }

  /** Extends the lease of the claim `lease` (its token); false when the job is no longer that claim's. */
  async heartbeat(jobId: string, lease: string, leaseMs: number): Promise<boolean> {
    const until = this.now() + leaseMs;
    return this.holderWrite(jobId, lease, { $set: { leaseUntil: until } }, () => this.fenced?.renew(jobId, lease, until));
  }

  /**
   * Throws {@link leaseLost} unless `lease` is still the job's claim. A step calls it right before each
   * write to a CRM, so a worker whose job was claimed again elsewhere stops before writing twice.
   */
  async fence(jobId: string, lease: string): Promise<void> {
    // A claim handed out before it was durable (ClaimOptions.beforeDurable) must be on disk before the hub writes anywhere on its behalf.
    await this.syncing.get(jobId);
    // No projection: the embedded engine answers a projected find through mingo (about 0.3 ms), a plain one natively.
    const held = this.fenced
      ? await this.fenced.holds(jobId, lease)
      : (await this.col.findOne({ _id: jobId, leaseToken: lease, status: 'running' })) !== null;
    if (!held) throw leaseLost(jobId);
  }

  /**
   * Gives a claimed job back untouched (a stopping worker claimed it): due again at once, the attempt
   * not counted.
   */
  async release(job: JobDoc, lease: string): Promise<void> {
    const update = { $set: { status: 'queued', runAt: this.now() }, $inc: { attempts: -1 }, $unset: { ...LEASE_FIELDS, leaseOwner: '' } };
    await this.holderWrite(job._id, lease, update, () => this.fenced?.end(job._id, lease));
    this.notify();
  }

  /** Records a finished step: the idempotency ledger entry that makes a retry skip it. */
  async checkpoint(jobId: string, lease: string, step: string, record: StepRecord): Promise<void> {
    const update = { $set: { [`steps.${step}`]: storedRecord(record), updatedAt: this.isoNow() } };
    if (!(await this.holderWrite(jobId, lease, update))) throw leaseLost(jobId);
  }

  /** Marks the job done. */
  async succeed(jobId: string, lease: string): Promise<void> {
    await this.finish(jobId, lease);
  }

  /**
   * Marks the job done with its last step's checkpoint in the same write (one durable write instead
   * of two, and a crash can no longer fall between them). False when the lease was lost.
   */
  async finish(jobId: string, lease: string, last?: { step: string; record: StepRecord }): Promise<boolean> {
    const now = this.isoNow();
    const set = {
      status: 'succeeded',
      finishedAt: now,
      updatedAt: now,
      ...(last ? { [`steps.${last.step}`]: storedRecord(last.record) } : {}),
    };
    return this.holderWrite(jobId, lease, { $set: set, $unset: { ...LEASE_FIELDS, lastError: '' } }, () => this.fenced?.end(jobId, lease));
  }

  /**
   * Schedules another attempt with backoff, or dead-letters after the last one. Only the claim `lease`
   * can: a worker that lost its lease changes nothing (the job is its new claim's), and answers 'lost'.
   */
  async fail(
    job: JobDoc,
    lease: string,
    error: Record<string, unknown>,
    retryable: boolean,
    retryAfterMs?: number,
  ): Promise<'retrying' | 'dead' | 'lost'> {
    const now = this.now();
    const iso = new Date(now).toISOString();
    const ended = () => this.fenced?.end(job._id, lease);
    if (retryable && job.attempts < job.maxAttempts) {
      const runAt = now + nextDelay(job.attempts, this.policy, retryAfterMs);
      const update = { $set: { status: 'queued', runAt, lastError: error, updatedAt: iso }, $unset: LEASE_FIELDS };
      if (!(await this.holderWrite(job._id, lease, update, ended))) return 'lost';
      this.notifyAt(runAt);
      return 'retrying';
    }
    const update = {
      $set: { status: 'failed', deadLettered: true, lastError: error, finishedAt: iso, updatedAt: iso },
      $unset: LEASE_FIELDS,
    };
    if (!(await this.holderWrite(job._id, lease, update, ended))) return 'lost';
    metrics.deadLettered(job.type);
    return 'dead';
  }

  /**
   * A write by the holder of claim `lease`, false (nothing written) when the job is no longer that
   * claim's. MongoDB and the embedded engine filter the update on the token atomically. On FerretDB a
   * filter is only read before the write, so the claim is checked against its marks first and the
   * job written by _id; `then` follows (the holder's own mark: renewed or ended).
   */
  private holderWrite(jobId: string, lease: string, update: Update, then?: () => Promise<void> | undefined): Promise<boolean> {
    return this.serial(jobId, async () => {
      if (this.fenced) {
        if (!(await this.fenced.holds(jobId, lease))) return false;
        await this.col.updateOne({ _id: jobId }, update);
        await then?.();
        return true;
      }
      const res = await this.col.updateOne({ _id: jobId, leaseToken: lease, status: 'running' }, update);
      return res.matchedCount === 1;
    });
  }

  /** Puts a failed (dead-lettered) job back in the queue; finished steps stay finished. */
  async retry(tenantId: string, agentId: string, jobId: string): Promise<JobDoc> {
    const iso = this.isoNow();
    const job = await this.col.findOneAndUpdate(
      { _id: jobId, tenantId, agentId, status: 'failed' },
      { $set: { status: 'queued', attempts: 0, runAt: this.now(), deadLettered: false, updatedAt: iso }, $unset: { finishedAt: '' } },
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
      {
        $set: { status: 'queued', attempts: 0, runAt: this.now(), deadLettered: false, updatedAt: this.isoNow() },
        $unset: { finishedAt: '' },
      },
    );
    if (res.modifiedCount) this.notify();
    return res.modifiedCount;
  }

  /**
   * Removes jobs that finished before `cutoff` (ISO), and the claim marks of that age. Dead-lettered
   * jobs stay (a tenant may still retry them) until `deadCutoff`; answers how many jobs went.
   */
  async pruneFinished(cutoff: string, deadCutoff: string): Promise<number> {
    // One status per delete: each is then one range of the { status, finishedAt } index.
    let removed = 0;
    for (const [status, before] of [
      ['succeeded', cutoff],
      ['skipped', cutoff],
      ['failed', deadCutoff],
    ] as const) {
      removed += (await this.col.deleteMany({ status, finishedAt: { $lt: before } })).deletedCount;
    }
    await this.fenced?.prune(cutoff);
    return removed;
  }

  /** Those of `calls` that a job still needs: one of their jobs is queued, running or dead-lettered. */
  async unfinishedOf(calls: CallKey[]): Promise<CallKey[]> {
    // By status first (the claim index): unfinished jobs are few next to finished ones.
    const jobs = await this.col
      .find(
        { status: { $in: ['queued', 'running', 'failed'] }, callId: { $in: [...new Set(calls.map((c) => c.callId))] } },
        { projection: { tenantId: 1, agentId: 1, callId: 1 } },
      )
      .toArray();
    const held = new Set(jobs.map(callKey));
    return calls.filter((c) => held.has(callKey(c)));
  }

  /** The jobs of one call. */
  async forCall(tenantId: string, agentId: string, callId: string): Promise<JobDoc[]> {
    const jobs = await this.col.find({ tenantId, agentId, callId }, { sort: { createdAt: 1 } }).toArray();
    return jobs.map((j) => ({ ...j, steps: decodeKeys(j.steps) }));
  }

  /** Tells this process's workers that jobs are ready (after enqueueing with notify: false). */
  wake(): void {
    this.notify();
  }

  // A job due later wakes this process's workers then, so they need not wait for a poll.
  private notifyAt(runAt: number): void {
    const wait = runAt - this.now();
    if (wait <= 0) this.notify();
    else setTimeout(() => this.notify(), wait + 5).unref();
  }

  /**
   * One write at a time per job in this process. FerretDB 1.x writes a whole document back after
   * reading it, so a heartbeat racing the worker's own checkpoint could undo it; on MongoDB this only
   * orders writes that were already issued one after another in practice.
   */
  private serial<R>(jobId: string, write: () => Promise<R>): Promise<R> {
    const next = (this.writing.get(jobId) ?? Promise.resolve()).then(write, write);
    const settled = next.catch(() => undefined);
    this.writing.set(jobId, settled);
    void settled.then(() => {
      if (this.writing.get(jobId) === settled) this.writing.delete(jobId);
    });
    return next;
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}

/** What a claim leaves on a job while it runs, removed when it ends (leaseOwner stays: who ran it last). */
const LEASE_FIELDS = { leaseUntil: '', leaseToken: '' } as const;

// A step's output is the CRM's answer: its keys may hold dots or dollars, which documents cannot.
function storedRecord(record: StepRecord): StepRecord {
  return record.output === undefined ? record : { ...record, output: encodeKeys(record.output) };
}
