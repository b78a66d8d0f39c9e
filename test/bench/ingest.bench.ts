// Ingest: POST /api/agents/:agentId/calls (every request a new ~2 KB call, one Zapier integration, the
// in-process worker delivering to a loopback catch hook) beside a bare Fastify JSON route, same run.
// Run: pnpm exec tsx test/bench/ingest.bench.ts (BENCH_SECONDS, BENCH_CONNECTIONS)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { ROOT } from '../helpers/hub.js';
import { benchCall, benchData, connectHooks, removeData, report, startBenchHub } from './bench-kit.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

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

const zap = await startZapierSim({ perSecond: 1_000_000 });
const data = await benchData();
const hub = await startBenchHub(data);
await connectHooks(hub, 'agent_bench', zap.url, 1);
const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/bare-server.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const bareUrl = await new Promise<string>((resolve) => bare.stdout!.once('data', (d) => resolve(String(d).trim())));
try {
  const baseline = await run(`${bareUrl}/echo`, {});
  const calls = await run(`${hub.url}/api/agents/agent_bench/calls`, { authorization: `Bearer ${data.apiKey}` });
  const errors = (r: autocannon.Result) => r.non2xx + r.errors + r.timeouts;
  report('ingest', {
    connections,
    seconds,
    bare_per_s: Math.round(baseline.requests.average),
    bare_p99_ms: baseline.latency.p99,
    hub_per_s: Math.round(calls.requests.average),
    hub_p50_ms: calls.latency.p50,
    hub_p99_ms: calls.latency.p99,
    ratio: Number((calls.requests.average / baseline.requests.average).toFixed(3)),
    errors: errors(baseline) + errors(calls),
  });
} finally {
  bare.kill();
  await hub.stop();
  await zap.close();
  await removeData(data.dataDir);
}
