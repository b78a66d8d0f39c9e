import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../store/types.js';
import { isDuplicateKeyError } from '../store/errors.js';
import { notFound } from '../errors/hub-error.js';
import type { OutboundCallDoc, OutboundState } from './documents.js';

/** States in the order a call goes through them; `failed` sits outside the order. */
export const STATE_ORDER: readonly OutboundState[] = ['queued', 'dialing', 'in_progress', 'ended', 'analyzed', 'synced'];

/** Every state a call can be in: the order, then `failed`. */
export const OUTBOUND_STATES: readonly OutboundState[] = [...STATE_ORDER, 'failed'];

/** The states a call may move to `to` from: only forward, so late or repeated events never move it back. */
export function statesBefore(to: OutboundState): OutboundState[] {
  if (to === 'failed') return ['queued', 'dialing'];
  const before = STATE_ORDER.slice(0, STATE_ORDER.indexOf(to));
  // Provider events prove a call was placed even when the hub lost track of the answer (failed as unknown).
  return to === 'dialing' ? before : [...before, 'failed'];
}

/** What a new outbound call is made of. */
export type NewOutboundCall = Omit<OutboundCallDoc, '_id' | 'state' | 'history' | 'createdAt' | 'updatedAt'>;

/** Outbound calls; the unique (webhook, idempotency key) index makes a repeated trigger find the first call. */
export class OutboundCallRepo {
  constructor(readonly col: DocCollection<OutboundCallDoc>) {}

  /** Creates the indexes this repository relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ webhookId: 1, idemKey: 1 }, { unique: true });
    await this.col.createIndex({ state: 1, createdAt: 1 });
    await this.col.createIndex({ tenantId: 1, agentId: 1, createdAt: -1 });
  }

  /**
   * Stores the call unless the webhook already has one under the same key whose window is still
   * open; then that one is returned. An expired key is renamed away first, so the same request made
   * again later (tomorrow's reminder call) is a new call.
   */
  async createOnce(input: NewOutboundCall, now = Date.now()): Promise<{ call: OutboundCallDoc; created: boolean }> {
    const iso = new Date(now).toISOString();
    const doc: OutboundCallDoc = {
      ...input,
      _id: `obc_${randomUUID()}`,
      state: 'queued',
      history: [{ state: 'queued', at: iso }],
      createdAt: iso,
      updatedAt: iso,
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.col.insertOne(doc);
        return { call: doc, created: true };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const existing = await this.col.findOne({ webhookId: input.webhookId, idemKey: input.idemKey });
      if (existing && existing.idemExpiresAt > now) return { call: existing, created: false };
      if (existing)
        await this.col.updateOne({ _id: existing._id, idemKey: input.idemKey }, { $set: { idemKey: `${input.idemKey}~${existing._id}` } });
    }
    throw new Error(`could not store outbound call for key ${input.idemKey}`);
  }

  /** A tenant's outbound call; 404 for anyone else's. */
  async get(tenantId: string, agentId: string, id: string): Promise<OutboundCallDoc> {
    const doc = await this.col.findOne({ _id: id, tenantId, agentId });
    if (!doc) throw notFound('outbound call', id);
    return doc;
  }

  /** An agent's outbound calls, newest first, optionally in one state. */
  async list(tenantId: string, agentId: string, opts: { state?: OutboundState; limit: number }): Promise<OutboundCallDoc[]> {
    const filter = { tenantId, agentId, ...(opts.state ? { state: opts.state } : {}) };
    return this.col.find(filter, { sort: { createdAt: -1, _id: -1 }, limit: opts.limit }).toArray();
  }

  /** By id alone (the worker, provider events that carry the id in their metadata). */
  async byId(id: string): Promise<OutboundCallDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Moves the call forward to `to` (with extra fields); null when it is already there or past it. */
  async advance(id: string, to: OutboundState, set: Record<string, unknown> = {}): Promise<OutboundCallDoc | null> {
    const at = new Date().toISOString();
    return this.col.findOneAndUpdate(
      { _id: id, state: { $in: statesBefore(to) } },
      { $set: { ...set, state: to, updatedAt: at }, $push: { history: { state: to, at } } },
      { returnDocument: 'after' },
    );
  }

  /** Puts a call whose placement was refused for now (rate limit) back to queued. */
  async requeue(id: string, error: Record<string, unknown>): Promise<void> {
    const at = new Date().toISOString();
    await this.col.updateOne(
      { _id: id, state: 'dialing', providerCallId: { $exists: false } },
      { $set: { state: 'queued', error, updatedAt: at }, $push: { history: { state: 'queued', at } } },
    );
  }

  /** Sets fields without changing the state. */
  async set(id: string, set: Record<string, unknown>): Promise<void> {
    await this.col.updateOne({ _id: id }, { $set: { ...set, updatedAt: new Date().toISOString() } });
  }

  /** Calls still queued after `olderThanMs`: the recovery sweep makes sure each has its job. */
  async staleQueued(olderThanMs: number, limit = 100): Promise<OutboundCallDoc[]> {
    return this.col.find({ state: 'queued', createdAt: { $lt: new Date(Date.now() - olderThanMs).toISOString() } }, { limit }).toArray();
  }
}
