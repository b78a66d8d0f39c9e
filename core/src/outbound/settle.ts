import { ingestCall } from '../hub/calls-service.js';
import { contactKeys } from '../sync/contact-step.js';
import type { JobDoc } from '../store/repos/documents.js';
import type { VoiceCallDoc } from './documents.js';
import type { OutboundService } from './outbound-service.js';

/**
 * When the CRM that triggered a call named its contact, the engine's remembered-contact link for
 * (that integration, the call's phone/email) is set to it before the call is ingested. The contact
 * step consults these links first, under its per-contact lock, so the result lands on that contact
 * and no search or upsert can pick (or make) another one. The link is true beyond this call too:
 * the CRM itself said this number is this contact.
 */
async function seedContact(out: OutboundService, voiceCall: VoiceCallDoc): Promise<void> {
  const outbound = voiceCall.outboundCallId ? await out.calls.byId(voiceCall.outboundCallId) : null;
  if (!outbound?.integrationId || !outbound.contactId) return;
  const keys = contactKeys({ customer_phone: outbound.phone, customer_email: voiceCall.call.customer_email ?? null });
  await out.hub.repos.links.remember(outbound.tenantId, outbound.integrationId, keys, { id: outbound.contactId, seeded_by: outbound._id });
}

/**
 * Sends a provider call through the normal sync pipeline once. ingestCall is itself idempotent on the
 * call id (a second delivery finds the same call and jobs), so a race between the analysis and the
 * wait running out still syncs once; the `synced` flag only spares the repeat.
 * Returns false when the call had already been synced.
 */
export async function syncVoiceCall(out: OutboundService, voiceCall: VoiceCallDoc): Promise<boolean> {
  if (voiceCall.synced) return false;
  await seedContact(out, voiceCall);
  const result = await ingestCall(out.hub, voiceCall.tenantId, voiceCall.agentId, voiceCall.call);
  if (voiceCall.outboundCallId) {
    await out.calls.advance(voiceCall.outboundCallId, 'synced', { syncJobs: result.jobs });
    // Enqueued whenever the call is synced (a no-op when the job exists), so a crash right here
    // followed by the provider's re-delivery still sends the callback once.
    const outbound = await out.calls.byId(voiceCall.outboundCallId);
    if (outbound?.state === 'synced' && outbound.callbackUrl) {
      await out.enqueue('callback', {
        tenantId: outbound.tenantId,
        agentId: outbound.agentId,
        integrationId: outbound.voiceIntegrationId,
        key: outbound._id,
      });
    }
  }
  return out.voiceCalls.markSynced(voiceCall._id);
}

/** The settle job: the analysis did not come in time, so the call syncs with what call_ended gave. */
export async function runSettleJob(out: OutboundService, job: JobDoc, owner: string): Promise<void> {
  const voiceCall = await out.voiceCalls.byId(job.callId.slice('settle:'.length));
  if (voiceCall && !voiceCall.synced) {
    await syncVoiceCall(out, voiceCall);
    out.hub.logger.info({ callId: voiceCall.providerCallId, analyzed: voiceCall.analyzed }, 'call synced after the analysis wait');
  }
  await out.queue.succeed(job._id, owner);
}
