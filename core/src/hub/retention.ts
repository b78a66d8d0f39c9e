import type { HubServices } from '../services.js';

const DAY_MS = 86_400_000;

/** What one retention pass removed. */
export interface PruneResult {
  calls: number;
  jobs: number;
  syncLogs: number;
  outboundJobs: number;
  outboundCalls: number;
}

/**
 * Removes what is older than `days`: calls, finished jobs, sync logs, finished outbound jobs and
 * outbound calls. A call stays while any of its jobs is queued, running or dead-lettered (a bulk
 * import can queue jobs for calls older than the retention); a dead-lettered job stays until it is
 * retried, or until it is three retention periods old. This is what bounds the embedded store's memory: traffic × days.
 */
export async function pruneExpired(hub: HubServices, days: number, now = hub.engine.now()): Promise<PruneResult> {
  const cutoff = new Date(now - days * DAY_MS).toISOString();
  const deadCutoff = new Date(now - 3 * days * DAY_MS).toISOString();
  const jobs = await hub.queue.pruneFinished(cutoff, deadCutoff);
  const calls = await hub.repos.calls.pruneBefore(cutoff, (batch) => hub.queue.unfinishedOf(batch));
  const syncLogs = await hub.repos.syncLogs.pruneBefore(cutoff);
  await hub.repos.locks.pruneTakeovers(now);
  const outbound = hub.engine.collection('outbound_jobs');
  const outboundJobs = (await outbound.deleteMany({ finishedAt: { $lt: cutoff }, status: { $in: ['succeeded', 'skipped', 'failed'] } }))
    .deletedCount;
  const outboundCalls = (await hub.engine.collection('outbound_calls').deleteMany({ updatedAt: { $lt: cutoff } })).deletedCount;
  return { calls, jobs, syncLogs, outboundJobs, outboundCalls };
}

/** Runs {@link pruneExpired} now and then every `everyMs` (default hourly); returns the stop function. */
export function startRetention(hub: HubServices, days: number, everyMs = 3_600_000): () => void {
  const run = () =>
    void pruneExpired(hub, days).then(
      (r) => (r.calls || r.jobs || r.syncLogs) && hub.logger.info({ ...r, days }, 'retention: removed expired records'),
      (err: Error) => hub.logger.warn({ err: err.message }, 'retention pass failed; trying again later'),
    );
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
