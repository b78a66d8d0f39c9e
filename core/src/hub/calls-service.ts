import { customFieldsError, normalizeCall, type CallData } from '../sync/call-data.js';
import { checkConditions } from '../sync/conditions.js';
import { stepPlan } from '../sync/steps.js';
import type { HubServices } from '../services.js';
import type { JobSpec } from '../queue/job-queue.js';
import { metrics } from '../metrics.js';

/** The sync endpoint's answer: the call id and the jobs it queued. */
export interface IngestResult {
  call_id: string;
  duplicate: boolean;
  jobs: { id: string; integration_id: string; type: string }[];
}

/**
 * Takes one finished call: stores it once, checks each integration's sync conditions and queues a
 * job per match. A repeat delivery finds the same call and the same jobs (unique indexes), so
 * nothing syncs twice, even when two deliveries race. The call is stored first, then its jobs
 * together (one durable write for all CRMs); this process's workers are woken once all are stored.
 */
export async function ingestCall(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  raw: CallData,
  queueAs: Pick<JobSpec, 'lane' | 'importId'> = {},
): Promise<IngestResult> {
  const tooLarge = customFieldsError(raw);
  if (tooLarge) throw tooLarge;
  const data = normalizeCall(raw, agentId);
  const existing = await hub.repos.calls.find(tenantId, agentId, data.call_id);
  const receivedAt = existing?.receivedAt ?? new Date().toISOString();
  const callData = existing?.data ?? data;
  const integrations = (await hub.repos.integrations.listShared(tenantId, agentId)).filter((i) => {
    const connector = hub.registry.get(i.type);
    // A connector with no sync steps (a voice provider such as Retell) gets no job to show as a sync.
    return i.status !== 'disabled' && i.createdAt <= receivedAt && connector !== undefined && stepPlan(connector.manifest).length > 0;
  });
  const decisions = await Promise.all(
    integrations.map((i) => checkConditions(callData, i.syncConditions).catch((err: Error) => ({ sync: false, reason: err.message }))),
  );
  // The call is stored before its jobs: a worker in another process may claim a job the moment it
  // is written, and must find its call. A store whose writes are durable in the order issued (the
  // embedded one) gets both at once, and this process's workers claim at once: call, jobs and claims
  // then share one journal sync, and no job can outlive its call in a crash.
  const ordered = hub.engine.orderedWrites === true;
  const recording = existing
    ? Promise.resolve({ call: existing, created: false })
    : hub.repos.calls.record(tenantId, agentId, data, receivedAt);
  if (!ordered) await recording;
  const enqueuing = Promise.all(
    integrations.map((integration, n) =>
      hub.queue.enqueue(
        {
          tenantId,
          agentId,
          callId: data.call_id,
          integrationId: integration._id,
          type: integration.type,
          ...queueAs,
          ...(decisions[n].sync ? {} : { skipReason: decisions[n].reason }),
        },
        { notify: false },
      ),
    ),
  );
  if (ordered && integrations.length > 0) hub.queue.wake();
  const [recorded, enqueued] = await Promise.all([recording, enqueuing]);
  if (!ordered && enqueued.some((e) => e.created)) hub.queue.wake();
  if (recorded.created) metrics.callIngested(queueAs.importId ? 'bulk' : 'live');
  const jobs = enqueued.map((e) => e.job).filter((j) => j.status !== 'skipped');
  return {
    call_id: recorded.call.callId,
    duplicate: !recorded.created,
    jobs: jobs.map((j) => ({ id: j._id, integration_id: j.integrationId, type: j.type })),
  };
}

/** Per-integration status of one call, with every step's CRM ids or error; with `withData`, the stored call itself. */
export async function callStatus(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  callId: string,
  withData = false,
): Promise<Record<string, unknown>> {
  const call = await hub.repos.calls.get(tenantId, agentId, callId);
  const jobs = await hub.queue.forCall(tenantId, agentId, callId);
  return {
    call_id: call.callId,
    agent_id: agentId,
    received_at: call.receivedAt,
    ...(withData ? { data: call.data } : {}),
    integrations: jobs.map((j) => ({
      integration_id: j.integrationId,
      type: j.type,
      job_id: j._id,
      status: j.status,
      attempts: j.attempts,
      ...(j.reason ? { reason: j.reason } : {}),
      ...(j.status === 'queued' && j.attempts > 0 ? { next_attempt_at: new Date(j.runAt).toISOString() } : {}),
      ...(j.lastError ? { last_error: j.lastError } : {}),
      ...(j.deadLettered ? { dead_lettered: true } : {}),
      steps: Object.entries(j.steps).map(([name, s]) => ({
        name,
        status: s.status,
        ...(s.output !== undefined ? { crm_ids: s.output } : {}),
        ...(s.reason ? { reason: s.reason } : {}),
        at: s.at,
      })),
    })),
  };
}

/** Finished-job counts per integration: total, successful, failed. */
export async function syncCounts(
  hub: HubServices,
  tenantId: string,
  integrationId: string,
): Promise<{ total_syncs: number; successful_syncs: number; failed_syncs: number }> {
  const counts = await hub.repos.jobReports.countByStatus({ tenantId, integrationId, status: { $in: ['succeeded', 'failed'] } });
  const ok = counts.succeeded ?? 0;
  const failed = counts.failed ?? 0;
  return { total_syncs: ok + failed, successful_syncs: ok, failed_syncs: failed };
}

/** The original spec's "sync stats by integration type", for one tenant. */
export async function syncStats(hub: HubServices, tenantId: string, since?: string): Promise<Record<string, unknown>[]> {
  const [finished, agents] = await Promise.all([
    hub.repos.jobReports.finishedByType(tenantId, since),
    hub.repos.integrations.agentsByType(tenantId),
  ]);
  return [...new Set([...agents.keys(), ...finished.keys()])]
    .map((type) => {
      const { succeeded: ok, failed } = finished.get(type) ?? { succeeded: 0, failed: 0 };
      return {
        integration_type: type,
        agents_connected: agents.get(type) ?? 0,
        total_syncs: ok + failed,
        successful_syncs: ok,
        failed_syncs: failed,
        success_rate_percent: ok + failed ? Math.round((ok / (ok + failed)) * 10000) / 100 : null,
      };
    })
    .sort((a, b) => b.total_syncs - a.total_syncs);
}
