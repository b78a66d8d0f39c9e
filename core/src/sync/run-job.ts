import type { StepName } from '@hub/manifests';
import { HubError, isHubError } from '../errors/hub-error.js';
import { isLeaseLost } from '../queue/job-queue.js';
import type { OperationContext } from '../engine/runtime.js';
import type { ExchangeSummary } from '../http/client.js';
import type { JobDoc, StepRecord } from '../store/repos/documents.js';
import type { HubServices } from '../services.js';
import { runStep } from './step-runner.js';
import { stepPlan } from './steps.js';
import { bookedDuringCall } from '../voice/link-booking.js';
import { recordSyncOutcome } from '../hub/health.js';
import { metrics } from '../metrics.js';

/**
 * Runs one job's steps in order. Each finished step is checkpointed on the job with what the CRM
 * returned, so a retry, a crash or a re-delivery resumes after the last finished step.
 */
export async function runSyncJob(hub: HubServices, job: JobDoc, owner: string, signal: AbortSignal): Promise<void> {
  const integration = await hub.repos.integrations.byId(job.integrationId);
  if (!integration)
    return void (await hub.queue.fail(job, owner, new HubError('HUB_ERR_NOT_FOUND', 'the integration was deleted').toJSON(), false));
  if (integration.status !== 'connected') {
    const err = new HubError(
      'HUB_ERR_CRM_AUTH',
      `the integration is ${integration.status}${integration.statusReason ? ` (${integration.statusReason})` : ''}; reconnect it, then retry`,
      { retryable: false },
    );
    return void (await hub.queue.fail(job, owner, err.toJSON(), false));
  }
  const call = await hub.repos.calls.find(job.tenantId, job.agentId, job.callId);
  // The call and its jobs are written together; if the call's write failed, a later delivery brings it.
  if (!call)
    return void (await hub.queue.fail(
      job,
      owner,
      new HubError('HUB_ERR_NOT_FOUND', `call ${job.callId} is not stored`, { retryable: true }).toJSON(),
      true,
    ));
  const steps: Record<string, unknown> = {};
  for (const [name, rec] of Object.entries(job.steps)) if (rec.status === 'succeeded') steps[name] = rec.output;
  const ctx: OperationContext = { call: call.data, steps };
  let requests: ExchangeSummary[] = [];
  // Queued syncs wait behind live lookups and tools for the connection's rate budget.
  const rt = hub.runtimeFor(integration, { signal, priority: 'background', onExchange: (s) => requests.push(s) });
  const plan = stepPlan(rt.connector.manifest);
  // The last step's checkpoint rides on the write that marks the job succeeded, and its log entry shares that journal sync.
  let last: { step: StepName; record: StepRecord; log: Promise<void> } | undefined;
  for (const [index, step] of plan.entries()) {
    const prior = job.steps[step];
    if (prior && prior.status !== 'started') continue;
    const started = performance.now();
    requests = [];
    ctx.deliveryId = `${job._id}:${step}`;
    const log = (status: 'success' | 'failed' | 'skipped', extra: Record<string, unknown>) => {
      metrics.stepFinished(job.type, step, status, (performance.now() - started) / 1000);
      return hub.repos.syncLogs.add({
        tenantId: job.tenantId,
        agentId: job.agentId,
        integrationId: job.integrationId,
        type: job.type,
        jobId: job._id,
        callId: job.callId,
        step,
        status,
        attempt: job.attempts,
        durationMs: Math.round(performance.now() - started),
        requests,
        ...extra,
      });
    };
    try {
      const outcome = await runStep(rt, step, ctx, {
        contact: { locks: hub.repos.locks, links: hub.repos.links, owner, tenantId: job.tenantId },
        started: prior?.status === 'started',
        markStarted: () => checkpoint(hub, job, owner, step, { status: 'started', at: new Date().toISOString() }),
        existing: () => bookedDuringCall(hub, job, step, ctx.call),
        fence: () => hub.queue.fence(job._id, owner),
      });
      const at = new Date().toISOString();
      const record: StepRecord =
        outcome.status === 'skipped'
          ? { status: 'skipped', reason: outcome.reason, at }
          : { status: 'succeeded', output: outcome.output, at };
      const logged =
        outcome.status === 'skipped'
          ? Promise.resolve()
          : log('success', { crmIds: outcome.output, ...(outcome.recovered ? { recovered: true } : {}) });
      // Awaited below (with the checkpoint or the job's last write); until then a failure must not count as unhandled.
      logged.catch(() => undefined);
      if (index === plan.length - 1) {
        job.steps[step] = record;
        last = { step, record, log: logged };
      } else {
        // Issued together, the checkpoint and the log entry share one journal sync.
        await Promise.all([checkpoint(hub, job, owner, step, record), logged]);
      }
    } catch (err) {
      // The job is another claim's now: failing it would undo that worker's run.
      if (isLeaseLost(err)) return void hub.logger.warn({ jobId: job._id, step }, 'sync job stopped: its lease was lost');
      const e = isHubError(err)
        ? err
        : new HubError('HUB_ERR_INTERNAL', `step ${step} failed: ${(err as Error).message}`, { cause: err, retryable: true });
      await log('failed', { error: e.toJSON() });
      await hub.noteAuthFailure(integration._id, e);
      // Health first, so whoever sees the job settle also sees it on the integration.
      await recordSyncOutcome(hub, integration._id, { code: e.code, message: e.message, step }, quotaOf(hub, integration._id));
      const outcome = await hub.queue.fail(job, owner, { ...e.toJSON(), step }, e.retryable, e.retryAfterMs);
      // Everything an operator needs to find the call and the CRM's own words (already redacted).
      hub.logger.warn(
        {
          tenantId: job.tenantId,
          agentId: job.agentId,
          callId: job.callId,
          jobId: job._id,
          integrationId: job.integrationId,
          connector: job.type,
          step,
          code: e.code,
          crmMessage: e.message,
          outcome,
        },
        'sync step failed',
      );
      return;
    }
  }
  await recordSyncOutcome(hub, integration._id, null, quotaOf(hub, integration._id));
  const [held] = await Promise.all([hub.queue.finish(job._id, owner, last), last?.log]);
  if (!held)
    hub.logger.warn(
      { jobId: job._id, integrationId: job.integrationId },
      'sync job finished after its lease was lost; the job stays with its new claim',
    );
}

function quotaOf(hub: HubServices, integrationId: string): number | undefined {
  return hub.runtimeDeps.limiters.get(integrationId)?.remaining();
}

async function checkpoint(hub: HubServices, job: JobDoc, owner: string, step: StepName, record: StepRecord): Promise<void> {
  job.steps[step] = record;
  await hub.queue.checkpoint(job._id, owner, step, record);
}
