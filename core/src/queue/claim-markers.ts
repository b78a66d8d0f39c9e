import type { DocCollection } from '../store/types.js';
import type { JobDoc } from '../store/repos/documents.js';
import { isDuplicateKeyError } from '../store/errors.js';

/** The lease a claim writes on a job. */
export type Lease = Pick<JobDoc, 'status' | 'leaseOwner' | 'leaseToken' | 'leaseUntil' | 'updatedAt' | 'attempts'>;

/** One confirmed claim of one version of a job (only on stores whose updates are not atomic). */
export type ClaimMarker = { _id: string; jobId: string; lease: Lease };

/**
 * FerretDB 1.x runs findAndModify as a read, then a write by _id, so concurrent claims can all take
 * the same version of a job. Each then inserts a marker keyed by that version; the unique _id lets
 * exactly one through. A loser's claim write may have landed after the winner's, so the winner
 * writes its lease again, and the loser puts the winner's lease (read from the marker) back wherever
 * the job still holds its own token, and leaves the job alone. On MongoDB the claim itself is atomic and no marker is written.
 */
export async function confirmClaim(
  jobs: DocCollection<JobDoc>,
  markers: DocCollection<ClaimMarker>,
  before: JobDoc,
  lease: Lease,
): Promise<boolean> {
  const _id = `${before._id}@${before.updatedAt}#${before.attempts}`;
  try {
    await markers.insertOne({ _id, jobId: before._id, lease });
    // A loser's claim write may have landed after ours: the job gets our lease back before we run it.
    await jobs.updateOne({ _id: before._id, status: 'running', attempts: lease.attempts }, { $set: lease });
    return true;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  const winner = await markers.findOne({ _id });
  if (winner) await jobs.updateOne({ _id: before._id, leaseToken: lease.leaseToken }, { $set: winner.lease });
  return false;
}
