import { inputError } from '../errors/hub-error.js';
import { checkConditions, type SyncConditions } from '../sync/conditions.js';
import { stepPlan } from '../sync/steps.js';
import type { HubServices } from '../services.js';
import type { CallDoc, IntegrationDoc, JobDoc, JobStatus } from '../store/repos/documents.js';
import type { DailyBucket } from '../store/repos/job-reports.js';
import { checkTenantExpressions } from './integrations-service.js';

/** An agent as the console lists it. */
export interface AgentSummary {
  agent_id: string;
  integrations: number;
  last_call_at: string | null;
}

/** Every agent a tenant has integrations or calls for; the most recently called first. */
export async function listAgents(hub: HubServices, tenantId: string): Promise<AgentSummary[]> {
  const [counts, lastCalls] = await Promise.all([
    hub.repos.integrations.countByAgent(tenantId),
    hub.repos.callPages.lastCallByAgent(tenantId),
  ]);
  const ids = new Set([...counts.keys(), ...lastCalls.keys()]);
  return [...ids]
    .map((agent_id) => ({ agent_id, integrations: counts.get(agent_id) ?? 0, last_call_at: lastCalls.get(agent_id) ?? null }))
    .sort((a, b) => (b.last_call_at ?? '').localeCompare(a.last_call_at ?? '') || a.agent_id.localeCompare(b.agent_id));
}

/** One call in an agent's listing, with where its sync stands per integration. */
export interface CallRow {
  call_id: string;
  received_at: string;
  started_at: string | null;
  customer_name: string | null;
  customer_phone: string | null;
  call_outcome: string | null;
  integrations: { integration_id: string; type: string; job_id: string; status: JobStatus; dead_lettered?: boolean }[];
}

/** Filters of an agent's call listing. */
export interface CallListQuery {
  status?: JobStatus;
  integrationId?: string;
  since?: string;
  until?: string;
  /** continue after this call_id (the previous page's `next_before`) */
  before?: string;
  limit: number;
}

// A filter on job status or integration reads calls in batches and keeps the matching ones; it
// stops after this many calls so a rare match cannot read the whole history in one request.
const SCAN_LIMIT = 2000;

/** An agent's calls newest first, each with its per-integration sync status; `next_before` pages on. */
export async function listAgentCalls(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  q: CallListQuery,
): Promise<{ calls: CallRow[]; next_before: string | null }> {
  let after: CallDoc | undefined;
  if (q.before) {
    const found = await hub.repos.calls.find(tenantId, agentId, q.before);
    if (!found) throw inputError('querystring.before', `is not a call of agent ${agentId}; pass the next_before of the previous page`);
    after = found;
  }
  const filtered = q.status !== undefined || q.integrationId !== undefined;
  const batch = filtered ? Math.max(q.limit, 100) : q.limit;
  const out: CallRow[] = [];
  let scanned = 0;
  for (;;) {
    const calls = await hub.repos.callPages.page({ tenantId, agentId, since: q.since, until: q.until, after, limit: batch });
    const jobs = await hub.repos.jobReports.forCalls(
      tenantId,
      agentId,
      calls.map((c) => c.callId),
    );
    for (const call of calls) {
      after = call;
      const mine = jobs.filter((j) => j.callId === call.callId);
      if (filtered && !mine.some((j) => (!q.status || j.status === q.status) && (!q.integrationId || j.integrationId === q.integrationId)))
        continue;
      out.push(callRow(call, mine));
      if (out.length === q.limit) return { calls: out, next_before: call.callId };
    }
    scanned += calls.length;
    if (calls.length < batch) return { calls: out, next_before: null };
    if (scanned >= SCAN_LIMIT) return { calls: out, next_before: after?.callId ?? null };
  }
}

function callRow(call: CallDoc, jobs: JobDoc[]): CallRow {
  const d = call.data;
  const text = (v: unknown) => (v === undefined || v === null ? null : String(v));
  return {
    call_id: call.callId,
    received_at: call.receivedAt,
    started_at: text(d.started_at),
    customer_name: text(d.customer_name),
    customer_phone: text(d.customer_phone),
    call_outcome: text(d.call_outcome),
    integrations: jobs.map((j) => ({
      integration_id: j.integrationId,
      type: j.type,
      job_id: j._id,
      status: j.status,
      ...(j.deadLettered ? { dead_lettered: true } : {}),
    })),
  };
}

/** Which recent calls would sync under some conditions, and why (not). */
export interface ConditionPreview {
  integration_id: string;
  sync_conditions: SyncConditions | null;
  calls: { call_id: string; received_at: string; started_at: string | null; would_sync: boolean; reason: string }[];
}

/** How many recent calls a sync-condition preview reads. */
export const PREVIEW_CALLS = 50;

/**
 * Which of the agent's last 50 calls would have synced to an integration under the given
 * conditions (the integration's own when none are given; null means no conditions). Uses the same
 * checkConditions as ingest, so the preview cannot drift from what the sync does.
 */
export async function previewConditions(
  hub: HubServices,
  doc: IntegrationDoc,
  given: SyncConditions | null | undefined,
): Promise<ConditionPreview> {
  const conditions = given === undefined ? doc.syncConditions : (given ?? undefined);
  checkTenantExpressions(undefined, conditions);
  const calls = await hub.repos.callPages.page({ tenantId: doc.tenantId, agentId: doc.agentId, limit: PREVIEW_CALLS });
  const rows = await Promise.all(
    calls.map(async (c) => {
      const result = await checkConditions(c.data, conditions).catch((err: Error) => ({ sync: false, reason: err.message }));
      return {
        call_id: c.callId,
        received_at: c.receivedAt,
        started_at: c.data.started_at == null ? null : String(c.data.started_at),
        would_sync: result.sync,
        reason: result.reason,
      };
    }),
  );
  return { integration_id: doc._id, sync_conditions: conditions ?? null, calls: rows };
}

/** Retries every dead-lettered job of one integration of the tenant's agent (404 for anyone else's). */
export async function retryDeadJobs(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  integrationId: string,
): Promise<{ retried: number }> {
  await hub.repos.integrations.get(tenantId, agentId, integrationId);
  return { retried: await hub.queue.retryDead(tenantId, agentId, integrationId) };
}

/**
 * Finished syncs per UTC day and integration type over the last `days` days (today included), for
 * a tenant or one agent. Every type the agent (or tenant) has an integration of gets a bucket each
 * day, zeros included, so a chart has no gaps.
 */
export async function dailyStats(
  hub: HubServices,
  tenantId: string,
  days: number,
  agentId?: string,
): Promise<{ days: number; from: string; to: string; buckets: DailyBucket[] }> {
  const today = new Date();
  const dates = Array.from({ length: days }, (_, n) =>
    new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (days - 1 - n))).toISOString().slice(0, 10),
  );
  const [found, connected] = await Promise.all([
    hub.repos.jobReports.daily(tenantId, dates, agentId),
    hub.repos.integrations.typesOf(tenantId, agentId),
  ]);
  // A connector without sync steps (a voice provider) never has a sync to count.
  const syncing = connected.filter((t) => {
    const c = hub.registry.get(t);
    return c !== undefined && stepPlan(c.manifest).length > 0;
  });
  const types = [...new Set([...syncing, ...found.map((b) => b.type)])].sort();
  const byKey = new Map(found.map((b) => [`${b.date} ${b.type}`, b]));
  const buckets = dates.flatMap((date) =>
    types.map((type) => byKey.get(`${date} ${type}`) ?? { date, type, total: 0, succeeded: 0, failed: 0 }),
  );
  return { days, from: dates[0], to: dates[dates.length - 1], buckets };
}
