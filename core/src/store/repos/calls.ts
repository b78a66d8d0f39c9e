import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../types.js';
import { isDuplicateKeyError } from '../errors.js';
import { notFound } from '../../errors/hub-error.js';
import type { CallData } from '../../sync/call-data.js';
import type { CallDoc } from './documents.js';

/** Which call: tenant, agent and the platform's call id. */
export type CallKey = { tenantId: string; agentId: string; callId: string };

/** One string per call, for sets. */
export function callKey(c: CallKey): string {
  return JSON.stringify([c.tenantId, c.agentId, c.callId]);
}

/** Calls as received; the unique (tenant, agent, call_id) index makes a repeat delivery a no-op. */
export class CallRepo {
  constructor(readonly col: DocCollection<CallDoc>) {}

  /** Creates the indexes this repository relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, agentId: 1, callId: 1 }, { unique: true });
    // The caller lookup while a call rings (answered within a second), and retention by age.
    await this.col.createIndex({ tenantId: 1, agentId: 1, 'data.customer_phone': 1, receivedAt: -1 });
    await this.col.createIndex({ receivedAt: 1 });
  }

  /**
   * Removes calls received before `cutoff` (ISO), except those `pinned` names (calls a job still needs:
   * queued, running or dead-lettered), in batches by _id; answers how many went.
   */
  async pruneBefore(cutoff: string, pinned: (calls: CallKey[]) => Promise<CallKey[]>): Promise<number> {
    let removed = 0;
    for (let after = ''; ;) {
      const batch = await this.col
        .find(
          { receivedAt: { $lt: cutoff }, _id: { $gt: after } },
          { sort: { _id: 1 }, limit: 500, projection: { tenantId: 1, agentId: 1, callId: 1 } },
        )
        .toArray();
      if (batch.length === 0) return removed;
      after = batch[batch.length - 1]._id;
      const keep = new Set((await pinned(batch)).map(callKey));
      const ids = batch.filter((c) => !keep.has(callKey(c))).map((c) => c._id);
      if (ids.length > 0) removed += (await this.col.deleteMany({ _id: { $in: ids } })).deletedCount;
    }
  }

  /** A caller's latest call with an agent, or null. */
  async lastFromPhone(tenantId: string, agentId: string, phone: string): Promise<CallDoc | null> {
    return this.col.findOne({ tenantId, agentId, 'data.customer_phone': phone }, { sort: { receivedAt: -1 } });
  }

  /** Stores a call once; `created` is false when it was already there (then the stored one is returned). */
  async record(
    tenantId: string,
    agentId: string,
    data: CallData,
    receivedAt = new Date().toISOString(),
  ): Promise<{ call: CallDoc; created: boolean }> {
    const doc: CallDoc = { _id: `call_${randomUUID()}`, tenantId, agentId, callId: data.call_id, data, receivedAt };
    try {
      await this.col.insertOne(doc);
      return { call: doc, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.col.findOne({ tenantId, agentId, callId: data.call_id });
      if (!existing) throw err;
      return { call: existing, created: false };
    }
  }

  /** A tenant's call by its call_id, or null. */
  async find(tenantId: string, agentId: string, callId: string): Promise<CallDoc | null> {
    return this.col.findOne({ tenantId, agentId, callId });
  }

  /** A tenant's call by its call_id. */
  async get(tenantId: string, agentId: string, callId: string): Promise<CallDoc> {
    const doc = await this.col.findOne({ tenantId, agentId, callId });
    if (!doc) throw notFound('call', callId);
    return doc;
  }
}
