// Claim rate of the job queue on the embedded store with a large backlog: the cost of one claim
// must not grow with the number of queued jobs. Run: pnpm exec tsx test/bench/claims.bench.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobQueue, LANES, type JobDoc } from '@hub/core';
import { openEmbeddedEngine } from '@hub/store';
import { report } from './bench-kit.js';

const backlog = Number(process.env.BENCH_BACKLOG ?? 100_000);
const claimBudgetMs = Number(process.env.BENCH_CLAIM_MS ?? 5_000);
const maxClaims = Number(process.env.BENCH_CLAIMS ?? 5_000);

/** Claims ten at a time (they share a journal sync) and marks them done, until the budget or count runs out; returns claims/s. */
async function claimRate(queue: JobQueue): Promise<{ claims: number; perSecond: number }> {
  const started = performance.now();
  let claims = 0;
  while (claims < maxClaims && performance.now() - started < claimBudgetMs) {
    // Ten claims in flight share one journal sync, as a worker's concurrent slots do.
    const jobs = (await Promise.all(Array.from({ length: 10 }, () => queue.claim('bench', 60_000)))).filter((j) => j !== null);
    if (jobs.length === 0) break;
    // A worker finishes what it claims, so the running set stays as small as its concurrency.
    await Promise.all(jobs.map((j) => queue.succeed(j._id, j.leaseToken!)));
    claims += jobs.length;
  }
  return { claims, perSecond: Math.round((claims / (performance.now() - started)) * 1000) };
}

/** Fills a queue with `count` due jobs (a tenth of them in the backfill lane, a tenth due later). */
async function fill(queue: JobQueue, count: number): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < count; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, count - i) }, (_, k) => {
        const n = i + k;
        return queue.enqueue(
          {
            tenantId: 't1',
            agentId: 'a1',
            callId: `c${n}`,
            integrationId: `i${n % 40}`,
            type: 'zapier',
            lane: n % 10 === 0 ? LANES.backfill : LANES.live,
            runAt: n % 10 === 5 ? now + 3_600_000 : now - (count - n),
          },
          { notify: false },
        );
      }),
    );
  }
}

/** Runs the benchmark and returns its figures (also used by the bench table). */
export async function claimBench(): Promise<{ backlog: number; fillMs: number; claims: number; perSecond: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-claim-bench-'));
  const store = await openEmbeddedEngine({ dir });
  try {
    const queue = new JobQueue(store.collection<JobDoc>('jobs'));
    await queue.ensureIndexes();
    const started = performance.now();
    await fill(queue, backlog);
    const fillMs = Math.round(performance.now() - started);
    return { backlog, fillMs, ...(await claimRate(queue)) };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await claimBench();
  report('claims', { backlog: r.backlog, fill_ms: r.fillMs, claims: r.claims, per_s: r.perSecond });
}
