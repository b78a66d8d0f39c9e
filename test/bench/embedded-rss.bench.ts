// Embedded store at size: RSS per stored call, data size and open time, for N stored calls (each with
// its job and two sync log entries, as the hub stores them). Each size runs in a fresh child process.
//   node --expose-gc --import tsx test/bench/embedded-rss.bench.ts 100000 500000
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEmbeddedEngine } from '@hub/store';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) total += (await stat(join(dir, f))).size;
  return total;
}

function docsFor(i: number) {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const callId = `call_${i}`;
  const call = {
    _id: `c_${i}`,
    tenantId: 'ten_1',
    agentId: `agent_${i % 50}`,
    callId,
    receivedAt: at,
    data: {
      call_id: callId,
      agent_id: `agent_${i % 50}`,
      customer_name: `Caller ${i}`,
      customer_phone: `+1415${String(i).padStart(7, '0')}`,
      customer_email: `caller${i}@example.com`,
      call_outcome: 'appointment_booked',
      call_summary: 'Customer asked for a roof inspection next week and confirmed the address.',
      call_sentiment: 'positive',
      transcript: 'Agent: Hello, how can I help? Customer: I would like to book an inspection. '.repeat(4),
      started_at: at,
      ended_at: at,
      duration_seconds: 300,
    },
  };
  const job = {
    _id: `job_${i}`,
    tenantId: 'ten_1',
    agentId: call.agentId,
    callId,
    integrationId: 'int_1',
    type: 'gohighlevel',
    lane: 0,
    status: 'succeeded',
    attempts: 1,
    maxAttempts: 8,
    runAt: Date.parse(at),
    steps: {
      contact: { status: 'succeeded', output: { id: `ct_${i}` }, at },
      note: { status: 'succeeded', output: { id: `nt_${i}` }, at },
    },
    createdAt: at,
    updatedAt: at,
    finishedAt: at,
  };
  const logs = ['contact', 'note'].map((step) => ({
    _id: `log_${i}_${step}`,
    tenantId: 'ten_1',
    agentId: call.agentId,
    integrationId: 'int_1',
    type: 'gohighlevel',
    jobId: job._id,
    callId,
    step,
    status: 'success',
    attempt: 1,
    durationMs: 120,
    crmIds: { id: `x_${i}` },
    requests: [{ method: 'POST', url: 'https://services.leadconnectorhq.com/contacts/upsert', status: 200, ms: 110 }],
    createdAt: at,
  }));
  return { call, job, logs };
}

async function measure(n: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-rss-'));
  try {
    const store = await openEmbeddedEngine({ dir });
    const [calls, jobs, logs] = ['calls', 'jobs', 'sync_logs'].map((c) => store.collection(c));
    for (let i = 0; i < n; i += 500) {
      const batch = Array.from({ length: Math.min(500, n - i) }, (_, k) => docsFor(i + k));
      await Promise.all(batch.flatMap((d) => [calls.insertOne(d.call), jobs.insertOne(d.job), ...d.logs.map((l) => logs.insertOne(l))]));
    }
    await store.compact();
    await store.close();
    const bytes = await folderBytes(dir);
    gc();
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const reopened = await openEmbeddedEngine({ dir });
    const openMs = performance.now() - started;
    gc();
    const after = process.memoryUsage().rss;
    console.log(
      `${n} calls: data ${mb(bytes)} MB, open ${(openMs / 1000).toFixed(1)} s, RSS +${mb(after - before)} MB = ${((after - before) / n / 1024).toFixed(2)} KB per stored call (call + job + 2 log entries)`,
    );
    await reopened.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [size] = process.argv
  .slice(2)
  .filter((a) => a.startsWith('--size='))
  .map((a) => Number(a.slice(7)));
if (size) await measure(size);
else {
  for (const n of process.argv.slice(2).map(Number).filter(Boolean)) {
    spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', fileURLToPath(import.meta.url), `--size=${n}`],
      { stdio: 'inherit' },
    );
  }
}
