import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { apiClient, freePort, runCli, spawnHub, testEnv } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

/**
 * Live calls during a backfill: a hub process (embedded store, default worker) takes a 10,000-call
 * bulk import into one Zapier integration, then live calls are posted once a second, half to that
 * same catch hook (paced by its manifest at 25 requests a second, so the backfill lasts minutes)
 * and half to another agent's. Prints the bulk request's time and each live call's delay from
 * POST to arrival at the catch hook. BENCH_BACKFILL_CALLS and BENCH_LIVE_CALLS change the sizes.
 */
const backfillCalls = Number(process.env.BENCH_BACKFILL_CALLS ?? 10_000);
const liveCalls = Number(process.env.BENCH_LIVE_CALLS ?? 10);

const dataDir = await mkdtemp(join(tmpdir(), 'hub-bench-backfill-'));
const env = testEnv(dataDir);
const zap = await startZapierSim({ perSecond: 1_000_000 });
const created = runCli(['tenant', 'create', 'bench'], env);
if (created.status !== 0) throw new Error(`tenant create failed: ${created.stderr}`);
const { apiKey } = JSON.parse(created.stdout) as { apiKey: string };
const hub = await spawnHub(env, await freePort());
const api = apiClient(hub.url, apiKey);

function arrival(callId: string): Promise<number> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const hit = zap.caught().find((c) => (c.body as { call: { call_id: string } }).call.call_id === callId);
      if (hit) {
        clearInterval(poll);
        resolve(hit.at);
      }
    }, 2);
  });
}

try {
  for (const agent of ['agent_backfill', 'agent_other']) {
    await api('POST', `/api/agents/${agent}/integrations/connect`, { type: 'zapier', webhook_url: `${zap.url}/hooks/catch/1/${agent}/` });
  }
  const body = Array.from({ length: backfillCalls }, (_, i) => JSON.stringify(sampleCall(`past_${i}`))).join('\n');
  const t0 = Date.now();
  const bulk = await api('POST', '/api/agents/agent_backfill/calls/bulk', body, { 'content-type': 'application/x-ndjson' });
  if (bulk.status !== 202) throw new Error(`bulk answered ${bulk.status}: ${JSON.stringify(bulk.body)}`);
  console.log(
    `node ${process.version}; bulk import of ${backfillCalls} calls (${(body.length / 1e6).toFixed(1)} MB NDJSON): 202 in ${Date.now() - t0} ms, accepted ${bulk.body.accepted}`,
  );
  const delays: number[] = [];
  for (let i = 0; i < liveCalls; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const agent = i % 2 === 0 ? 'agent_backfill' : 'agent_other';
    const callId = `live_${i}`;
    const sent = Date.now();
    const arrived = arrival(callId);
    const res = await api('POST', `/api/agents/${agent}/calls`, sampleCall(callId));
    if (res.status !== 202) throw new Error(`live call answered ${res.status}`);
    const delay = (await arrived) - sent;
    delays.push(delay);
    const progress = await api('GET', `/api/agents/agent_backfill/imports/${bulk.body.import_id}`);
    console.log(
      `live call ${i + 1} → ${agent.padEnd(14)} delivered in ${String(delay).padStart(4)} ms   (backfill: ${progress.body.jobs.succeeded} done, ${progress.body.jobs.queued} still queued)`,
    );
  }
  const sorted = [...delays].sort((a, b) => a - b);
  console.log(
    `live delivery during the backfill: median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms over ${delays.length} calls`,
  );
} finally {
  await hub.kill('SIGTERM');
  await zap.close();
  await rm(dataDir, { recursive: true, force: true });
}
