// End-to-end latency: calls POSTed at a steady 20 a second to a hub with one Zapier integration; the
// time from sending POST /calls to the catch hook receiving the payload, p50 and p99, and the hub's
// peak RSS under that load. Beside it, in the same run and at the same pace, a bare Fastify relay
// that forwards each call to the catch hook with nothing stored: the floor of this measurement on
// this box (an idle process woken every 50 ms answers slower than a busy one).
// Run: pnpm exec tsx test/bench/latency.bench.ts (BENCH_RATE, BENCH_SECONDS, BENCH_PROFILE_DIR)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startZapierSim, type CaughtPayload } from '@hub/connector-zapier/sim';
import { ROOT } from '../helpers/hub.js';
import { benchCall, benchData, connectHooks, percentile, removeData, report, startBenchHub } from './bench-kit.js';

const rate = Number(process.env.BENCH_RATE ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const count = rate * seconds;

const zap = await startZapierSim({ perSecond: 1_000_000 });
const caught = zap.state.collection<CaughtPayload>('payloads');

/** Posts `count` calls (ids `${prefix}N`) at `rate` a second; answers the POST times and the POST-to-catch-hook latencies, sorted. */
async function paced(prefix: string, url: string, headers: Record<string, string>, sample: () => Promise<void>) {
  const sent = new Map<string, number>();
  const posts: Promise<unknown>[] = [];
  const answered: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    // Paced against the start, so a slow answer does not delay the next call.
    const due = start + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const id = `${prefix}${i}`;
    sent.set(id, Date.now());
    const t0 = performance.now();
    posts.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(benchCall(id)) }).then(
        async (r) => {
          await r.arrayBuffer();
          answered.push(performance.now() - t0);
        },
      ),
    );
    if (i % rate === 0) await sample();
  }
  await Promise.all(posts);
  // Only this run's calls count (connecting an integration sends the catch hook a sample).
  const mine = () => caught.find().filter((p) => sent.has((p.body as { call?: { call_id?: string } }).call?.call_id ?? ''));
  const deadline = Date.now() + 10_000;
  while (mine().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const latencies = mine()
    .map((p) => p.at - sent.get((p.body as { call: { call_id: string } }).call.call_id)!)
    .sort((a, b) => a - b);
  return { answered: answered.sort((a, b) => a - b), latencies };
}

const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/bare-server.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const bareUrl = await new Promise<string>((resolve) => bare.stdout!.once('data', (d) => resolve(String(d).trim())));
const data = await benchData();
// BENCH_PROFILE_DIR=<dir> writes a CPU profile of the hub there (node --cpu-prof).
const hub = await startBenchHub(
  data,
  {},
  process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [],
);
try {
  await connectHooks(hub, 'agent_bench', zap.url, 1);
  const floor = await paced('bare', `${bareUrl}/relay?to=${encodeURIComponent(`${zap.url}/hooks/catch/bare/relay/`)}`, {}, async () => {});
  let peakRss = 0;
  const run = await paced('lat', `${hub.url}/api/agents/agent_bench/calls`, { authorization: `Bearer ${data.apiKey}` }, async () => {
    peakRss = Math.max(peakRss, await hub.rssMb());
  });
  peakRss = Math.max(peakRss, await hub.rssMb());
  report('latency', {
    rate,
    calls: count,
    post_p50_ms: Number(percentile(run.answered, 50).toFixed(1)),
    post_p99_ms: Number(percentile(run.answered, 99).toFixed(1)),
    delivered: run.latencies.length,
    p50_ms: percentile(run.latencies, 50),
    p99_ms: percentile(run.latencies, 99),
    max_ms: run.latencies.at(-1) ?? NaN,
    bare_p50_ms: percentile(floor.latencies, 50),
    bare_p99_ms: percentile(floor.latencies, 99),
    bare_post_p50_ms: Number(percentile(floor.answered, 50).toFixed(1)),
    rss_peak_mb: Math.round(peakRss),
  });
} finally {
  bare.kill();
  await hub.stop();
  await zap.close();
  await removeData(data.dataDir);
}
