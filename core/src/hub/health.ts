import { randomBytes } from 'node:crypto';
import { JobQueue, queueStoreOptions } from '../queue/job-queue.js';
import { syncCounts } from './calls-service.js';
import type { HubServices } from '../services.js';
import type { IntegrationDoc, JobDoc } from '../store/repos/documents.js';

/** Failed attempts in a row after which an integration counts as failing (one blip is not an outage). */
export const FAILING_STREAK = 3;
const DAY_MS = 24 * 3_600_000;
/** How stale last_success_at may read on an integration that keeps succeeding. */
const SUCCESS_RESOLUTION_MS = 1000;

/** How an integration is doing, as the console shows it on its card. */
export type HealthState = 'healthy' | 'failing' | 'needs_reauth' | 'disabled' | 'pending';
/** Events posted to the tenant's health webhook. */
export type HealthEvent = 'integration.failing' | 'integration.needs_reauth' | 'integration.recovered';

/** The state: the integration's own status first, then the failure streak. */
export function healthState(doc: IntegrationDoc): HealthState {
  if (doc.status === 'disabled') return 'disabled';
  if (doc.status === 'needs_reauth') return 'needs_reauth';
  if (doc.status === 'pending_authorization') return 'pending';
  return (doc.health?.failureStreak ?? 0) >= FAILING_STREAK ? 'failing' : 'healthy';
}

/** `health` as the API answers it. */
export function publicHealth(doc: IntegrationDoc): Record<string, unknown> {
  const h = doc.health ?? {};
  return {
    state: healthState(doc),
    last_success_at: h.lastSuccessAt ?? null,
    last_failure_at: h.lastFailureAt ?? null,
    last_error: h.lastError ?? null,
    failure_streak: h.failureStreak ?? 0,
    quota_remaining: h.quotaRemaining ?? null,
  };
}

/** Sync jobs of one integration that finished in the last 24 hours. */
export async function stats24h(
  hub: HubServices,
  tenantId: string,
  integrationId: string,
): Promise<{ total: number; succeeded: number; failed: number }> {
  const since = new Date(Date.now() - DAY_MS).toISOString();
  const counts = await hub.repos.jobReports.countByStatus({
    tenantId,
    integrationId,
    status: { $in: ['succeeded', 'failed'] },
    finishedAt: { $gte: since },
  });
  const succeeded = counts.succeeded ?? 0;
  const failed = counts.failed ?? 0;
  return { total: succeeded + failed, succeeded, failed };
}

/**
 * Records a sync attempt's outcome on the integration. Crossing into failing (the streak reaching
 * FAILING_STREAK) or back out of it posts the tenant's health webhook, once per crossing.
 */
export async function recordSyncOutcome(
  hub: HubServices,
  integrationId: string,
  failure: { code: string; message: string; step?: string } | null,
  quotaRemaining?: number,
): Promise<void> {
  const now = new Date().toISOString();
  const quota = quotaRemaining !== undefined ? { 'health.quotaRemaining': quotaRemaining } : {};
  const col = hub.repos.integrations.col;
  if (failure) {
    const lastError = { code: failure.code, message: failure.message.slice(0, 500), ...(failure.step ? { step: failure.step } : {}) };
    const after = await col.findOneAndUpdate(
      { _id: integrationId },
      { $set: { 'health.lastFailureAt': now, 'health.lastError': lastError, ...quota }, $inc: { 'health.failureStreak': 1 } },
      { returnDocument: 'after' },
    );
    if (after?.status === 'connected' && after.health?.failureStreak === FAILING_STREAK)
      await notifyHealth(hub, after, 'integration.failing');
    return;
  }
  // A busy integration succeeds many times a second: with no streak to reset and the quota as stored,
  // only a lastSuccessAt older than a second is rewritten, so health costs no durable write per job.
  const cutoff = new Date(Date.parse(now) - SUCCESS_RESOLUTION_MS).toISOString();
  const changed: Record<string, unknown>[] = [
    { 'health.failureStreak': { $ne: 0 } },
    { 'health.lastSuccessAt': { $exists: false } },
    { 'health.lastSuccessAt': { $lt: cutoff } },
  ];
  if (quotaRemaining !== undefined) changed.push({ 'health.quotaRemaining': { $ne: quotaRemaining } });
  const before = await col.findOneAndUpdate(
    { _id: integrationId, $or: changed },
    { $set: { 'health.lastSuccessAt': now, 'health.failureStreak': 0, ...quota } },
    { returnDocument: 'before' },
  );
  if (before?.status === 'connected' && (before.health?.failureStreak ?? 0) >= FAILING_STREAK)
    await notifyHealth(hub, before, 'integration.recovered');
}

/** The queue health deliveries share with the other outbound deliveries (their worker posts them). */
function deliveries(hub: HubServices): JobQueue {
  return new JobQueue(hub.engine.collection<JobDoc>('outbound_jobs'), hub.queue.policy, queueStoreOptions(hub.engine));
}

/** Queues a signed POST of `event` to the tenant's health webhook, when it has one. Never throws. */
export async function notifyHealth(hub: HubServices, doc: IntegrationDoc, event: HealthEvent): Promise<void> {
  try {
    const tenant = await hub.repos.tenants.byId(doc.tenantId);
    if (!tenant?.healthWebhook) return;
    // The key names the event; the delivery reads the integration as it is when it is sent.
    const key = `health:${doc._id}:${event}:${Date.now()}:${randomBytes(3).toString('hex')}`;
    await deliveries(hub).enqueue({ tenantId: doc.tenantId, agentId: doc.agentId, callId: key, integrationId: doc._id, type: 'health' });
  } catch (err) {
    hub.logger.error({ integrationId: doc._id, event, err: (err as Error).message }, 'health webhook not queued');
  }
}

/** Sets the tenant's health webhook; returns the new signing secret (shown once). */
export async function setHealthWebhook(hub: HubServices, tenantId: string, url: string): Promise<string> {
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const healthWebhook = { url: hub.keyring.seal(url), signingSecret: hub.keyring.seal(secret), createdAt: new Date().toISOString() };
  await hub.repos.tenants.col.updateOne({ _id: tenantId }, { $set: { healthWebhook } });
  return secret;
}

/** What the integration GET and list add to each integration: lifetime counts, health, the last 24 hours. */
export async function integrationActivity(hub: HubServices, tenantId: string, doc: IntegrationDoc): Promise<Record<string, unknown>> {
  const [counts, day] = await Promise.all([syncCounts(hub, tenantId, doc._id), stats24h(hub, tenantId, doc._id)]);
  return { ...counts, health: publicHealth(doc), stats_24h: day };
}
