import type { HubServices } from '../services.js';
import { JobQueue, queueStoreOptions } from '../queue/job-queue.js';
import type { JobDoc } from '../store/repos/documents.js';
import type { OutboundCallDoc, OutboundWebhookDoc, VoiceCallDoc, VoiceWebhookDoc } from './documents.js';
import { OutboundCallRepo } from './outbound-calls.js';
import { WebhookRepo, RateWindowRepo, VoiceCallRepo } from './outbound-repos.js';
import { ensureCallerIndexes } from '../voice/caller-lookup.js';

/** Timing of the outbound layer. */
export interface OutboundOptions {
  /** how long a call_ended without analysis waits for call_analyzed before syncing what it has */
  analysisWaitMs: number;
  /** how long a repeated trigger body counts as the same request (when no Idempotency-Key is sent) */
  bodyWindowMs?: number;
  /** how long an Idempotency-Key is remembered */
  keyWindowMs?: number;
  /** per-webhook trigger limit unless the webhook sets its own */
  defaultRateLimit?: { requests: number; perMs: number };
  /** how long the inbound webhook waits for the CRMs before answering with what it has */
  callerLookupMs?: number;
}

/** Defaults: 10 minutes for body hashes (CRM retries come within minutes), 24 hours for keys, 60 triggers a minute, 700 ms for the caller lookup (Retell's ring allows 10 s, the answer should take under one). */
export const OUTBOUND_DEFAULTS = {
  bodyWindowMs: 10 * 60_000,
  keyWindowMs: 24 * 3_600_000,
  defaultRateLimit: { requests: 60, perMs: 60_000 },
  callerLookupMs: 700,
} as const;

/**
 * The outbound loop's store and queue: trigger webhooks, outbound calls, voice hooks, provider calls,
 * and a job queue of its own (place, settle, callback) so the sync worker's jobs and stats stay
 * about syncs while these get the same leases, backoff and dead-lettering.
 */
export class OutboundService {
  readonly webhooks: WebhookRepo;
  readonly calls: OutboundCallRepo;
  readonly voiceCalls: VoiceCallRepo;
  readonly rates: RateWindowRepo;
  readonly queue: JobQueue;
  readonly opts: Required<OutboundOptions>;

  constructor(
    readonly hub: HubServices,
    opts: OutboundOptions,
  ) {
    const e = hub.engine;
    this.opts = { ...OUTBOUND_DEFAULTS, ...opts };
    this.webhooks = new WebhookRepo(e.collection<OutboundWebhookDoc>('outbound_webhooks'), e.collection<VoiceWebhookDoc>('voice_hooks'));
    this.calls = new OutboundCallRepo(e.collection<OutboundCallDoc>('outbound_calls'));
    this.voiceCalls = new VoiceCallRepo(e.collection<VoiceCallDoc>('voice_calls'));
    this.rates = new RateWindowRepo(e.collection('outbound_rate_windows'));
    this.queue = new JobQueue(e.collection<JobDoc>('outbound_jobs'), hub.queue.policy, queueStoreOptions(e));
  }

  /** Creates every index; call once at start. */
  async init(): Promise<void> {
    await Promise.all([
      this.webhooks.ensureIndexes(),
      this.calls.ensureIndexes(),
      this.queue.ensureIndexes(),
      ensureCallerIndexes(this.hub),
    ]);
  }

  /**
   * Queues a job of this layer. `runAt` delays it (the analysis wait): the job is written with its
   * due time in one insert, so no worker can claim it early. A repeat returns the existing job.
   */
  async enqueue(
    kind: 'place' | 'settle' | 'callback',
    ref: { tenantId: string; agentId: string; integrationId: string; key: string },
    runAt?: number,
  ): Promise<JobDoc> {
    const spec = {
      tenantId: ref.tenantId,
      agentId: ref.agentId,
      callId: `${kind}:${ref.key}`,
      integrationId: ref.integrationId,
      type: kind,
      ...(runAt !== undefined ? { runAt } : {}),
    };
    return (await this.queue.enqueue(spec)).job;
  }
}
