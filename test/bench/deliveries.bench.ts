// Deliveries per second: 40 Zapier integrations on one agent and 250 calls queued (10,000 jobs),
// drained by the hub's worker; beside a bare loop POSTing the same 10,000 payloads to the same
// simulator in the same run. The hooks' budget is lifted (HUB_CONNECTOR_OVERRIDES) so that, like the
// bare loop, the hub is measured and not Zapier's 25/s per hook: 40 hooks at that budget cap the hub
// at 960/s, and a half of the backlog drained at the cap says nothing about the hub.
// Run: pnpm exec tsx test/bench/deliveries.bench.ts (BENCH_CALLS, BENCH_HOOKS, BENCH_PROFILE_DIR,
// BENCH_HOOK_RATE: requests per second per hook, `manifest` for Zapier's own; BENCH_TIMELINE=1)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { ROOT } from '../helpers/hub.js';
import { benchCall, benchData, connectHooks, cpuMs, removeData, report, startBenchHub } from './bench-kit.js';

const hooks = Number(process.env.BENCH_HOOKS ?? 40);
const calls = Number(process.env.BENCH_CALLS ?? 250);
const total = hooks * calls;
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
  for (let i = 0; i < calls; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, calls - i) }, async (_, k) => {
        const res = await fetch(`${ingest.url}/api/agents/agent_bench/calls`, {
          method: 'POST',
          headers: { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(benchCall(`d${i + k}`)),
        });
        if (res.status !== 202) throw new Error(`POST /calls answered ${res.status}`);
      }),
    );
  }
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
  let cpuStart: number | undefined;
  // The hub's CPU time in each second of the drain (BENCH_TIMELINE), beside the deliveries of that second.
  const cpuTimeline: number[] = [];
  let sampled = 0;
  while (caught.size < before + total && Date.now() < deadline) {
    if (cpuStart === undefined && caught.size > before) [cpuStart, sampled] = [await cpuMs(hub.pid), Date.now()];
    if (cpuStart !== undefined && Date.now() - sampled >= 1000) {
      cpuTimeline.push(await cpuMs(hub.pid));
      sampled += 1000;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const cpu = cpuStart === undefined ? NaN : (await cpuMs(hub.pid)) - cpuStart;
  const rss = await hub.rssMb();
  await hub.stop();
  const at = zap
    .caught()
    .map((p) => p.at)
    .filter((t) => t >= drainFrom)
    .sort((a, b) => a - b);
  if (at.length < total) throw new Error(`only ${at.length} of ${total} jobs were delivered in time`);
  const half = Math.floor(total / 2);
  const rate = (from: number, to: number) => Math.round(((to - from) / Math.max(1, at[to - 1] - at[from])) * 1000);
  const hubRate = rate(0, total);

  // BENCH_TIMELINE=1: deliveries in each second of the drain, to see where a half slows down.
  if (process.env.BENCH_TIMELINE) {
    const perSecond: number[] = [];
    for (const t of at) perSecond[Math.floor((t - at[0]) / 1000)] = (perSecond[Math.floor((t - at[0]) / 1000)] ?? 0) + 1;
    console.error(`deliveries in each second: ${perSecond.join(' ')}`);
    console.error(`hub CPU ms in each second: ${cpuTimeline.map((c, i) => Math.round(c - (cpuTimeline[i - 1] ?? cpuStart!))).join(' ')}`);
  }
  console.error(`deliveries: queued ${total} jobs in ${Math.round(ingested - started)} ms, drained in ${at[total - 1] - at[0]} ms`);
  const bare = await bareLoop(`${zap.url}/hooks/catch/bare/loop/`, total);
  report('deliveries', {
    jobs: total,
    hook_rate: hookRate,
    hub_per_s: hubRate,
    first_half_per_s: rate(0, half),
    second_half_per_s: rate(half, total),
    bare_per_s: bare,
    ratio: Number((hubRate / bare).toFixed(3)),
    first_vs_second: Number((rate(0, half) / rate(half, total)).toFixed(2)),
    hub_cpu_percent: Math.round((cpu / Math.max(1, at[total - 1] - at[0])) * 100),
    hub_cpu_us_per_job: Math.round((cpu * 1000) / total),
    rss_mb: Math.round(rss),
  });
} finally {
  await zap.close();
  await removeData(data.dataDir);
}

// The baseline in its own process, as the hub is: the same payloads POSTed 16 at a time with Node's fetch.
function bareLoop(url: string, count: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/bare-post-loop.ts'), url, String(count)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`bare loop exited ${code}`)))),
  );
}
