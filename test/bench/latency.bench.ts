// End-to-end latency: calls POSTed at a steady 20 a second to a hub with one Zapier integration; the
// time from sending POST /calls to the catch hook receiving the payload, p50 and p99, and the hub's
// peak RSS under that load. Run: pnpm exec tsx test/bench/latency.bench.ts (BENCH_RATE, BENCH_SECONDS, BENCH_PROFILE_DIR)
import { startZapierSim, type CaughtPayload } from '@hub/connector-zapier/sim';
import { benchCall, benchData, connectHooks, percentile, removeData, report, startBenchHub } from './bench-kit.js';

const rate = Number(process.env.BENCH_RATE ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);

const zap = await startZapierSim({ perSecond: 1_000_000 });
const data = await benchData();
// BENCH_PROFILE_DIR=<dir> writes a CPU profile of the hub there (node --cpu-prof).
const hub = await startBenchHub(
  data,
  {},
  process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [],
);
try {
  await connectHooks(hub, 'agent_bench', zap.url, 1);
  const sent = new Map<string, number>();
  const posts: Promise<unknown>[] = [];
  const answered: number[] = [];
  let peakRss = 0;
  const count = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    // Paced against the start, so a slow answer does not delay the next call.
    const due = start + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const id = `lat${i}`;
    sent.set(id, Date.now());
    const t0 = performance.now();
    posts.push(
      fetch(`${hub.url}/api/agents/agent_bench/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(benchCall(id)),
      }).then(async (r) => {
        await r.arrayBuffer();
        answered.push(performance.now() - t0);
      }),
    );
    if (i % rate === 0) peakRss = Math.max(peakRss, await hub.rssMb());
  }
  await Promise.all(posts);
  const caught = zap.state.collection<CaughtPayload>('payloads');
  const deadline = Date.now() + 10_000;
  while (caught.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  peakRss = Math.max(peakRss, await hub.rssMb());
  const latencies = caught
    .find()
    .map((p) => p.at - sent.get((p.body as { call: { call_id: string } }).call.call_id)!)
    .sort((a, b) => a - b);
  answered.sort((a, b) => a - b);
  report('latency', {
    rate,
    calls: count,
    post_p50_ms: Number(percentile(answered, 50).toFixed(1)),
    post_p99_ms: Number(percentile(answered, 99).toFixed(1)),
    delivered: latencies.length,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    max_ms: latencies.at(-1) ?? NaN,
    rss_peak_mb: Math.round(peakRss),
  });
} finally {
  await hub.stop();
  await zap.close();
  await removeData(data.dataDir);
}
