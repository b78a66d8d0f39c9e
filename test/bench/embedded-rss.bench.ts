// Embedded store at size: RSS per stored call, data size and open time, for N stored calls (each with
// its job and two sync log entries, as the hub stores them, with the hub's indexes). Each size is
// written by one child process and opened by a fresh one, which reports.
// Each opened twice: docs held in memory (the default) and cold (HUB_STORE_COLD_DOCS=1).
//   node --expose-gc --import tsx test/bench/embedded-rss.bench.ts 100000 500000
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallRepo, JobQueue, SyncLogRepo, type CallDoc, type DocCollection, type JobDoc, type SyncLogDoc } from '@hub/core';
import { openEmbeddedEngine, type EmbeddedEngine } from '@hub/store';

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

/** The hub's own indexes on the three collections, as its repositories create them at every start. */
async function ensureIndexes(store: EmbeddedEngine): Promise<void> {
  await new CallRepo(store.collection('calls') as DocCollection<CallDoc>).ensureIndexes();
  await new JobQueue(store.collection('jobs') as DocCollection<JobDoc>).ensureIndexes();
  await new SyncLogRepo(store.collection('sync_logs') as DocCollection<SyncLogDoc>).ensureIndexes();
}

/** Writes n stored calls into `dir` and compacts, as a hub that ran for a while leaves its folder. */
async function fill(dir: string, n: number): Promise<void> {
  const store = await openEmbeddedEngine({ dir });
  await ensureIndexes(store);
  const [calls, jobs, logs] = ['calls', 'jobs', 'sync_logs'].map((c) => store.collection(c));
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, (_, k) => docsFor(i + k));
    await Promise.all(batch.flatMap((d) => [calls.insertOne(d.call), jobs.insertOne(d.job), ...d.logs.map((l) => logs.insertOne(l))]));
  }
  await store.compact();
  await store.close();
}

/** Opens the folder in this fresh process, indexes included, and reports what it cost. */
async function measure(dir: string, n: number, coldDocs: boolean): Promise<void> {
  const bytes = await folderBytes(dir);
  gc();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const store = await openEmbeddedEngine({ dir, coldDocs });
  await ensureIndexes(store);
  const openMs = performance.now() - started;
  // A read through each collection, so the measure includes what serving a request needs.
  const found = await store.collection('calls').findOne({ tenantId: 'ten_1', agentId: 'agent_7', callId: `call_${n - 43}` });
  if (found === null) throw new Error('a stored call was not found after open');
  gc();
  const after = process.memoryUsage().rss;
  // An unindexed query touches every call: what a scan costs per doc.
  const scanStarted = performance.now();
  await store.collection('calls').countDocuments({ 'data.duration_seconds': { $gt: 0 } });
  const scanUs = ((performance.now() - scanStarted) * 1000) / n;
  console.log(
    `${n} calls${coldDocs ? ', cold docs' : ''}: scan ${scanUs.toFixed(1)} us/doc, data ${mb(bytes)} MB, open ${(openMs / 1000).toFixed(1)} s, RSS +${mb(after - before)} MB = ${((after - before) / n / 1024).toFixed(2)} KB per stored call (call + job + 2 log entries)`,
  );
  await store.close();
}

function child(args: string[]): void {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', fileURLToPath(import.meta.url), ...args],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} exited ${r.status}`);
}

const [mode, dirArg, nArg] = process.argv.slice(2);
if (mode === '--fill') await fill(dirArg, Number(nArg));
else if (mode === '--open' || mode === '--open-cold') await measure(dirArg, Number(nArg), mode === '--open-cold');
else {
  for (const n of process.argv.slice(2).map(Number).filter(Boolean)) {
    const dir = await mkdtemp(join(tmpdir(), 'hub-rss-'));
    try {
      child(['--fill', dir, String(n)]);
      child(['--open', dir, String(n)]);
      child(['--open-cold', dir, String(n)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
