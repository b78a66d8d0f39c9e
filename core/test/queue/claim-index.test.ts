import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, type OpenedTestEngine } from '@hub/store/testing';
import type { JobDoc } from '../../src/store/repos/documents.js';
import { JobQueue, queueStoreOptions } from '../../src/queue/job-queue.js';

/** The plan stages of an explain() answer, flattened (inputStage, inputStages, queryPlan). */
function stages(plan: Record<string, unknown> | undefined): string[] {
  if (!plan) return [];
  const inner = [plan.inputStage, plan.queryPlan, ...((plan.inputStages as unknown[]) ?? [])] as (Record<string, unknown> | undefined)[];
  return [String(plan.stage), ...inner.flatMap((p) => stages(p))];
}

const mongo = testEngines().find((t) => t.name === 'mongodb');

/** The claim's query (as JobQueue runs it), explained by the server. */
async function explainClaim(opened: OpenedTestEngine): Promise<Record<string, any>> {
  // The engine's collection on MongoDB is the driver's own Collection.
  const raw = opened.engine.collection<JobDoc>('jobs') as unknown as {
    find(f: object): { sort(s: object): { limit(n: number): { explain(v: string): Promise<Record<string, any>> } } };
  };
  const now = Date.now();
  return raw
    .find({
      $or: [
        { status: 'queued', runAt: { $lte: now } },
        { status: 'running', leaseUntil: { $lt: now } },
      ],
    })
    .sort({ lane: 1, runAt: 1 })
    .limit(1)
    .explain('queryPlanner');
}

// Only a MongoDB-protocol server's planner is in question here: the embedded engine answers the
// claim from its own ordered index (perf suite).
describe.runIf(mongo !== undefined)('the claim query on MongoDB', () => {
  let opened: OpenedTestEngine;
  beforeAll(async () => {
    opened = await mongo!.open();
    const queue = new JobQueue(opened.engine.collection<JobDoc>('jobs'), undefined, queueStoreOptions(opened.engine));
    await queue.ensureIndexes();
    for (let i = 0; i < 50; i++)
      await queue.enqueue({ tenantId: 't', agentId: 'a', callId: `c${i}`, integrationId: 'i', type: 'x', lane: i % 2 });
  });
  afterAll(() => opened?.dispose());

  it('uses the claim index, without a blocking sort', async (ctx) => {
    const explained = await explainClaim(opened);
    if (opened.ferretdb) {
      // FerretDB 1.x answers explain with its SQLite plan and what it pushed down to SQLite.
      expect(typeof explained.filterPushdown).toBe('boolean');
      if (!explained.filterPushdown && !explained.sortPushdown)
        ctx.skip(
          `FerretDB ${explained.serverInfo?.ferretdbVersion ?? '1.x'} (SQLite) pushes down only {_id: <value>} filters and $natural sorts: ` +
            `its explain() of the claim says filterPushdown=false, sortPushdown=false (a scan of every job, filtered and sorted in FerretDB), ` +
            `so there is no index use to check; MongoDB runs this test`,
        );
    }
    const plan = stages(explained.queryPlanner.winningPlan);
    expect(plan).toContain('IXSCAN');
    expect(plan).not.toContain('SORT');
    expect(plan).not.toContain('COLLSCAN');
  });
});
