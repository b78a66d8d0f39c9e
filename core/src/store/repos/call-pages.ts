import type { DocCollection, Filter } from '../types.js';
import type { CallDoc } from './documents.js';

/** Which calls of an agent to read, newest first. */
export interface CallPageQuery {
  tenantId: string;
  agentId: string;
  /** received at or after (ISO) */
  since?: string;
  /** received before (ISO) */
  until?: string;
  /** the call after which to continue (the previous page's last call), as a stored call */
  after?: Pick<CallDoc, '_id' | 'receivedAt'>;
  limit: number;
}

/**
 * Reads over the calls collection for listings: an agent's calls newest first (receivedAt, then
 * _id, so pages never skip or repeat a call that shares a timestamp) and each agent's latest call.
 * Plain find with projection and sort, which both store engines serve.
 */
export class CallPages {
  constructor(readonly col: DocCollection<CallDoc>) {}

  /** Creates the index the newest-first listing uses. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, agentId: 1, receivedAt: -1 });
  }

  /** One page of an agent's calls, newest first. */
  async page(q: CallPageQuery): Promise<CallDoc[]> {
    const received: Record<string, string> = {};
    if (q.since) received.$gte = q.since;
    if (q.until) received.$lt = q.until;
    const filter: Filter = { tenantId: q.tenantId, agentId: q.agentId, ...(Object.keys(received).length ? { receivedAt: received } : {}) };
    if (q.after) filter.$or = [{ receivedAt: { $lt: q.after.receivedAt } }, { receivedAt: q.after.receivedAt, _id: { $lt: q.after._id } }];
    return this.col.find(filter, { sort: { receivedAt: -1, _id: -1 }, limit: q.limit }).toArray();
  }

  /**
   * The latest receivedAt of each agent of a tenant that has calls: the agents come from an
   * aggregation, each one's latest call from the (tenant, agent, receivedAt) index, so no call
   * history is loaded.
   */
  async lastCallByAgent(tenantId: string): Promise<Map<string, string>> {
    const agents = await this.col.aggregate<{ _id: string }>([{ $match: { tenantId } }, { $group: { _id: '$agentId' } }]).toArray();
    const latest = await Promise.all(
      agents.map(({ _id: agentId }) =>
        this.col.findOne({ tenantId, agentId }, { sort: { receivedAt: -1 }, projection: { receivedAt: 1 } }),
      ),
    );
    const last = new Map<string, string>();
    agents.forEach(({ _id }, n) => {
      const at = latest[n]?.receivedAt;
      if (at) last.set(_id, at);
    });
    return last;
  }
}
