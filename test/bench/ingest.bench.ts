// Ingest: POST /api/agents/:agentId/calls (every request a new ~2 KB call, one Zapier integration) beside
// a bare Fastify JSON route, same run, twice: the hub as `pnpm start` deploys it (its in-process worker
// delivering the queued jobs to a loopback catch hook while it ingests) and the hub with HUB_WORKER=0
// (the API-server role of the split deployment: it stores calls and queues jobs, `pnpm hub worker`
// delivers). The first keeps the row's original field names; the second adds `api_*` fields. The
// hook's budget is lifted (HUB_CONNECTOR_OVERRIDES) so that the worker delivers as fast as it can while
// the hub ingests, as a hub with many busy hooks would; Zapier's own 25/s would leave it nearly idle.
// Run: pnpm exec tsx test/bench/ingest.bench.ts (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_PROFILE_DIR,
// BENCH_HOOK_RATE: requests per second for the hook, `manifest` for Zapier's own)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { ROOT } from '../helpers/hub.js';
import { benchCall, benchData, connectHooks, cpuMs, removeData, report, startBenchHub } from './bench-kit.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
// BENCH_PROFILE_DIR=<dir> writes a CPU profile of each hub there (node --cpu-prof).
const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
const hookRate = process.env.BENCH_HOOK_RATE ?? '100000';
const budget: Record<string, string> =
  hookRate === 'manifest'
    ? {}
    : { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ zapier: { rateLimit: { requests: Number(hookRate), perMs: 1000 } } }) };

function run(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(benchCall(`bench_${process.pid}_${n++}`)) }) }],
  });
}

/** A run against process `pid`, with the CPU time that process spent on each answered request (us). */
async function measure(pid: number, url: string, headers: Record<string, string>): Promise<{ result: autocannon.Result; cpuUs: number }> {
  const before = await cpuMs(pid);
  const result = await run(url, headers);
  return { result, cpuUs: Math.round((((await cpuMs(pid)) - before) * 1000) / Math.max(1, result.requests.total)) };
}

/** One hub on a fresh data folder with one Zapier hook, measured; `delivered` counts what reached the hook meanwhile. */
async function measureHub(hubEnv: Record<string, string>): Promise<{ result: autocannon.Result; cpuUs: number; delivered: number }> {
  const zap = await startZapierSim({ perSecond: 1_000_000 });
  const data = await benchData();
  const hub = await startBenchHub(data, { ...budget, ...hubEnv }, profile);
  try {
    await connectHooks(hub, 'agent_bench', zap.url, 1);
    const before = zap.caught().length;
    const measured = await measure(hub.pid, `${hub.url}/api/agents/agent_bench/calls`, { authorization: `Bearer ${data.apiKey}` });
    return { ...measured, delivered: zap.caught().length - before };
  } finally {
    await hub.stop();
    await zap.close();
    await removeData(data.dataDir);
  }
}

const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/bare-server.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const bareUrl = await new Promise<string>((resolve) => bare.stdout!.once('data', (d) => resolve(String(d).trim())));
try {
  const { result: baseline, cpuUs: bareCpuUs } = await measure(bare.pid!, `${bareUrl}/echo`, {});
  bare.kill();
  const deployed = await measureHub({});
  const apiOnly = await measureHub({ HUB_WORKER: '0' });
  const errors = (r: autocannon.Result) => r.non2xx + r.errors + r.timeouts;
  const ratio = (r: autocannon.Result) => Number((r.requests.average / baseline.requests.average).toFixed(3));
  report('ingest', {
    connections,
    seconds,
    bare_per_s: Math.round(baseline.requests.average),
    bare_p99_ms: baseline.latency.p99,
    // CPU time of the server process per answered request (less moved by a busy box than the rates)
    bare_cpu_us: bareCpuUs,
    // the hub as `pnpm start` runs it: the in-process worker delivers while the hub ingests
    hub_per_s: Math.round(deployed.result.requests.average),
    hub_p50_ms: deployed.result.latency.p50,
    hub_p99_ms: deployed.result.latency.p99,
    ratio: ratio(deployed.result),
    hub_cpu_us: deployed.cpuUs,
    // jobs the in-process worker delivered during the measurement, and the hook's budget it had
    hub_delivered: deployed.delivered,
    hook_rate: hookRate,
    // HUB_WORKER=0: the API server of the split deployment, ingesting only
    api_per_s: Math.round(apiOnly.result.requests.average),
    api_p50_ms: apiOnly.result.latency.p50,
    api_p99_ms: apiOnly.result.latency.p99,
    api_ratio: ratio(apiOnly.result),
    api_cpu_us: apiOnly.cpuUs,
    errors: errors(baseline) + errors(deployed.result) + errors(apiOnly.result),
  });
} finally {
  bare.kill();
}
