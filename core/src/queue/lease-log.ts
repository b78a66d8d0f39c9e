import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../store/types.js';
import type { JobDoc } from '../store/repos/documents.js';
import { isDuplicateKeyError } from '../store/errors.js';

/** One claim of one job, numbered: the n-th claim of job J is the document `J#n` (only on stores whose updates are not atomic). */
export type LeaseMark = {
  _id: string;
  jobId: string;
  epoch: number;
  token: string;
  owner: string;
  until: number;
  /** the holder finished, failed or released the job: the next claim may follow at once */
  ended?: boolean;
  at: string;
};

/** The fields a claim writes on the job. */
type ClaimSet = Pick<JobDoc, 'status' | 'leaseOwner' | 'leaseToken' | 'leaseUntil' | 'updatedAt'> & { leaseEpoch: number };

/** How many candidates one read of the queue brings, and how many reads one claim makes at most. */
const CANDIDATES = 8;
const ROUNDS = 4;
/** How long one read's candidates serve this process's next claims (a live job may wait that much longer behind a backfill). */
const RECENT_MS = 300;
/** How many claim numbers past the job's own one a claimer tries (claims that never reached the job). */
const PROBES = 4;

const markId = (jobId: string, epoch: number) => `${jobId}#${epoch}`;

/** The claim number a fenced lease token carries (`<epoch>.<uuid>`). */
export function epochOf(lease: string): number {
  return Number(lease.slice(0, lease.indexOf('.')));
}

/**
 * Leases for FerretDB 1.x, whose updates are a read, then a write of the whole document by _id, so
 * no update filter is atomic: two claimers can both "win" one job, and a late write can put back a
 * lease another claim replaced. What FerretDB does make atomic is a unique insert, so every claim is
 * confirmed by inserting its numbered mark `jobId#n` first; a claimer that fails the insert never
 * writes the job. The holder of claim n alone writes the job and its own mark (heartbeats), and it
 * knows it lost the job when mark n+1 exists, which a claimer inserts only once mark n has expired
 * or ended. Every write of a holder, and every external write of a step, is preceded by that check.
 * On MongoDB (and the embedded engine) findOneAndUpdate and filtered updates are atomic; none of this
 * runs there. All reads and writes here go by _id, the only filter FerretDB's SQLite backend pushes down.
 */
export class LeaseLog {
  private recent: { at: number; jobs: JobDoc[] } = { at: 0, jobs: [] };

  constructor(
    private readonly jobs: DocCollection<JobDoc>,
    private readonly marks: DocCollection<LeaseMark>,
    private readonly now: () => number,
  ) {}

  /**
   * Claims the next due job (or one whose lease ran out), lowest lane first, then earliest; null when
   * none is left. Candidates another claimer took meanwhile are passed over, and the next ones read.
   */
  async claim(owner: string, leaseMs: number): Promise<JobDoc | null> {
    const seen: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const candidates = await this.candidates(seen, round === 0);
      if (candidates.length === 0) return null;
      for (const candidate of candidates) {
        this.recent.jobs = this.recent.jobs.filter((j) => j._id !== candidate._id);
        const claimed = await this.tryClaim(candidate, owner, leaseMs);
        if (claimed) return claimed;
        seen.push(candidate._id);
      }
    }
    return null;
  }

  /**
   * The next due jobs. A read of the queue is a scan of every job on FerretDB (hundreds of ms with
   * thousands of jobs), so the candidates of one read serve this process's other claims for
   * RECENT_MS; a stale one costs only a failed insert or a read by _id, since every claim is checked
   * afresh before it is written.
   */
  private async candidates(seen: string[], reuse: boolean): Promise<JobDoc[]> {
    const now = this.now();
    if (reuse && now - this.recent.at < RECENT_MS && this.recent.jobs.length > 0) return [...this.recent.jobs];
    const due = [
      { status: 'queued', runAt: { $lte: now } },
      { status: 'running', leaseUntil: { $lt: now } },
    ];
    const filter = seen.length ? { $or: due, _id: { $nin: seen } } : { $or: due };
    const jobs = await this.jobs.find(filter, { sort: { lane: 1, runAt: 1 }, limit: CANDIDATES }).toArray();
    this.recent = { at: now, jobs: [...jobs] };
    return jobs;
  }

  /** True while `lease` is the job's current claim: no later claim exists and the job still carries it. */
  async holds(jobId: string, lease: string): Promise<boolean> {
    const [next, job] = await Promise.all([
      this.marks.findOne({ _id: markId(jobId, epochOf(lease) + 1) }),
      this.jobs.findOne({ _id: jobId }, { projection: { leaseToken: 1, status: 1 } }),
    ]);
    return next === null && job?.leaseToken === lease && job.status === 'running';
  }

  /** Extends the holder's own mark (only the holder writes it, so this write cannot be lost to another's). */
  async renew(jobId: string, lease: string, until: number): Promise<void> {
    await this.marks.updateOne({ _id: markId(jobId, epochOf(lease)) }, { $set: { until } });
  }

  /** Ends the holder's mark once the job no longer runs under it, so the next claim need not wait for it to expire. */
  async end(jobId: string, lease: string): Promise<void> {
    await this.endMark(markId(jobId, epochOf(lease)));
  }

  /** Removes the marks older than `cutoff` (ISO). */
  async prune(cutoff: string): Promise<void> {
    await this.marks.deleteMany({ at: { $lt: cutoff } });
  }

  private async tryClaim(candidate: JobDoc, owner: string, leaseMs: number): Promise<JobDoc | null> {
    const base = Number(candidate.leaseEpoch ?? 0);
    if (candidate.status === 'running' && (await this.active(candidate._id, base))) return null;
    for (let epoch = base + 1; epoch <= base + PROBES; epoch++) {
      const now = this.now();
      const token = `${epoch}.${randomUUID()}`;
      const mark: LeaseMark = {
        _id: markId(candidate._id, epoch),
        jobId: candidate._id,
        epoch,
        token,
        owner,
        until: now + leaseMs,
        at: iso(now),
      };
      try {
        await this.marks.insertOne(mark);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Claim `epoch` exists: still running somewhere, or it ended (or died) before reaching the job.
        if (await this.active(candidate._id, epoch)) return null;
        continue;
      }
      return this.take(candidate._id, mark);
    }
    return null;
  }

  /** With mark n won, reads the job afresh (the candidate may be stale) and writes the claim, or gives the mark back. */
  private async take(jobId: string, mark: LeaseMark): Promise<JobDoc | null> {
    const job = await this.jobs.findOne({ _id: jobId });
    const now = this.now();
    const claimable =
      job !== null &&
      Number(job.leaseEpoch ?? 0) < mark.epoch &&
      ((job.status === 'queued' && job.runAt <= now) || (job.status === 'running' && (job.leaseUntil ?? 0) < now));
    if (!claimable || (job.status === 'running' && (await this.active(jobId, Number(job.leaseEpoch ?? 0))))) {
      await this.endMark(mark._id);
      return null;
    }
    const set: ClaimSet = {
      status: 'running',
      leaseOwner: mark.owner,
      leaseToken: mark.token,
      leaseUntil: mark.until,
      leaseEpoch: mark.epoch,
      updatedAt: iso(now),
    };
    await this.jobs.updateOne({ _id: jobId }, { $set: set, $inc: { attempts: 1 } });
    return { ...job, ...set, attempts: job.attempts + 1 };
  }

  private async endMark(id: string): Promise<void> {
    await this.marks.updateOne({ _id: id }, { $set: { ended: true } });
  }

  /** True when claim `epoch` of the job is live: not ended and not expired. */
  private async active(jobId: string, epoch: number): Promise<boolean> {
    if (epoch < 1) return false;
    const mark = await this.marks.findOne({ _id: markId(jobId, epoch) });
    return mark !== null && !mark.ended && mark.until >= this.now();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
