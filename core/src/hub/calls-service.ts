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
 * nothing syncs twice, even when two deliveries race. The call and its jobs are written together,
 * so the answer waits for one durable write, not one per CRM; workers are woken only after all of
 * them are stored, so none can claim a job whose call is not there yet.
 */
export async function ingestCall(hub: HubServices, tenantId: string, agentId: string, raw: CallData, queueAs: Pick<JobSpec, 'lane' | 'importId'> = {}): Promise<IngestResult> {
  const tooLarge = customFieldsError(raw);
  if (tooLarge) throw tooLarge;
  const data = normalizeCall(raw, agentId);
  const existing = await hub.repos.calls.find(tenantId, agentId, data.call_id);
  const receivedAt = existing?.receivedAt ?? new Date().toISOString();
  const callData = existing?.data ?? data;
  const integrations = (await hub.repos.integrations.list(tenantId, agentId)).filter((i) => {
    const connector = hub.registry.get(i.type);
    // A connector with no sync steps (a voice provider such as Retell) gets no job to show as a sync.
    return i.status !== 'disabled' && i.createdAt <= receivedAt && connector !== undefined && stepPlan(connector.manifest).length > 0;
  });
  const decisions = await Promise.all(integrations.map((i) => checkConditions(callData, i.syncConditions).catch((err: Error) => ({ sync: false, reason: err.message }))));
  const [recorded, ...enqueued] = await Promise.all([
    existing ? { call: existing, created: false } : hub.repos.calls.record(tenantId, agentId, data, receivedAt),
    ...integrations.map((integration, n) =>
      hub.queue.enqueue(
        { tenantId, agentId, callId: data.call_id, integrationId: integration._id, type: integration.type, ...queueAs, ...(decisions[n].sync ? {} : { skipReason: decisions[n].reason }) },
        { notify: false },
      ),
    ),
  ]);
  if (enqueued.some((e) => e.created)) hub.queue.wake();
  if (recorded.created) metrics.callIngested(queueAs.importId ? 'bulk' : 'live');
  const jobs = enqueued.map((e) => e.job).filter((j) => j.status !== 'skipped');
  return { call_id: recorded.call.callId, duplicate: !recorded.created, jobs: jobs.map((j) => ({ id: j._id, integration_id: j.integrationId, type: j.type })) };
}

/** Per-integration status of one call, with every step's CRM ids or error. */
export async function callStatus(hub: HubServices, tenantId: string, agentId: string, callId: string): Promise<Record<string, unknown>> {
  const call = await hub.repos.calls.get(tenantId, agentId, callId);
  const jobs = await hub.queue.forCall(tenantId, agentId, callId);
  return {
    call_id: call.callId,
    agent_id: agentId,
    received_at: call.receivedAt,
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
      steps: Object.entries(j.steps).map(([name, s]) => ({ name, status: s.status, ...(s.output !== undefined ? { crm_ids: s.output } : {}), ...(s.reason ? { reason: s.reason } : {}), at: s.at })),
    })),
  };
}

/** Finished-job counts per integration: total, successful, failed. */
export async function syncCounts(hub: HubServices, tenantId: string, integrationId: string): Promise<{ total_syncs: number; successful_syncs: number; failed_syncs: number }> {
  const [ok, failed] = await Promise.all([
    hub.queue.col.countDocuments({ tenantId, integrationId, status: 'succeeded' }),
    hub.queue.col.countDocuments({ tenantId, integrationId, status: 'failed' }),
  ]);
  return { total_syncs: ok + failed, successful_syncs: ok, failed_syncs: failed };
}

/** The original spec's "sync stats by integration type", for one tenant. */
export async function syncStats(hub: HubServices, tenantId: string, since?: string): Promise<Record<string, unknown>[]> {
  const filter: Record<string, unknown> = { tenantId, status: { $in: ['succeeded', 'failed'] } };
  if (since) filter.finishedAt = { $gte: since };
  const jobs = await hub.queue.col.find(filter, { projection: { type: 1, status: 1 } }).toArray();
  const integrations = await hub.repos.integrations.col.find({ tenantId }, { projection: { type: 1, agentId: 1 } }).toArray();
  const types = new Map<string, { agents: Set<string>; ok: number; failed: number }>();
  const row = (type: string) => types.get(type) ?? types.set(type, { agents: new Set(), ok: 0, failed: 0 }).get(type)!;
  for (const i of integrations) row(i.type).agents.add(i.agentId);
  for (const j of jobs) {
    if (j.status === 'succeeded') row(j.type).ok++;
    else row(j.type).failed++;
  }
  return [...types.entries()]
    .map(([type, r]) => ({
      integration_type: type,
      agents_connected: r.agents.size,
      total_syncs: r.ok + r.failed,
      successful_syncs: r.ok,
      failed_syncs: r.failed,
      success_rate_percent: r.ok + r.failed ? Math.round((r.ok / (r.ok + r.failed)) * 10000) / 100 : null,
    }))
    .sort((a, b) => b.total_syncs - a.total_syncs);
}
