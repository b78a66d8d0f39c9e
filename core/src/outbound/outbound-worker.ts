import { Worker } from '../queue/worker.js';
import type { JobDoc } from '../store/repos/documents.js';
import type { OutboundService } from './outbound-service.js';
import { runPlaceJob } from './place-call.js';
import { runSettleJob } from './settle.js';
import { runCallbackJob } from './callback.js';
import { runHealthDeliveryJob } from './health-delivery.js';

/** Runs one job of the outbound queue by its kind. */
export async function runOutboundJob(out: OutboundService, job: JobDoc, owner: string, signal: AbortSignal): Promise<void> {
  if (job.type === 'place') return runPlaceJob(out, job, owner, signal);
  if (job.type === 'settle') return runSettleJob(out, job, owner);
  if (job.type === 'callback') return runCallbackJob(out, job, owner, signal);
  if (job.type === 'health') return runHealthDeliveryJob(out, job, owner, signal);
  await out.queue.fail(job, owner, { code: 'HUB_ERR_INTERNAL', message: `unknown outbound job kind ${job.type}` }, false);
}

/**
 * Re-enqueues the place job of every call still queued after a while: the trigger writes the call,
 * then its job, and a crash between the two must not lose the call. Enqueueing is a no-op for calls
 * that have their job.
 */
export async function recoverQueuedCalls(out: OutboundService, olderThanMs = 30_000): Promise<number> {
  const stale = await out.calls.staleQueued(olderThanMs);
  for (const c of stale)
    await out.enqueue('place', { tenantId: c.tenantId, agentId: c.agentId, integrationId: c.voiceIntegrationId, key: c._id });
  return stale.length;
}

/** The outbound worker: the engine's Worker over the outbound queue, plus the recovery sweep. */
export function startOutboundWorker(
  out: OutboundService,
  opts: { concurrency?: number; sweepMs?: number } = {},
): { worker: Worker; stop(): Promise<void> } {
  const worker = new Worker(out.queue, (job, owner, signal) => runOutboundJob(out, job, owner, signal), {
    concurrency: opts.concurrency ?? 4,
    logger: out.hub.logger,
  });
  worker.start();
  const sweep = () =>
    void recoverQueuedCalls(out).catch((err: Error) => out.hub.logger.error({ err: err.message }, 'outbound recovery sweep failed'));
  sweep();
  const timer = setInterval(sweep, opts.sweepMs ?? 60_000);
  timer.unref();
  return {
    worker,
    async stop() {
      clearInterval(timer);
      await worker.stop();
    },
  };
}
