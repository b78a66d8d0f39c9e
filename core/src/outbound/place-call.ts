import { HubError, isHubError } from '../errors/hub-error.js';
import type { JobDoc } from '../store/repos/documents.js';
import type { OutboundCallDoc } from './documents.js';
import type { OutboundService } from './outbound-service.js';

/** What the hub puts in a placed call's metadata, so the provider's events lead back to it. */
export function callMetadata(call: OutboundCallDoc): Record<string, string> {
  return {
    hub_outbound_call_id: call._id,
    ...(call.integrationId ? { hub_integration_id: call.integrationId } : {}),
    ...(call.contactId ? { hub_contact_id: call.contactId } : {}),
  };
}

/**
 * True only when the answer proves the provider did not place the call: a 429 or 503, or a
 * connection that never opened. Anything else (a timeout, a 500) may have dialled someone, so it is
 * not retried: calling a person twice is worse than reporting a failure.
 */
export function provablyNotPlaced(err: unknown): boolean {
  if (!isHubError(err)) return false;
  if (err.code === 'HUB_ERR_CRM_RATE_LIMITED') return true;
  const status = err.details?.status;
  if (status === 503) return true;
  // classify() knows which network failures never reached the provider; a retryable one is safe to repeat.
  return status === undefined && err.retryable && err.details?.notSent === true;
}

/**
 * The place job: moves the call to dialing before the request, so a worker that dies mid-request
 * leaves a mark, and a later attempt that finds the mark without a provider call id gives up
 * instead of dialling again.
 */
export async function runPlaceJob(out: OutboundService, job: JobDoc, owner: string, signal: AbortSignal): Promise<void> {
  const hub = out.hub;
  const id = job.callId.slice('place:'.length);
  const call = await out.calls.byId(id);
  if (!call || call.state !== 'queued') {
    if (call?.state === 'dialing' && !call.providerCallId) {
      const error = {
        code: 'HUB_ERR_CRM_TRANSIENT',
        message: 'the hub stopped while placing this call; it may or may not have been placed, so it is not placed again',
      };
      await out.calls.advance(id, 'failed', { error });
      return void (await out.queue.fail(job, owner, error, false));
    }
    return out.queue.succeed(job._id, owner);
  }
  const integration = await hub.repos.integrations.byId(call.voiceIntegrationId);
  if (!integration || integration.status !== 'connected') {
    const error = {
      code: 'HUB_ERR_CRM_AUTH',
      message: `the integration that places calls is ${integration ? integration.status : 'deleted'}; reconnect it, then trigger again`,
    };
    await out.calls.advance(id, 'failed', { error });
    return void (await out.queue.fail(job, owner, error, false));
  }
  if (!(await out.calls.advance(id, 'dialing'))) return out.queue.succeed(job._id, owner);
  const rt = hub.runtimeFor(integration, { signal });
  const input = {
    to_number: call.phone,
    contact_name: call.contactName ?? null,
    contact_id: call.contactId ?? null,
    contact_data: call.contactData,
    metadata: callMetadata(call),
  };
  try {
    const output = (await rt.execute('placeCall', input, { call: {}, steps: {} })) as Record<string, unknown> | null;
    const providerCallId = output?.call_id ?? output?.id;
    if (providerCallId === undefined || providerCallId === null)
      throw new HubError('HUB_ERR_CRM_REJECTED', `${integration.type}: placeCall returned no call id`, { retryable: false });
    await out.calls.set(id, { providerCallId: String(providerCallId) });
    await out.queue.checkpoint(job._id, owner, 'placeCall', { status: 'succeeded', output, at: new Date().toISOString() });
    await out.queue.succeed(job._id, owner);
  } catch (err) {
    const e = isHubError(err)
      ? err
      : new HubError('HUB_ERR_INTERNAL', `placing the call failed: ${(err as Error).message}`, { cause: err });
    const retry = provablyNotPlaced(e) && job.attempts < job.maxAttempts;
    if (retry) await out.calls.requeue(id, e.toJSON());
    else await out.calls.advance(id, 'failed', { error: e.toJSON() });
    hub.logger.warn({ outboundCallId: id, code: e.code, retry }, 'placing an outbound call failed');
    await out.queue.fail(job, owner, e.toJSON(), retry, e.retryAfterMs);
  }
}
