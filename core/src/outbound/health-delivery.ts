import { HubError, isHubError } from '../errors/hub-error.js';
import { publicHealth } from '../hub/health.js';
import type { JobDoc } from '../store/repos/documents.js';
import type { OutboundService } from './outbound-service.js';
import { postSigned } from './callback.js';

/**
 * Posts one health event (`health:<integration>:<event>:…` in the job's key) to the tenant's health
 * webhook, signed like a callback, with the integration's health as it is now. Retried with the
 * queue's backoff; a webhook removed meanwhile ends the job quietly.
 */
export async function runHealthDeliveryJob(out: OutboundService, job: JobDoc, owner: string, signal: AbortSignal): Promise<void> {
  const [, integrationId, event] = job.callId.split(':');
  const hub = out.hub;
  const [tenant, doc] = await Promise.all([
    hub.repos.tenants.col.findOne({ _id: job.tenantId }),
    hub.repos.integrations.byId(integrationId),
  ]);
  if (!tenant?.healthWebhook || !doc || doc.tenantId !== job.tenantId) return out.queue.succeed(job._id, owner);
  const payload = {
    event,
    integration_id: doc._id,
    agent_id: doc.agentId,
    type: doc.type,
    name: doc.name ?? doc.type,
    status: doc.status,
    ...(doc.statusReason ? { status_reason: doc.statusReason } : {}),
    health: publicHealth(doc),
    timestamp: new Date().toISOString(),
  };
  const wh = tenant.healthWebhook;
  try {
    await postSigned(
      hub,
      {
        url: hub.keyring.open<string>(wh.url),
        secret: hub.keyring.open<string>(wh.signingSecret),
        event,
        deliveryId: job._id,
        connectionId: tenant._id,
        payload,
      },
      signal,
    );
    await out.queue.succeed(job._id, owner);
  } catch (err) {
    const e = isHubError(err) ? err : new HubError('HUB_ERR_INTERNAL', (err as Error).message, { retryable: true });
    hub.logger.warn({ tenantId: tenant._id, integrationId, event, code: e.code }, 'health webhook delivery failed');
    await out.queue.fail(job, owner, e.toJSON(), e.retryable, e.retryAfterMs);
  }
}
