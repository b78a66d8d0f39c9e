import { randomUUID } from 'node:crypto';
import { notFound } from '../errors/hub-error.js';
import { LANES } from '../queue/job-queue.js';
import type { CallData } from '../sync/call-data.js';
import type { DocCollection } from '../store/types.js';
import type { JobStatus } from '../store/repos/documents.js';
import type { HubServices } from '../services.js';
import { ingestCall } from './calls-service.js';

/** The most calls one bulk request may carry. */
export const MAX_IMPORT_CALLS = 10_000;
/** Line errors kept on an import (the counts stay exact beyond it). */
const MAX_ERRORS_KEPT = 1000;
/** Calls written at once: enough to fill the journal's group commits, few enough to bound memory. */
const WRITE_BATCH = 200;

/** Why one line of a bulk import was refused. */
export interface ImportLineError {
  line: number;
  call_id?: string;
  field: string;
  message: string;
}

/** One bulk import of past calls; its jobs carry its id and run in the backfill lane. */
export type ImportDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  /** lines seen, accepted (new or already stored) and rejected */
  total: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: ImportLineError[];
  createdAt: string;
};

/** What the bulk endpoint answers. */
export interface ImportResult {
  import_id: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: ImportLineError[];
}

function importsOf(hub: HubServices): DocCollection<ImportDoc> {
  return hub.engine.collection<ImportDoc>('imports');
}

/**
 * Stores valid past calls as the sync endpoint does (idempotent on call_id, same sync conditions),
 * but queues their jobs in the backfill lane so live calls are claimed first. Writes go in batches so
 * the journal commits many at once; the answer comes once every accepted call and job is durable.
 */
export async function importCalls(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  calls: { line: number; call: CallData }[],
  errors: ImportLineError[],
  rejected: number,
): Promise<ImportResult> {
  const id = `imp_${randomUUID()}`;
  let duplicates = 0;
  for (let i = 0; i < calls.length; i += WRITE_BATCH) {
    const batch = calls.slice(i, i + WRITE_BATCH);
    const results = await Promise.all(
      batch.map(({ call }) => ingestCall(hub, tenantId, agentId, call, { lane: LANES.backfill, importId: id })),
    );
    duplicates += results.filter((r) => r.duplicate).length;
  }
  const kept = errors.slice(0, MAX_ERRORS_KEPT);
  const doc: ImportDoc = {
    _id: id,
    tenantId,
    agentId,
    total: calls.length + rejected,
    accepted: calls.length,
    duplicates,
    rejected,
    errors: kept,
    createdAt: new Date().toISOString(),
  };
  await importsOf(hub).insertOne(doc);
  return { import_id: id, accepted: calls.length, duplicates, rejected, errors: kept };
}

const COUNTED: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'skipped'];

/** An import with the progress of its sync jobs (backfilled calls that were already stored count as duplicates, not jobs). */
export async function importProgress(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  importId: string,
): Promise<Record<string, unknown>> {
  const doc = await importsOf(hub).findOne({ _id: importId, tenantId, agentId });
  if (!doc) throw notFound('import', importId);
  const byStatus = await hub.repos.jobReports.countByStatus({ importId, tenantId });
  const jobs = Object.fromEntries(COUNTED.map((s) => [s, byStatus[s] ?? 0])) as Record<JobStatus, number>;
  const total = COUNTED.reduce((sum, s) => sum + jobs[s], 0);
  const finished = jobs.succeeded + jobs.failed + jobs.skipped;
  return {
    import_id: doc._id,
    agent_id: doc.agentId,
    created_at: doc.createdAt,
    status: finished === total ? 'done' : 'syncing',
    total: doc.total,
    accepted: doc.accepted,
    duplicates: doc.duplicates,
    rejected: doc.rejected,
    errors: doc.errors,
    jobs: { total, ...jobs },
    progress_percent: total === 0 ? 100 : Math.floor((finished / total) * 1000) / 10,
  };
}
