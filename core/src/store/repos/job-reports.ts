import type { DocCollection, Filter } from '../types.js';
import type { JobDoc } from './documents.js';

/** One UTC day's finished syncs of one integration type. */
export interface DailyBucket {
  date: string;
  type: string;
  total: number;
  succeeded: number;
  failed: number;
}

/**
 * Read-only reports over the jobs collection for the console: the jobs of a page of calls, and
 * finished syncs per UTC day and integration type. The queue owns writing jobs.
 */
export class JobReports {
  constructor(readonly col: DocCollection<JobDoc>) {}

  /** Creates the index the daily report uses. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, finishedAt: -1 });
  }

  /** Every job of the given calls of one agent, oldest first (the order integrations were added). */
  async forCalls(tenantId: string, agentId: string, callIds: string[]): Promise<JobDoc[]> {
    if (!callIds.length) return [];
    return this.col.find({ tenantId, agentId, callId: { $in: callIds } }, { sort: { createdAt: 1 } }).toArray();
  }

  /**
   * Succeeded and failed syncs per UTC day and type since `fromDay` (YYYY-MM-DD), for a tenant or
   * one of its agents. Only the three fields the buckets need are read.
   */
  async daily(tenantId: string, fromDay: string, agentId?: string): Promise<DailyBucket[]> {
    const filter: Filter = { tenantId, status: { $in: ['succeeded', 'failed'] }, finishedAt: { $gte: `${fromDay}T00:00:00.000Z` } };
    if (agentId) filter.agentId = agentId;
    const jobs = await this.col.find(filter, { projection: { type: 1, status: 1, finishedAt: 1 } }).toArray();
    const buckets = new Map<string, DailyBucket>();
    for (const j of jobs) {
      const date = String(j.finishedAt).slice(0, 10);
      const key = `${date} ${j.type}`;
      const b = buckets.get(key) ?? buckets.set(key, { date, type: j.type, total: 0, succeeded: 0, failed: 0 }).get(key)!;
      b.total++;
      if (j.status === 'succeeded') b.succeeded++;
      else b.failed++;
    }
    return [...buckets.values()];
  }

  /**
   * How many jobs of each status match `filter`, counted by the store (an aggregation), so a
   * tenant's history is never loaded to be counted.
   */
  async countByStatus(filter: Filter): Promise<Partial<Record<JobDoc['status'], number>>> {
    const rows = await this.col.aggregate<{ _id: JobDoc['status']; n: number }>([{ $match: filter }, { $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  /** Succeeded and failed syncs per integration type of one tenant (finished since `since`, if given). */
  async finishedByType(tenantId: string, since?: string): Promise<Map<string, { succeeded: number; failed: number }>> {
    const match: Filter = { tenantId, status: { $in: ['succeeded', 'failed'] } };
    if (since) match.finishedAt = { $gte: since };
    // Grouped by (type, status) and folded here: FerretDB 1.x has no $cond inside $group.
    const rows = await this.col.aggregate<{ _id: { type: string; status: 'succeeded' | 'failed' }; n: number }>([{ $match: match }, { $group: { _id: { type: '$type', status: '$status' }, n: { $sum: 1 } } }]).toArray();
    const byType = new Map<string, { succeeded: number; failed: number }>();
    for (const { _id, n } of rows) {
      const row = byType.get(_id.type) ?? byType.set(_id.type, { succeeded: 0, failed: 0 }).get(_id.type)!;
      row[_id.status] += n;
    }
    return byType;
  }
}
