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
 * finished syncs per UTC day and integration type. The queue owns writing jobs and their indexes,
 * which serve these reads: (tenantId, agentId, callId, …) and (tenantId, finishedAt).
 */
export class JobReports {
  constructor(readonly col: DocCollection<JobDoc>) {}

  /** Every job of the given calls of one agent, oldest first (the order integrations were added). */
  async forCalls(tenantId: string, agentId: string, callIds: string[]): Promise<JobDoc[]> {
    if (!callIds.length) return [];
    return this.col.find({ tenantId, agentId, callId: { $in: callIds } }, { sort: { createdAt: 1 } }).toArray();
  }

  /**
   * Succeeded and failed syncs per type on each of the given UTC days (YYYY-MM-DD), for a tenant or
   * one of its agents, counted by the store: one aggregation per day over the finishedAt index, as
   * FerretDB 1.x cannot compute a day inside $group.
   */
  async daily(tenantId: string, days: string[], agentId?: string): Promise<DailyBucket[]> {
    const perDay = await Promise.all(
      days.map(async (date) => {
        const next = new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString();
        const match: Filter = {
          tenantId,
          status: { $in: ['succeeded', 'failed'] },
          finishedAt: { $gte: `${date}T00:00:00.000Z`, $lt: next },
        };
        if (agentId) match.agentId = agentId;
        const rows = await this.col
          .aggregate<{ _id: { type: string; status: 'succeeded' | 'failed' }; n: number }>([
            { $match: match },
            { $group: { _id: { type: '$type', status: '$status' }, n: { $sum: 1 } } },
          ])
          .toArray();
        const byType = new Map<string, DailyBucket>();
        for (const { _id, n } of rows) {
          const b =
            byType.get(_id.type) ?? byType.set(_id.type, { date, type: _id.type, total: 0, succeeded: 0, failed: 0 }).get(_id.type)!;
          b[_id.status] += n;
          b.total += n;
        }
        return [...byType.values()];
      }),
    );
    return perDay.flat();
  }

  /**
   * How many jobs of each status match `filter`, counted by the store (an aggregation), so a
   * tenant's history is never loaded to be counted.
   */
  async countByStatus(filter: Filter): Promise<Partial<Record<JobDoc['status'], number>>> {
    const rows = await this.col
      .aggregate<{ _id: JobDoc['status']; n: number }>([{ $match: filter }, { $group: { _id: '$status', n: { $sum: 1 } } }])
      .toArray();
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  /** Succeeded and failed syncs per integration type of one tenant (finished since `since`, if given). */
  async finishedByType(tenantId: string, since?: string): Promise<Map<string, { succeeded: number; failed: number }>> {
    const match: Filter = { tenantId, status: { $in: ['succeeded', 'failed'] } };
    if (since) match.finishedAt = { $gte: since };
    // Grouped by (type, status) and folded here: FerretDB 1.x has no $cond inside $group.
    const rows = await this.col
      .aggregate<{ _id: { type: string; status: 'succeeded' | 'failed' }; n: number }>([
        { $match: match },
        { $group: { _id: { type: '$type', status: '$status' }, n: { $sum: 1 } } },
      ])
      .toArray();
    const byType = new Map<string, { succeeded: number; failed: number }>();
    for (const { _id, n } of rows) {
      const row = byType.get(_id.type) ?? byType.set(_id.type, { succeeded: 0, failed: 0 }).get(_id.type)!;
      row[_id.status] += n;
    }
    return byType;
  }
}
