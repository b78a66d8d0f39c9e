import { randomUUID } from 'node:crypto';
import type { DocCollection, Filter } from '../types.js';
import type { SyncLogDoc } from './documents.js';
import { decodeKeys, encodeKeys } from '../stored-keys.js';

/** Filters for reading sync logs. */
export interface SyncLogQuery {
  tenantId: string;
  agentId?: string;
  status?: SyncLogDoc['status'];
  integrationId?: string;
  since?: string;
  limit?: number;
}

/** Per-type sync figures: the original spec's "sync stats by integration type". */
export interface TypeStats {
  type: string;
  agents_connected: number;
  total_syncs: number;
  successful_syncs: number;
  failed_syncs: number;
  success_rate_percent: number | null;
}

/** Every attempt at every step, secret-free. */
export class SyncLogRepo {
  constructor(readonly col: DocCollection<SyncLogDoc>) {}

  /** Creates the indexes this repository relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, agentId: 1, createdAt: -1 });
    await this.col.createIndex({ tenantId: 1, integrationId: 1, createdAt: -1 });
    await this.col.createIndex({ createdAt: 1 });
  }

  /** Removes entries written before `cutoff` (ISO); answers how many. */
  async pruneBefore(cutoff: string): Promise<number> {
    return (await this.col.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
  }

  /** Appends one entry. */
  async add(entry: Omit<SyncLogDoc, '_id' | 'createdAt'>): Promise<void> {
    const crmIds = entry.crmIds === undefined ? {} : { crmIds: encodeKeys(entry.crmIds) };
    await this.col.insertOne({ ...entry, ...crmIds, _id: `log_${randomUUID()}`, createdAt: new Date().toISOString() });
  }

  /** Newest first. */
  async list(q: SyncLogQuery): Promise<SyncLogDoc[]> {
    const filter: Filter = { tenantId: q.tenantId };
    if (q.agentId) filter.agentId = q.agentId;
    if (q.status) filter.status = q.status;
    if (q.integrationId) filter.integrationId = q.integrationId;
    if (q.since) filter.createdAt = { $gte: q.since };
    const logs = await this.col.find(filter, { sort: { createdAt: -1 }, limit: q.limit ?? 100 }).toArray();
    return logs.map((l) => (l.crmIds === undefined ? l : { ...l, crmIds: decodeKeys(l.crmIds) }));
  }
}
