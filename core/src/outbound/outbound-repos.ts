import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../store/types.js';
import { notFound } from '../errors/hub-error.js';
import { hashSecret, safeEqual } from '../security/crypto.js';
import type { OutboundWebhookDoc, VoiceCallDoc, VoiceWebhookDoc } from './documents.js';
import type { CallData } from '../sync/call-data.js';

/** Trigger webhooks (secret stored hashed) and voice-provider hooks, always scoped by tenant. */
export class WebhookRepo {
  constructor(
    readonly outboundWebhooks: DocCollection<OutboundWebhookDoc>,
    readonly voiceWebhooks: DocCollection<VoiceWebhookDoc>,
  ) {}

  /** Creates the indexes this repository relies on. */
  async ensureIndexes(): Promise<void> {
    await this.outboundWebhooks.createIndex({ agentId: 1 });
    await this.outboundWebhooks.createIndex({ tenantId: 1, agentId: 1 });
    await this.voiceWebhooks.createIndex({ tenantId: 1, agentId: 1 });
  }

  /** Stores a trigger webhook. */
  async createWebhook(doc: Omit<OutboundWebhookDoc, '_id' | 'createdAt'>): Promise<OutboundWebhookDoc> {
    const full: OutboundWebhookDoc = { ...doc, _id: `owh_${randomUUID()}`, createdAt: new Date().toISOString() };
    await this.outboundWebhooks.insertOne(full);
    return full;
  }

  /**
   * The agent's webhook whose secret this is, or null. Every candidate is compared, in constant
   * time, so neither the answer time nor an early exit tells which part of a guess was right.
   */
  async webhookBySecret(agentId: string, secret: string): Promise<OutboundWebhookDoc | null> {
    const given = hashSecret(secret);
    let match: OutboundWebhookDoc | null = null;
    for (const doc of await this.outboundWebhooks.find({ agentId }).toArray()) if (safeEqual(doc.secretHash, given) && !match) match = doc;
    return match;
  }

  /** The trigger webhooks of an agent. */
  async listWebhooks(tenantId: string, agentId: string): Promise<OutboundWebhookDoc[]> {
    return this.outboundWebhooks.find({ tenantId, agentId }, { sort: { createdAt: 1 } }).toArray();
  }

  /** Removes a trigger webhook: its secret stops working at once. */
  async removeWebhook(tenantId: string, agentId: string, id: string): Promise<void> {
    if ((await this.outboundWebhooks.deleteOne({ _id: id, tenantId, agentId })).deletedCount === 0) throw notFound('outbound webhook', id);
  }

  /** Stores a voice webhook under an unguessable id (the URL is not the proof, but it should not be enumerable). */
  async createVoiceWebhook(doc: Omit<VoiceWebhookDoc, 'createdAt'>): Promise<VoiceWebhookDoc> {
    const full: VoiceWebhookDoc = { ...doc, createdAt: new Date().toISOString() };
    await this.voiceWebhooks.insertOne(full);
    return full;
  }

  /** A voice webhook by id (the public event route knows no tenant until the signature is checked). */
  async voiceWebhook(id: string): Promise<VoiceWebhookDoc | null> {
    return this.voiceWebhooks.findOne({ _id: id });
  }

  /** The voice hooks of an agent. */
  async listVoiceWebhooks(tenantId: string, agentId: string): Promise<VoiceWebhookDoc[]> {
    return this.voiceWebhooks.find({ tenantId, agentId }, { sort: { createdAt: 1 } }).toArray();
  }

  /** Removes a voice webhook. */
  async removeVoiceWebhook(tenantId: string, agentId: string, id: string): Promise<void> {
    if ((await this.voiceWebhooks.deleteOne({ _id: id, tenantId, agentId })).deletedCount === 0) throw notFound('voice webhook', id);
  }
}

/** Provider calls as their events arrive; one document per (voice integration, provider call). */
export class VoiceCallRepo {
  constructor(readonly col: DocCollection<VoiceCallDoc>) {}

  /** Records the latest CallData of a call; an analyzed snapshot is never replaced by a poorer one. */
  async record(
    key: Pick<VoiceCallDoc, 'tenantId' | 'agentId' | 'integrationId' | 'providerCallId' | 'outboundCallId'>,
    call: CallData,
    analyzed: boolean,
  ): Promise<VoiceCallDoc> {
    const _id = `${key.integrationId}:${key.providerCallId}`;
    const now = new Date().toISOString();
    await this.col.updateOne({ _id }, { $setOnInsert: { ...key, call, analyzed, synced: false, updatedAt: now } }, { upsert: true });
    await this.col.updateOne(analyzed ? { _id } : { _id, analyzed: false }, { $set: { call, analyzed, updatedAt: now } });
    return (await this.col.findOne({ _id }))!;
  }

  /** One call by its id. */
  async byId(id: string): Promise<VoiceCallDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Marks the call synced; false when it already was. */
  async markSynced(id: string): Promise<boolean> {
    const res = await this.col.updateOne({ _id: id, synced: false }, { $set: { synced: true, syncedAt: new Date().toISOString() } });
    return res.matchedCount === 1;
  }
}

/** Fixed-window request counters in the store, so the limit holds across hub processes. */
export class RateWindowRepo {
  constructor(readonly col: DocCollection<{ _id: string; key: string; window: number; n: number }>) {}

  /** Counts one request for `key`; returns whether it is allowed and, if not, when to come back. */
  async hit(
    key: string,
    limit: { requests: number; perMs: number },
    now = Date.now(),
  ): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const window = Math.floor(now / limit.perMs);
    const doc = await this.col.findOneAndUpdate(
      { _id: `${key}:${window}` },
      { $inc: { n: 1 }, $set: { key, window } },
      { upsert: true, returnDocument: 'after' },
    );
    // The first hit of a window clears the ones before it, so counters do not pile up.
    if (doc?.n === 1) await this.col.deleteMany({ key, window: { $lt: window } });
    return { allowed: (doc?.n ?? 1) <= limit.requests, retryAfterMs: (window + 1) * limit.perMs - now };
  }
}
