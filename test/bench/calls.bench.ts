import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { apiClient, freePort, runCli, spawnHub, testEnv, ROOT } from '../helpers/hub.js';

/**
 * Throughput and p99 of POST /api/agents/:agentId/calls (every request a new call, one Zapier
 * integration, the in-process worker delivering to a loopback catch hook) beside a bare Fastify
 * JSON route measured in the same run.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const call = (id: string) =>
  JSON.stringify({
    call_id: id, customer_name: 'Jane Smith', customer_phone: '+14079780655', customer_email: 'jane@example.com',
    call_outcome: 'appointment_booked', call_summary: 'Customer scheduled roof inspection', call_sentiment: 'positive',
    transcript: 'Full transcript...', started_at: '2026-02-15T14:30:00Z', ended_at: '2026-02-15T14:35:00Z', duration_seconds: 300,
    appointment_booked: { date: '2026-02-20', time: '14:00', timezone: 'America/New_York', durationMinutes: 60 },
  });

async function run(title: string, url: string, headers: Record<string, string>, unique: boolean): Promise<autocannon.Result> {
  let n = 0;
  const result = await autocannon({
    title, url, connections, duration: seconds, method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (req) => ({ ...req, body: call(unique ? `bench_${process.pid}_${n++}` : 'same') }) }],
  });
  return result;
}

function row(r: autocannon.Result): string {
  const non2xx = r.non2xx + r.errors + r.timeouts;
  return `${(r.title ?? '').padEnd(28)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   errors/non-2xx ${non2xx}`;
}

const dataDir = await mkdtemp(join(tmpdir(), 'hub-bench-'));
const env = testEnv(dataDir, { HUB_WORKER_CONCURRENCY: '8' });
const zap = await startZapierSim({ perSecond: 1_000_000 });
const created = runCli(['tenant', 'create', 'bench'], env);
if (created.status !== 0) throw new Error(`tenant create failed: ${created.stderr}`);
const { apiKey } = JSON.parse(created.stdout) as { apiKey: string };
const hub = await spawnHub(env, await freePort());
await apiClient(hub.url, apiKey)('POST', '/api/agents/agent_bench/integrations/connect', { type: 'zapier', webhook_url: `${zap.url}/hooks/catch/1/bench/` });

const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/bare-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
const bareUrl = await new Promise<string>((resolve) => bare.stdout!.once('data', (d) => resolve(String(d).trim())));

try {
  console.log(`POST /calls vs a bare Fastify route: ${connections} connections, ${seconds} s each, node ${process.version}`);
  const baseline = await run('bare fastify POST /echo', `${bareUrl}/echo`, {}, true);
  const calls = await run('hub POST /calls (new call)', `${hub.url}/api/agents/agent_bench/calls`, { authorization: `Bearer ${apiKey}` }, true);
  console.log(row(baseline));
  console.log(row(calls));
  console.log(`ratio (hub / bare): throughput ${(calls.requests.average / baseline.requests.average).toFixed(3)}, p99 ${(calls.latency.p99 / Math.max(1, baseline.latency.p99)).toFixed(2)}x`);
  console.log(`catch hook received ${zap.caught().length} payloads during the run (the Zapier manifest paces one hook at 25 requests a second)`);
} finally {
  bare.kill();
  await hub.kill('SIGTERM');
  await zap.close();
  await rm(dataDir, { recursive: true, force: true });
}
