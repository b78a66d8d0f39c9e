// Deliveries per second: 40 Zapier integrations on one agent and 250 calls queued (10,000 jobs),
// drained by the hub's worker; beside a bare loop POSTing the same 10,000 payloads to the same
// simulator in the same run. The hooks' budget is lifted (HUB_CONNECTOR_OVERRIDES) so that, like the
// bare loop, the hub is measured and not Zapier's 25/s per hook: 40 hooks at that budget cap the hub
// at 960/s, and a half of the backlog drained at the cap says nothing about the hub.
// Warm-up: a freshly started process runs its first ~2-3 s at about half speed while V8 compiles the
// hot paths, a fixed cost that is a third of the first half and says nothing about queue length,
// which is what the halves compare. So a warm-up backlog (BENCH_WARMUP_CALLS calls to the same 40
// hooks, default 100 = 4,000 jobs, ~3 s) is queued before the measured one, by the same hub with
// HUB_WORKER=0; the draining hub claims in due order, so it delivers the warm-up jobs first, through
// the same path (claim, runtime, mapping, HTTP to the same hooks), and they are not counted. Only the
// draining process (its JIT, sockets and in-memory caches) is warmed; every measured job is queued
// before the drain starts and 10,000 wait when the first of them is claimed. The bare loop's process
// POSTs the same number of warm-up payloads before it starts its clock. BENCH_WARMUP_CALLS=0 gives
// the cold-start figures (process start-up inside the first half).
// Run: pnpm exec tsx test/bench/deliveries.bench.ts (BENCH_CALLS, BENCH_HOOKS, BENCH_WARMUP_CALLS,
// BENCH_PROFILE_DIR, BENCH_HOOK_RATE: requests per second per hook, `manifest` for Zapier's own;
// BENCH_TIMELINE=1)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { ROOT } from '../helpers/hub.js';
import { benchCall, benchData, connectHooks, cpuMs, removeData, report, startBenchHub, type BenchHub } from './bench-kit.js';

const hooks = Number(process.env.BENCH_HOOKS ?? 40);
const calls = Number(process.env.BENCH_CALLS ?? 250);
const total = hooks * calls;
const warmCalls = Number(process.env.BENCH_WARMUP_CALLS ?? 100);
const warmJobs = hooks * warmCalls;
const concurrency = process.env.BENCH_WORKER_CONCURRENCY ?? '16';
const hookRate = process.env.BENCH_HOOK_RATE ?? '100000';
const budget: Record<string, string> =
  hookRate === 'manifest'
    ? {}
    : { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ zapier: { rateLimit: { requests: Number(hookRate), perMs: 1000 } } }) };

const zap = await startZapierSim({ perSecond: 1_000_000 });
const data = await benchData();
try {
  // Queue the whole backlog with the worker off, then start a hub that only drains it.
  const started = performance.now();
  const ingest = await startBenchHub(data, { HUB_WORKER: '0' });
  await connectHooks(ingest, 'agent_bench', zap.url, hooks);
  // Warm-up calls first (`w*`): their jobs are due first, so the draining hub delivers them first.
  await queueCalls(ingest, 'w', warmCalls);
  await queueCalls(ingest, 'd', calls);
  await ingest.stop();

  const ingested = performance.now();
  // The simulator runs in this process and is measured in both runs: warm it (its JIT) before either.
  const warmUp = Number(process.env.BENCH_SIM_WARMUP ?? 2000);
  if (warmUp > 0) await bareLoop(`${zap.url}/hooks/catch/warm/up/`, warmUp);
  // Connecting a hook sends it a test payload: those came before the drain and are not part of it.
  const drainFrom = Date.now();
  // Counting, not copying: the simulator's find() clones every payload.
  const caught = zap.state.collection('payloads');
  const before = caught.size;
  // BENCH_PROFILE_DIR=<dir> writes a CPU profile of the draining hub there (node --cpu-prof).
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  // BENCH_NODE_FLAGS: more node flags for the draining hub (V8 and GC experiments).
  const flags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  const hub = await startBenchHub(data, { HUB_WORKER_CONCURRENCY: concurrency, ...budget }, [...profile, ...flags]);
  const deadline = Date.now() + 180_000;
  // The hub's CPU time at each second from its first delivery (BENCH_TIMELINE), and once the warm-up
  // jobs are delivered: the measured jobs' CPU is counted from there.
  const cpuTimeline: number[] = [];
  let cpuStart: number | undefined;
  let sampled = 0;
  while (caught.size < before + warmJobs + total && Date.now() < deadline) {
    if (cpuTimeline.length === 0 && caught.size > before) [cpuTimeline[0], sampled] = [await cpuMs(hub.pid), Date.now()];
    else if (cpuTimeline.length > 0 && Date.now() - sampled >= 1000) {
      cpuTimeline.push(await cpuMs(hub.pid));
      sampled += 1000;
    }
    if (cpuStart === undefined && caught.size >= before + Math.max(1, warmJobs)) cpuStart = await cpuMs(hub.pid);
    await new Promise((r) => setTimeout(r, 20));
  }
  const cpu = cpuStart === undefined ? NaN : (await cpuMs(hub.pid)) - cpuStart;
  const rss = await hub.rssMb();
  await hub.stop();
  const drained = zap.caught().filter((p) => p.at >= drainFrom);
  const times = (prefix: string) =>
    drained
      .filter((p) => String((p.body as { call?: { call_id?: unknown } }).call?.call_id).startsWith(prefix))
      .map((p) => p.at)
      .sort((x, y) => x - y);
  const [warmAt, at] = [times('w'), times('d')];
  if (at.length < total || warmAt.length < warmJobs)
    throw new Error(`only ${warmAt.length} of ${warmJobs} warm-up and ${at.length} of ${total} jobs were delivered in time`);
  const half = Math.floor(total / 2);
  const rate = (t: number[], from: number, to: number) => Math.round(((to - from) / Math.max(1, t[to - 1] - t[from])) * 1000);
  const hubRate = rate(at, 0, total);

  // BENCH_TIMELINE=1: deliveries (warm-up and measured) in each second of the drain, to see where it slows down.
  if (process.env.BENCH_TIMELINE) {
    const all = drained.map((p) => p.at).sort((x, y) => x - y);
    const perSecond: number[] = [];
    for (const t of all) perSecond[Math.floor((t - all[0]) / 1000)] = (perSecond[Math.floor((t - all[0]) / 1000)] ?? 0) + 1;
    console.error(`deliveries in each second: ${perSecond.join(' ')} (measured from ${((at[0] - all[0]) / 1000).toFixed(1)} s)`);
    console.error(
      `hub CPU ms in each second: ${cpuTimeline
        .slice(1)
        .map((c, i) => Math.round(c - cpuTimeline[i]))
        .join(' ')}`,
    );
  }
  console.error(
    `deliveries: queued ${warmJobs} warm-up and ${total} jobs in ${Math.round(ingested - started)} ms; ` +
      `warm-up drained in ${warmJobs ? warmAt[warmJobs - 1] - warmAt[0] : 0} ms, the backlog in ${at[total - 1] - at[0]} ms`,
  );
  const bare = await bareLoop(`${zap.url}/hooks/catch/bare/loop/`, total, warmJobs);
  report('deliveries', {
    jobs: total,
    hook_rate: hookRate,
    warmup_jobs: warmJobs,
    warmup_per_s: warmJobs ? rate(warmAt, 0, warmJobs) : 0,
    hub_per_s: hubRate,
    first_half_per_s: rate(at, 0, half),
    second_half_per_s: rate(at, half, total),
    bare_per_s: bare,
    ratio: Number((hubRate / bare).toFixed(3)),
    first_vs_second: Number((rate(at, 0, half) / rate(at, half, total)).toFixed(2)),
    hub_cpu_percent: Math.round((cpu / Math.max(1, at[total - 1] - at[0])) * 100),
    hub_cpu_us_per_job: Math.round((cpu * 1000) / total),
    rss_mb: Math.round(rss),
  });
} finally {
  await zap.close();
  await removeData(data.dataDir);
}

/** Queues `count` calls (ids `<prefix><n>`, ten requests in flight) on the agent's hooks through `hub`'s API. */
async function queueCalls(hub: BenchHub, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, async (_, k) => {
        const res = await fetch(`${hub.url}/api/agents/agent_bench/calls`, {
          method: 'POST',
          headers: { authorization: `Bearer ${hub.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(benchCall(`${prefix}${i + k}`)),
        });
        if (res.status !== 202) throw new Error(`POST /calls answered ${res.status}`);
      }),
    );
  }
}

// The baseline in its own process, as the hub is: the same payloads POSTed 16 at a time with Node's
// fetch, after `warmUp` untimed ones (as the hub delivers its warm-up jobs).
function bareLoop(url: string, count: number, warmUp = 0): Promise<number> {
  const args = [join(ROOT, 'test/bench/bare-post-loop.ts'), url, String(count), String(warmUp)];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`bare loop exited ${code}`)))),
  );
}
